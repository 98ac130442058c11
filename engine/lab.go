package engine

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// The retry lab answers "which backoff, with what base and cap, for this much
// contention?" with the experiment of the published comparison of backoff for
// optimistic concurrency: N clients each need one successful optimistic write to
// one shared record. An attempt reads the record's version (a round trip) and
// then writes conditionally on it (another); the write fails if another client
// wrote since the read, and the client waits as its strategy says before it
// tries again. Every message is delayed |Normal(mean, spread)|. The lab counts
// the writes (the work) and the time until the last client is done.

// Lab defaults: the published experiment's.
const (
	DefaultLabRepetitions = 100
	DefaultLabDelay       = 10 * time.Millisecond
	DefaultLabSpread      = 2 * time.Millisecond
	labPercentile         = 0.99
	// MaxLabClients bounds a point's clients: five times the published
	// sweep's largest, and a live run's goroutines and connections.
	MaxLabClients = 1000
	// LabSimulated is the Measured of a simulated sweep.
	LabSimulated = "simulated"
)

// DefaultLabClients are the contention levels swept.
func DefaultLabClients() []int { return []int{10, 30, 50, 70, 100, 130, 150, 170, 190} }

// LabStrategies are the strategies compared, no backoff last as the floor.
func LabStrategies() []Strategy {
	return []Strategy{StrategyExponential, StrategyFullJitter, StrategyEqualJitter,
		StrategyDecorrelated, StrategyNone}
}

// LabConfig is one sweep.
type LabConfig struct {
	Clients     []int
	Repetitions int
	Strategies  []Strategy
	Base, Cap   time.Duration
	// Delay and Spread shape each message's one-way network delay.
	Delay, Spread time.Duration
	Seed          uint64
	// Workers bounds the simulation's goroutines; zero means one per processor.
	// The console leaves a processor to the running exchange.
	Workers int
}

// DefaultLabConfig is the published experiment: base 5 ms, cap 2 s, 100 runs
// per point.
func DefaultLabConfig() LabConfig {
	return LabConfig{Clients: DefaultLabClients(), Repetitions: DefaultLabRepetitions,
		Strategies: LabStrategies(), Base: DefaultBackoffBase, Cap: DefaultBackoffCap,
		Delay: DefaultLabDelay, Spread: DefaultLabSpread, Seed: 1}
}

// Validate reports a sweep that cannot run.
func (c LabConfig) Validate() error {
	var errs []error
	if len(c.Clients) == 0 || slices.Min(c.Clients) < 1 || slices.Max(c.Clients) > MaxLabClients {
		errs = append(errs, fmt.Errorf("the lab needs client counts in [1, %d]", MaxLabClients))
	}
	if c.Repetitions < 1 {
		errs = append(errs, fmt.Errorf("repetitions must be at least 1, got %d", c.Repetitions))
	}
	if len(c.Strategies) == 0 {
		errs = append(errs, errors.New("the lab needs at least one strategy"))
	}
	p := BackoffPolicy{Strategy: StrategyNone, Base: c.Base, Cap: c.Cap, MaxAttempts: 1}
	for _, s := range c.Strategies {
		p.Strategy = s
		if err := p.Validate(); err != nil {
			errs = append(errs, err)
			break
		}
	}
	if c.Delay < 0 || c.Spread < 0 {
		errs = append(errs, errors.New("network delay and spread must not be negative"))
	}
	return errors.Join(errs...)
}

// LabPoint is one strategy at one contention level, over the repetitions.
type LabPoint struct {
	Strategy Strategy
	Clients  int
	// MeanAttempts and P99Attempts count writes in one run, all clients.
	MeanAttempts, P99Attempts float64
	// MeanCompletion and P99Completion are until the last client is done.
	MeanCompletion, P99Completion time.Duration
}

// LabResult is a sweep: its configuration and a point per strategy and client
// count, in the configuration's order (client counts outer).
type LabResult struct {
	Config LabConfig
	// Measured says where the runs happened: LabSimulated, or the ledger.
	Measured string
	Points   []LabPoint
}

// Point finds a strategy's point at a client count.
func (r LabResult) Point(s Strategy, clients int) (LabPoint, bool) {
	for _, p := range r.Points {
		if p.Strategy == s && p.Clients == clients {
			return p, true
		}
	}
	return LabPoint{}, false
}

// labRun is one repetition's measurement.
type labRun struct {
	attempts   int
	completion time.Duration
}

// RunLab runs the simulated sweep in virtual time. It is deterministic: each
// run draws from its own stream of the seed, so the result does not depend on
// how runs are spread over goroutines. progress, if set, is called from several
// goroutines with how many runs of how many are done.
func RunLab(ctx context.Context, cfg LabConfig, progress func(done, total int)) (
	LabResult, error) {
	if err := cfg.Validate(); err != nil {
		return LabResult{}, err
	}
	return sweep(ctx, cfg, LabSimulated, progress, func(ctx context.Context, s Strategy, n int,
		rng *rand.Rand) (labRun, error) {
		return simulate(ctx, cfg.policy(s), n, cfg.Delay, cfg.Spread, rng)
	})
}

func (c LabConfig) policy(s Strategy) BackoffPolicy {
	return BackoffPolicy{Strategy: s, Base: c.Base, Cap: c.Cap, MaxAttempts: math.MaxInt}
}

// runFunc measures one repetition of a strategy at a client count.
type runFunc func(ctx context.Context, s Strategy, clients int, rng *rand.Rand) (labRun, error)

// sweep runs every repetition of every point on as many goroutines as there
// are processors, and condenses them in a fixed order.
func sweep(ctx context.Context, cfg LabConfig, measured string,
	progress func(done, total int), run runFunc) (LabResult, error) {
	workers := cfg.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	return sweepOn(ctx, cfg, measured, progress, run, workers)
}

// sweepSerially runs one repetition at a time, for runs that must not overlap.
func sweepSerially(ctx context.Context, cfg LabConfig, measured string,
	progress func(done, total int), run runFunc) (LabResult, error) {
	return sweepOn(ctx, cfg, measured, progress, run, 1)
}

func sweepOn(ctx context.Context, cfg LabConfig, measured string,
	progress func(done, total int), run runFunc, workers int) (LabResult, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type job struct {
		point, rep int
	}
	var points []LabPoint
	for _, n := range cfg.Clients {
		for _, s := range cfg.Strategies {
			points = append(points, LabPoint{Strategy: s, Clients: n})
		}
	}
	runs := make([][]labRun, len(points))
	jobs := make(chan job)
	total := len(points) * cfg.Repetitions
	var done atomic.Int64
	var firstErr error
	var errOnce sync.Once
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for j := range jobs {
				p := points[j.point]
				rng := rand.New(rand.NewPCG(cfg.Seed, uint64(j.point)<<32|uint64(j.rep)))
				r, err := run(ctx, p.Strategy, p.Clients, rng)
				if err != nil {
					errOnce.Do(func() { firstErr = err; cancel() }) // the sweep is lost
					continue
				}
				runs[j.point][j.rep] = r
				if n := done.Add(1); progress != nil {
					progress(int(n), total)
				}
			}
		})
	}
	for i := range points {
		runs[i] = make([]labRun, cfg.Repetitions)
	}
feed:
	for i := range points {
		for rep := range cfg.Repetitions {
			select {
			case jobs <- job{i, rep}:
			case <-ctx.Done():
				break feed
			}
		}
	}
	close(jobs)
	wg.Wait()
	if firstErr != nil {
		return LabResult{}, firstErr
	}
	if err := ctx.Err(); err != nil {
		return LabResult{}, err
	}
	for i := range points {
		points[i].summarize(runs[i])
	}
	return LabResult{Config: cfg, Measured: measured, Points: points}, nil
}

func (p *LabPoint) summarize(runs []labRun) {
	attempts := make([]float64, len(runs))
	completions := make([]float64, len(runs))
	for i, r := range runs {
		attempts[i], completions[i] = float64(r.attempts), float64(r.completion)
	}
	p.MeanAttempts, p.P99Attempts = mean(attempts), percentile(attempts, labPercentile)
	p.MeanCompletion = time.Duration(mean(completions))
	p.P99Completion = time.Duration(percentile(completions, labPercentile))
}

func mean(xs []float64) float64 {
	sum := 0.0
	for _, x := range xs {
		sum += x
	}
	return sum / float64(len(xs))
}

// percentile is the nearest-rank percentile of xs.
func percentile(xs []float64, q float64) float64 {
	sorted := slices.Sorted(slices.Values(xs))
	rank := int(math.Ceil(q*float64(len(sorted)))) - 1
	return sorted[min(max(rank, 0), len(sorted)-1)]
}
