package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/quantedge/qex/engine"
	"github.com/quantedge/qex/money"
	"github.com/quantedge/qex/store/memory"
)

// options is everything the command line and the environment say.
type options struct {
	cfg engine.Config

	headless      bool
	duration      time.Duration
	json          bool
	seedSet       bool
	commitLatency time.Duration
	bidTTL        time.Duration
	bidsFile      string
	outcomesFile  string
	logFile       string
	logLevel      string
	tick          time.Duration
	version       bool
}

// Command-line defaults that are not the engine's.
const (
	defaultHeadlessDuration = 10 * time.Second
	defaultCommitLatency    = 2 * time.Millisecond
	defaultTick             = 250 * time.Millisecond
	consoleDrainTimeout     = 2 * time.Second
	envPrefix               = "QEX_"
)

// section groups flags in --help.
type section struct {
	title string
	names []string
}

var sections = []section{
	{"Run", []string{"headless", "duration", "json", "seed", "bids-file", "outcomes", "tick",
		"log-file", "log-level", "version"}},
	{"Traffic", []string{"regions", "slot-rate", "slot-window", "floor-min", "floor-max",
		"advertisers", "publishers", "budget-min", "budget-max", "auction"}},
	{"Settlement", []string{"workers", "contention", "backoff", "backoff-base", "backoff-cap",
		"max-attempts", "drain-timeout"}},
	{"Embedded stores", []string{"commit-latency", "bid-ttl", "batch-size", "ingest-workers"}},
}

func newFlagSet(o *options, out io.Writer) *flag.FlagSet {
	o.cfg = engine.DefaultConfig()
	o.commitLatency, o.bidTTL, o.tick = defaultCommitLatency, memory.DefaultBidTTL, defaultTick
	fs := flag.NewFlagSet("qex-tui", flag.ContinueOnError)
	fs.SetOutput(out)
	c := &o.cfg

	fs.BoolVar(&o.headless, "headless", false,
		"run without the console and print a summary (also when there is no terminal)")
	fs.DurationVar(&o.duration, "duration", 0,
		"how long to run (default: until q in the console, 10s headless)")
	fs.BoolVar(&o.json, "json", false, "print the headless summary as one JSON object")
	fs.Func("seed", "seed of the random streams; one seed = one slot stream (default: random)",
		func(s string) error {
			v, err := strconv.ParseUint(s, 10, 64)
			c.Seed, o.seedSet = v, true
			return err
		})
	fs.StringVar(&o.bidsFile, "bids-file", "",
		"replay recorded traffic from this JSON Lines `file` instead of generating it (headless)")
	fs.StringVar(&o.outcomesFile, "outcomes", "", "write one JSON line per closed slot to this `file`")
	fs.DurationVar(&o.tick, "tick", o.tick, "console refresh interval (slower over SSH)")
	fs.StringVar(&o.logFile, "log-file", "", "write logs to this `file` (never to the console)")
	fs.StringVar(&o.logLevel, "log-level", "info", "log level: debug, info, warn or error")
	fs.BoolVar(&o.version, "version", false, "print the version and exit")

	fs.Func("regions", "regions and their rates in bids/s, e.g. `us-east-1=400,eu-west-1=300`",
		func(s string) error { return parseRegions(s, c) })
	fs.Float64Var(&c.SlotRate, "slot-rate", c.SlotRate, "ad slots opened per second")
	fs.DurationVar(&c.SlotWindow, "slot-window", c.SlotWindow, "how long a slot takes bids")
	dollarFlag(fs, &c.FloorMin, "floor-min", "lowest slot floor (reserve price), in dollars")
	dollarFlag(fs, &c.FloorMax, "floor-max", "highest slot floor, in dollars")
	fs.IntVar(&c.Advertisers, "advertisers", c.Advertisers, "advertiser accounts")
	fs.IntVar(&c.Publishers, "publishers", c.Publishers, "publisher accounts")
	dollarFlag(fs, &c.BudgetMin, "budget-min", "smallest advertiser budget, in dollars")
	dollarFlag(fs, &c.BudgetMax, "budget-max", "largest advertiser budget, in dollars")
	fs.Func("auction", "auction type: first-price or second-price (default first-price)",
		func(s string) (err error) { c.Auction, err = engine.ParseAuctionType(s); return err })

	fs.IntVar(&c.Workers, "workers", c.Workers, "settlement workers")
	fs.IntVar(&c.Contention, "contention", c.Contention, "workers racing to settle each slot (K)")
	fs.Func("backoff", "retry backoff: full, equal, decorrelated, exponential or none (default full)",
		func(s string) (err error) { c.Backoff.Strategy, err = engine.ParseStrategy(s); return err })
	fs.DurationVar(&c.Backoff.Base, "backoff-base", c.Backoff.Base, "backoff base delay")
	fs.DurationVar(&c.Backoff.Cap, "backoff-cap", c.Backoff.Cap, "backoff cap")
	fs.IntVar(&c.Backoff.MaxAttempts, "max-attempts", c.Backoff.MaxAttempts,
		"attempts per racer before the slot goes back to the reconciler")
	fs.DurationVar(&c.DrainTimeout, "drain-timeout", c.DrainTimeout,
		"how long a stopping run keeps settling what is left")

	fs.DurationVar(&o.commitLatency, "commit-latency", o.commitLatency,
		"embedded ledger: pause between snapshot and commit, modelling a cross-region commit")
	fs.DurationVar(&o.bidTTL, "bid-ttl", o.bidTTL, "time to live of a stored bid")
	fs.IntVar(&c.BatchSize, "batch-size", c.BatchSize, "bids per write to the bid store")
	fs.IntVar(&c.IngestWorkers, "ingest-workers", c.IngestWorkers, "concurrent bid store writers")
	fs.Usage = func() { usage(fs) }
	return fs
}

type dollarValue struct{ m *money.Micros }

func (d dollarValue) String() string {
	if d.m == nil {
		return ""
	}
	return d.m.String()
}

func (d dollarValue) Set(s string) error {
	m, err := money.ParseDollars(s)
	if err != nil {
		return err
	}
	*d.m = m
	return nil
}

func dollarFlag(fs *flag.FlagSet, m *money.Micros, name, usage string) {
	fs.Var(dollarValue{m}, name, usage)
}

// parseRegions reads "name=rate,...": known names keep their prices, new ones
// take the first default region's.
func parseRegions(s string, c *engine.Config) error {
	defaults := engine.DefaultRegions()
	var out []engine.Region
	for part := range strings.SplitSeq(s, ",") {
		name, rateText, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok || name == "" {
			return fmt.Errorf("%q: want name=rate, e.g. us-east-1=400", part)
		}
		rate, err := strconv.ParseFloat(rateText, 64)
		if err != nil {
			return fmt.Errorf("%q: rate %q is not a number", part, rateText)
		}
		r := defaults[0]
		for _, d := range defaults {
			if d.Name == name {
				r = d
			}
		}
		r.Name, r.Rate = name, rate
		out = append(out, r)
	}
	c.Regions = out
	return nil
}

// envName is a flag's environment variable: --slot-rate is QEX_SLOT_RATE.
func envName(flagName string) string {
	return envPrefix + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// applyEnv sets each flag not given on the command line from its environment
// variable, when that is set.
func applyEnv(fs *flag.FlagSet, getenv func(string) string) error {
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	var errs []error
	fs.VisitAll(func(f *flag.Flag) {
		if given[f.Name] || f.Name == "version" {
			return
		}
		if v := getenv(envName(f.Name)); v != "" {
			if err := fs.Set(f.Name, v); err != nil {
				errs = append(errs, fmt.Errorf("%s=%q: %w", envName(f.Name), v, err))
			}
		}
	})
	return errors.Join(errs...)
}

func usage(fs *flag.FlagSet) {
	w := fs.Output()
	fmt.Fprint(w, `qex-tui: a live console for an ad exchange in miniature.

Bids stream in from regions into a bid store, each ad slot's auction closes, and
only the winner crosses into a strictly consistent ledger, where racing workers
settle it under optimistic concurrency and retry conflicts with backoff.

Usage:
  qex-tui [flags]                  the console (headless when there is no terminal)
  qex-tui --headless --json        run for --duration and print a summary

Every flag can also be set by its environment variable, shown in brackets.
`)
	for _, s := range sections {
		fmt.Fprintf(w, "\n%s:\n", s.title)
		for _, name := range s.names {
			f := fs.Lookup(name)
			if f == nil {
				continue
			}
			arg, text := flag.UnquoteUsage(f)
			head := "  --" + f.Name
			if arg != "" {
				head += " " + arg
			}
			fmt.Fprintf(w, "%-34s %s", head, text)
			if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" &&
				f.DefValue != "0s" && !strings.Contains(text, "(default") {
				fmt.Fprintf(w, " (default %s)", f.DefValue)
			}
			if f.Name != "version" {
				fmt.Fprintf(w, " [$%s]", envName(f.Name))
			}
			fmt.Fprintln(w)
		}
	}
	fmt.Fprint(w, `
Exit status: 0 when the run's invariants held, 1 when one failed or the run
could not work, 2 for a bad flag or input file.
`)
}

// parseOptions reads the arguments and then the environment.
func parseOptions(args []string, getenv func(string) string, out io.Writer) (*options, error) {
	o := &options{}
	fs := newFlagSet(o, out)
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q (flags start with --; see --help)", fs.Arg(0))
	}
	if err := applyEnv(fs, getenv); err != nil {
		return nil, err
	}
	if !o.seedSet {
		o.cfg.Seed = randomSeed()
	}
	if o.bidsFile != "" {
		o.headless = true
	}
	o.setHeadless(o.headless)
	if o.duration < 0 {
		return nil, fmt.Errorf("--duration must not be negative, got %s", o.duration)
	}
	if o.commitLatency < 0 || o.bidTTL <= 0 || o.tick <= 0 {
		return nil, errors.New(
			"--commit-latency must not be negative; --bid-ttl and --tick must be positive")
	}
	if err := o.cfg.Validate(); err != nil {
		return nil, err
	}
	return o, nil
}

// setHeadless chooses between the console and a headless run; a headless run
// without a duration gets the default one.
func (o *options) setHeadless(headless bool) {
	o.headless = headless
	if o.headless && o.duration == 0 {
		o.duration = defaultHeadlessDuration
	}
}
