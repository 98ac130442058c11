package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/quantedge/qex/engine"
)

// labOptions are the lab subcommand's flags.
type labOptions struct {
	cfg           engine.LabConfig
	format        string
	live          bool
	ledger        ledgerOptions
	commitLatency time.Duration
}

// Lab defaults of the command line.
const (
	defaultLiveRepetitions = 3
	// defaultLiveLatency is the embedded ledger's commit latency in a live lab:
	// a read and a write round trip of the simulation's network.
	defaultLiveLatency = 2 * engine.DefaultLabDelay
)

func newLabFlags(o *labOptions) *flag.FlagSet {
	o.cfg = engine.DefaultLabConfig()
	o.commitLatency = defaultLiveLatency
	fs := flag.NewFlagSet("qex-tui lab", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	c := &o.cfg
	fs.Func("clients", "client counts to sweep, e.g. `10,50,100` (default "+
		intList(c.Clients)+")", func(s string) (err error) { c.Clients, err = parseInts(s); return err })
	fs.IntVar(&c.Repetitions, "reps", c.Repetitions, fmt.Sprintf(
		"repetitions per point (default %d simulated, %d live)", c.Repetitions,
		defaultLiveRepetitions))
	fs.Func("strategies", "strategies to compare (default all: exponential, full, equal, "+
		"decorrelated, none)", func(s string) (err error) {
		c.Strategies, err = parseStrategies(s)
		return err
	})
	fs.DurationVar(&c.Base, "backoff-base", c.Base, "backoff base delay")
	fs.DurationVar(&c.Cap, "backoff-cap", c.Cap, "backoff cap")
	fs.DurationVar(&c.Delay, "delay", c.Delay, "simulated one-way network delay, mean")
	fs.DurationVar(&c.Spread, "spread", c.Spread, "simulated network delay, standard deviation")
	fs.Uint64Var(&c.Seed, "seed", c.Seed, "seed of the random streams")
	fs.StringVar(&o.format, "format", "text", "output: text, csv or json")
	fs.BoolVar(&o.live, "live", false, "run against the ledger (--ledger) in wall time "+
		"instead of simulating")
	fs.DurationVar(&o.commitLatency, "commit-latency", o.commitLatency,
		"embedded ledger, live: pause between snapshot and commit")
	addLedgerFlags(fs, &o.ledger)
	return fs
}

var labFlagOrder = []string{"clients", "reps", "strategies", "backoff-base", "backoff-cap",
	"delay", "spread", "seed", "format", "live", "ledger", "pg-dsn", "dsql-endpoint",
	"dsql-role", "commit-latency"}

// runLab runs the retry lab and prints its table, unless ctx ends first.
func runLab(ctx context.Context, args []string, getenv func(string) string,
	stdout, stderr io.Writer) int {
	var o labOptions
	fs := newLabFlags(&o)
	given, err := parseFlags(fs, args, getenv)
	if errors.Is(err, flag.ErrHelp) {
		labUsage(stdout, fs)
		return exitOK
	}
	o.ledger.defaultDSN(getenv)
	if o.live && !given["reps"] {
		o.cfg.Repetitions = defaultLiveRepetitions
	}
	if err == nil {
		err = o.check(given)
	}
	if err != nil {
		fmt.Fprintf(stderr, "qex-tui lab: %v\n", badInput(err))
		return exitBadInput
	}

	progress := labProgress(stderr)
	var r engine.LabResult
	if o.live {
		ledger, where, lerr := openLedger(ctx, o.ledger, maxLabClients(o.cfg), o.commitLatency,
			nil, true)
		if lerr != nil {
			fmt.Fprintf(stderr, "qex-tui lab: %v\n", lerr)
			return exitFailed
		}
		defer ledger.Close()
		r, err = engine.RunLiveLab(ctx, ledger, o.cfg, progress)
		r.Measured = "live on " + where
	} else {
		r, err = engine.RunLab(ctx, o.cfg, progress)
	}
	if progress != nil {
		fmt.Fprint(stderr, "\r\033[K") // the progress line is done with
	}
	switch {
	case errors.Is(err, context.Canceled):
		fmt.Fprintln(stderr, "qex-tui lab: interrupted; no table")
		return exitFailed
	case err != nil:
		fmt.Fprintf(stderr, "qex-tui lab: %v\n", err)
		return exitFailed
	}
	return printLab(stdout, stderr, r, o.format)
}

// check refuses what the run would not do: flags of the other kind of run
// (given on the command line or in the environment) included.
func (o *labOptions) check(given map[string]bool) error {
	switch o.format {
	case "text", "csv", "json":
	default:
		return fmt.Errorf("--format %q: want text, csv or json", o.format)
	}
	switch {
	case !o.live && o.ledger.kind != ledgerMemory:
		return errors.New("--ledger is for live runs: add --live")
	case o.live && (given["delay"] || given["spread"]):
		return errors.New("--delay and --spread shape the simulated network: a live run " +
			"has the real one")
	case given["commit-latency"] && !(o.live && o.ledger.kind == ledgerMemory):
		return errors.New("--commit-latency is for live runs on the embedded ledger")
	}
	if err := o.ledger.check(given); err != nil {
		return err
	}
	return o.cfg.Validate()
}

func maxLabClients(c engine.LabConfig) int {
	most := 0
	for _, n := range c.Clients {
		most = max(most, n)
	}
	return most
}

func printLab(stdout, stderr io.Writer, r engine.LabResult, format string) int {
	var err error
	switch format {
	case "csv":
		err = r.CSV(stdout)
	case "json":
		err = r.JSON(stdout)
	default:
		err = r.Text(stdout)
	}
	if err != nil {
		fmt.Fprintf(stderr, "qex-tui lab: writing the table: %v\n", err)
		return exitFailed
	}
	return exitOK
}

// labProgress shows how far the sweep is, on a terminal only.
func labProgress(stderr io.Writer) func(done, total int) {
	f, ok := stderr.(*os.File)
	if !ok || !isTerminal(f) {
		return nil
	}
	var last int
	return func(done, total int) {
		if pct := 100 * done / total; pct != last {
			last = pct
			fmt.Fprintf(stderr, "\rqex-tui lab: %d%% (%d of %d runs)", pct, done, total)
		}
	}
}

func labUsage(w io.Writer, fs *flag.FlagSet) {
	fmt.Fprint(w, `Usage: qex-tui lab [flags]

The retry lab: N clients each need one successful optimistic write to one shared
record; every failed attempt waits as its backoff strategy says. For each client
count and strategy it prints the mean and p99 of the attempts all clients made
and of the time until the last was done. By default it simulates, in virtual
time, the published experiment (base 5ms, cap 2s, 10ms ± 2ms network delays,
100 repetitions): the same seed prints the same table. With --live it runs the
clients as goroutines against the ledger, in wall time.

Flags:
`)
	printFlags(w, fs, labFlagOrder)
}

func parseInts(s string) ([]int, error) {
	var out []int
	for part := range strings.SplitSeq(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(part))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("%q is not a positive whole number", part)
		}
		out = append(out, n)
	}
	return out, nil
}

func intList(ns []int) string {
	parts := make([]string, len(ns))
	for i, n := range ns {
		parts[i] = strconv.Itoa(n)
	}
	return strings.Join(parts, ",")
}

func parseStrategies(s string) ([]engine.Strategy, error) {
	var out []engine.Strategy
	for part := range strings.SplitSeq(s, ",") {
		st, err := engine.ParseStrategy(strings.TrimSpace(part))
		if err != nil {
			return nil, err
		}
		out = append(out, st)
	}
	return out, nil
}
