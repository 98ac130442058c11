package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/quantedge/qex/engine"
	"github.com/quantedge/qex/money"
	"github.com/quantedge/qex/store/memory"
	"github.com/quantedge/qex/ui"
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
	ledger        ledgerOptions
	bids          bidOptions
}

// Command-line defaults that are not the engine's.
const (
	defaultHeadlessDuration = 10 * time.Second
	defaultCommitLatency    = 2 * time.Millisecond
	minTick                 = 50 * time.Millisecond // faster than a terminal shows
	envPrefix               = "QEX_"
)

func newFlagSet(o *options) *flag.FlagSet {
	o.cfg = engine.DefaultConfig()
	o.commitLatency, o.bidTTL, o.tick = defaultCommitLatency, memory.DefaultBidTTL, ui.DefaultTick
	fs := flag.NewFlagSet("qex-tui", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors are reworded and printed by the caller
	c := &o.cfg

	fs.BoolVar(&o.headless, "headless", false,
		"run without the console and print a summary (also when there is no terminal)")
	fs.DurationVar(&o.duration, "duration", 0,
		"how long to run (default: until q in the console, 10s headless)")
	fs.BoolVar(&o.json, "json", false, "print the headless summary as one JSON object")
	fs.Func("seed", "seed of the random streams, a whole `number`; one seed = one slot stream "+
		"(default: random)",
		func(s string) error {
			v, err := strconv.ParseUint(s, 10, 64)
			if err != nil {
				return errors.New("want a whole number from 0 up")
			}
			c.Seed, o.seedSet = v, true
			return nil
		})
	fs.StringVar(&o.bidsFile, "bids-file", "",
		"replay recorded traffic from this JSON Lines `file` instead of generating it (headless)")
	fs.StringVar(&o.outcomesFile, "outcomes", "", "write one JSON line per closed slot to this `file`")
	fs.DurationVar(&o.tick, "tick", o.tick, "console refresh interval (slower over SSH)")
	fs.StringVar(&o.logFile, "log-file", "", "write logs to this `file` (never to the console)")
	fs.StringVar(&o.logLevel, "log-level", "", "log level: debug, info, warn or error "+
		"(default: info in a --log-file, warn on a headless run's stderr)")
	fs.BoolVar(&o.version, "version", false, "print the version and exit")

	fs.Func("regions", "regions and their rates in bids/s, as `name=rate,...` (default "+
		regionList(c.Regions)+")", func(s string) error { return parseRegions(s, c) })
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
	addLedgerFlags(fs, &o.ledger)
	addBidFlags(fs, &o.bids)
	fs.Usage = func() {}
	return fs
}

// regionList writes regions as the --regions flag takes them.
func regionList(regions []engine.Region) string {
	parts := make([]string, len(regions))
	for i, r := range regions {
		parts[i] = fmt.Sprintf("%s=%g", r.Name, r.Rate)
	}
	return strings.Join(parts, ",")
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
		switch {
		case strings.TrimSpace(part) == "":
			return errors.New("an empty region between commas")
		case !ok || name == "":
			return fmt.Errorf("region %q: want name=rate, e.g. us-east-1=400", part)
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
				errs = append(errs, fmt.Errorf("%s=%q: %w", envName(f.Name), v, envReason(f, err)))
			}
		}
	})
	return errors.Join(errs...)
}

// envReason words an error from setting a flag by its environment variable.
func envReason(f *flag.Flag, err error) error {
	if errors.Is(err, strconv.ErrSyntax) || errors.Is(err, strconv.ErrRange) ||
		strings.Contains(err.Error(), "invalid duration") || strings.Contains(err.Error(), "parse error") {
		return errors.New(wants(f))
	}
	return err
}

// parseOptions reads the arguments and then the environment. --help prints the
// usage to out and returns flag.ErrHelp.
func parseOptions(args []string, getenv func(string) string, out io.Writer) (*options, error) {
	o := &options{}
	fs := newFlagSet(o)
	given, err := parseFlags(fs, args, getenv)
	if errors.Is(err, flag.ErrHelp) {
		usage(out, fs)
		return nil, err
	}
	if err != nil {
		return nil, badInput(err)
	}
	o.ledger.defaultDSN(getenv)
	if !o.seedSet {
		o.cfg.Seed = randomSeed()
	}
	o.setHeadless(o.headless || o.bidsFile != "")
	if err := o.check(given); err != nil {
		return nil, badInput(err)
	}
	return o, nil
}

// parseFlags is what every command does with its flags: read the arguments
// (none may be left over), then set each flag not given from its environment
// variable. It returns the flags set either way, flag.ErrHelp for --help, and
// errors worded for the user.
func parseFlags(fs *flag.FlagSet, args []string, getenv func(string) string) (
	map[string]bool, error) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, err
		}
		return nil, reword(fs, err)
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q (flags start with --)", fs.Arg(0))
	}
	if err := applyEnv(fs, getenv); err != nil {
		return nil, err
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	return given, nil
}

// check refuses settings no run can use, naming the flag.
func (o *options) check(given map[string]bool) error {
	var errs []error
	refuse := func(bad bool, format string, args ...any) {
		if bad {
			errs = append(errs, fmt.Errorf(format, args...))
		}
	}
	refuse(o.duration < 0, "--duration must not be negative, got %s", o.duration)
	refuse(o.commitLatency < 0, "--commit-latency must not be negative, got %s", o.commitLatency)
	refuse(o.bidTTL <= 0, "--bid-ttl must be positive, got %s", o.bidTTL)
	refuse(o.tick < minTick, "--tick must be at least %s, got %s", minTick, o.tick)
	refuse(o.bidTTL > 0 && o.bidTTL <= o.cfg.SlotWindow,
		"--bid-ttl %s must outlast --slot-window %s, or every bid expires before its auction",
		o.bidTTL, o.cfg.SlotWindow)
	refuse(o.outcomesFile != "" && samePath(o.outcomesFile, o.bidsFile),
		"--outcomes %s is the --bids-file: it would overwrite the traffic", o.outcomesFile)
	refuse(o.outcomesFile != "" && samePath(o.outcomesFile, o.logFile),
		"--outcomes and --log-file are the same file")
	if err := o.ledger.check(given); err != nil {
		errs = append(errs, err)
	}
	if err := o.bids.check(); err != nil {
		errs = append(errs, err)
	}
	if err := o.cfg.Validate(); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// samePath reports whether two paths name one file, existing or not.
func samePath(a, b string) bool {
	if a == "" || b == "" {
		return false
	}
	if fa, err := os.Stat(a); err == nil {
		if fb, err := os.Stat(b); err == nil {
			return os.SameFile(fa, fb)
		}
	}
	absA, errA := filepath.Abs(a)
	absB, errB := filepath.Abs(b)
	return errA == nil && errB == nil && absA == absB
}

// badInput points an error in what the user typed at the help.
func badInput(err error) error {
	return fmt.Errorf("%w; see qex-tui --help", err)
}

// Messages of the flag package, reworded for flags written with two dashes.
var (
	undefinedFlag = regexp.MustCompile(`^flag provided but not defined: -+(\S+)$`)
	invalidValue  = regexp.MustCompile(
		`^invalid (?:value|boolean value) "(.*)" for (?:flag )?-+(\S+): (.*)$`)
	missingValue = regexp.MustCompile(`^flag needs an argument: -+(\S+)$`)
)

// reword turns the flag package's messages into ones that name the flag as the
// user wrote it and say what it wants.
func reword(fs *flag.FlagSet, err error) error {
	msg := err.Error()
	if m := undefinedFlag.FindStringSubmatch(msg); m != nil {
		return fmt.Errorf("unknown flag --%s", m[1])
	}
	if m := missingValue.FindStringSubmatch(msg); m != nil {
		return fmt.Errorf("--%s needs a value", m[1])
	}
	if m := invalidValue.FindStringSubmatch(msg); m != nil {
		why := m[3]
		switch why {
		case "parse error":
			why = wants(fs.Lookup(m[2]))
		case "value out of range":
			why = "out of range"
		}
		return fmt.Errorf("--%s %q: %s", m[2], m[1], why)
	}
	return err
}

// wants says what kind of value a flag takes, for a value it could not parse.
func wants(f *flag.Flag) string {
	if g, ok := f.Value.(flag.Getter); ok {
		switch g.Get().(type) {
		case time.Duration:
			return "want a duration like 5s, 250ms or 2m"
		case bool:
			return "want true or false"
		case int, int64, uint, uint64:
			return "want a whole number"
		case float64:
			return "want a number"
		}
	}
	return "not a valid value"
}

// setHeadless chooses between the console and a headless run; a headless run
// without a duration gets the default one.
func (o *options) setHeadless(headless bool) {
	o.headless = headless
	if o.headless && o.duration == 0 {
		o.duration = defaultHeadlessDuration
	}
}
