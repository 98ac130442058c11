package engine

import (
	"bytes"
	"context"
	"errors"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/quantedge/qex/store"
	"github.com/quantedge/qex/store/memory"
)

// publishedSweep is the sweep the findings are checked on: the published
// experiment's settings at the client counts it reports, with a fixed seed, so
// the checks cannot flake.
var publishedSweep = sync.OnceValues(func() (LabResult, error) {
	cfg := DefaultLabConfig()
	cfg.Clients = []int{10, 50, 100, 150, 190}
	cfg.Seed = 2015
	return RunLab(context.Background(), cfg, nil)
})

func sweepPoint(t *testing.T, r LabResult, s Strategy, n int) LabPoint {
	t.Helper()
	p, ok := r.Point(s, n)
	if !ok {
		t.Fatalf("no point for %s at %d clients", s, n)
	}
	return p
}

// Finding 1: at 100 clients, full jitter needs less than half the attempts of
// exponential backoff without jitter.
func TestLabFullJitterHalvesTheWork(t *testing.T) {
	r, err := publishedSweep()
	if err != nil {
		t.Fatal(err)
	}
	full := sweepPoint(t, r, StrategyFullJitter, 100).MeanAttempts
	expo := sweepPoint(t, r, StrategyExponential, 100).MeanAttempts
	if full >= expo/2 {
		t.Fatalf("at 100 clients: full jitter %.1f attempts, exponential %.1f: not less than half",
			full, expo)
	}
	t.Logf("at 100 clients: full jitter %.1f attempts, exponential %.1f (%.0f%%)", full, expo,
		100*full/expo)
}

// Finding 2: exponential without jitter is the worst of the four on attempts
// and on completion time, at every contention level.
func TestLabExponentialIsWorst(t *testing.T) {
	r, err := publishedSweep()
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range r.Config.Clients {
		expo := sweepPoint(t, r, StrategyExponential, n)
		for _, s := range []Strategy{StrategyFullJitter, StrategyEqualJitter, StrategyDecorrelated} {
			p := sweepPoint(t, r, s, n)
			if p.MeanAttempts >= expo.MeanAttempts || p.MeanCompletion >= expo.MeanCompletion {
				t.Errorf("%d clients: %s (%.1f attempts, %s) not better than exponential "+
					"(%.1f, %s)", n, s, p.MeanAttempts, p.MeanCompletion, expo.MeanAttempts,
					expo.MeanCompletion)
			}
		}
	}
}

// Finding 3: full and equal jitter need about the same attempts (within 10%);
// decorrelated needs more than either, from 50 clients on (below that the
// three are within a few attempts of each other).
func TestLabJitterAttempts(t *testing.T) {
	r, err := publishedSweep()
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range r.Config.Clients {
		full := sweepPoint(t, r, StrategyFullJitter, n).MeanAttempts
		equal := sweepPoint(t, r, StrategyEqualJitter, n).MeanAttempts
		decorr := sweepPoint(t, r, StrategyDecorrelated, n).MeanAttempts
		if ratio := full / equal; ratio < 0.9 || ratio > 1.1 {
			t.Errorf("%d clients: full %.1f and equal %.1f attempts differ by more than 10%%",
				n, full, equal)
		}
		if n >= 50 && (decorr <= full || decorr <= equal) {
			t.Errorf("%d clients: decorrelated %.1f attempts, not more than full %.1f and "+
				"equal %.1f", n, decorr, full, equal)
		}
	}
}

// Finding 4: among the jittered strategies, equal jitter takes the longest to
// complete.
func TestLabEqualJitterIsSlowest(t *testing.T) {
	r, err := publishedSweep()
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range r.Config.Clients {
		equal := sweepPoint(t, r, StrategyEqualJitter, n).MeanCompletion
		for _, s := range []Strategy{StrategyFullJitter, StrategyDecorrelated} {
			if other := sweepPoint(t, r, s, n).MeanCompletion; other >= equal {
				t.Errorf("%d clients: %s completes in %s, not faster than equal jitter's %s",
					n, s, other, equal)
			}
		}
	}
}

// Finding 5: attempts grow faster than linearly with the clients, for every
// strategy: the attempts per client rise from each client count to the next.
func TestLabWorkGrowsSuperlinearly(t *testing.T) {
	r, err := publishedSweep()
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range r.Config.Strategies {
		prev := 0.0
		for _, n := range r.Config.Clients {
			perClient := sweepPoint(t, r, s, n).MeanAttempts / float64(n)
			if perClient <= prev {
				t.Errorf("%s: %.2f attempts per client at %d clients, not more than %.2f before",
					s, perClient, n, prev)
			}
			prev = perClient
		}
	}
}

// Finding 6: no backoff at all finishes soonest, at every client count, but
// from 100 clients on at three times the attempts of full jitter or more.
func TestLabNoBackoffFinishesSoonest(t *testing.T) {
	r, err := publishedSweep()
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range r.Config.Clients {
		none := sweepPoint(t, r, StrategyNone, n)
		for _, s := range r.Config.Strategies {
			if p := sweepPoint(t, r, s, n); s != StrategyNone &&
				p.MeanCompletion <= none.MeanCompletion {
				t.Errorf("%d clients: %s completes in %s, no later than no backoff's %s", n, s,
					p.MeanCompletion, none.MeanCompletion)
			}
		}
		full := sweepPoint(t, r, StrategyFullJitter, n).MeanAttempts
		if n >= 100 && none.MeanAttempts < 3*full {
			t.Errorf("%d clients: no backoff %.1f attempts, less than three times full "+
				"jitter's %.1f", n, none.MeanAttempts, full)
		}
	}
}

// TestLabIsDeterministic: one seed prints one table, whatever the goroutines do.
func TestLabIsDeterministic(t *testing.T) {
	cfg := DefaultLabConfig()
	cfg.Clients, cfg.Repetitions, cfg.Seed = []int{10, 50}, 20, 7
	var tables [2]bytes.Buffer
	for i := range tables {
		r, err := RunLab(context.Background(), cfg, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := r.Text(&tables[i]); err != nil {
			t.Fatal(err)
		}
	}
	if tables[0].String() != tables[1].String() {
		t.Fatalf("two runs with seed 7 differ:\n%s\n%s", &tables[0], &tables[1])
	}
	cfg.Seed = 8
	r, _ := RunLab(context.Background(), cfg, nil)
	var other bytes.Buffer
	_ = r.Text(&other)
	if other.String() == tables[0].String() {
		t.Fatal("seeds 7 and 8 print the same table")
	}
}

// TestLiveLabOnTheEmbeddedLedger runs the experiment for real at 50 clients: the
// embedded ledger's commit latency stands for the round trips, and full jitter
// must need fewer attempts than exponential backoff without jitter. The cap is
// lower than the published 2 s so that the synchronized exponential clients
// finish in seconds.
func TestLiveLabOnTheEmbeddedLedger(t *testing.T) {
	cfg := DefaultLabConfig()
	cfg.Clients, cfg.Repetitions = []int{50}, 1
	cfg.Strategies = []Strategy{StrategyExponential, StrategyFullJitter}
	cfg.Cap = 100 * time.Millisecond
	ledger := memory.NewLedger(memory.LedgerOptions{CommitLatency: cfg.Delay})
	var calls int
	r, err := RunLiveLab(context.Background(), ledger, cfg, func(done, total int) { calls++ })
	if err != nil {
		t.Fatal(err)
	}
	full := sweepPoint(t, r, StrategyFullJitter, 50)
	expo := sweepPoint(t, r, StrategyExponential, 50)
	if full.MeanAttempts >= expo.MeanAttempts {
		t.Fatalf("live, 50 clients: full jitter %.1f attempts, exponential %.1f",
			full.MeanAttempts, expo.MeanAttempts)
	}
	if audit, _ := ledger.Audit(context.Background()); !audit.OK() || audit.Settled != 2*50 {
		t.Fatalf("the live runs left the ledger %+v", audit)
	}
	if calls != 2 || r.Measured != "live" {
		t.Fatalf("progress called %d times, measured %q", calls, r.Measured)
	}
	t.Logf("live, 50 clients: full jitter %.1f attempts in %s, exponential %.1f in %s",
		full.MeanAttempts, full.MeanCompletion, expo.MeanAttempts, expo.MeanCompletion)
}

// TestLabStopsWhenToldTo: a simulation looks at its context as it goes, and a
// live run whose clients all stop for the context reports that once.
func TestLabStopsWhenToldTo(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	cfg := DefaultLabConfig()
	run, err := simulate(ctx, cfg.policy(StrategyNone), MaxLabClients, cfg.Delay, cfg.Spread,
		rand.New(rand.NewPCG(1, 1)))
	if !errors.Is(err, context.Canceled) || run.attempts != 0 {
		t.Fatalf("simulated %d attempts, error %v: want it stopped", run.attempts, err)
	}
	ctx, cancel = context.WithCancel(context.Background())
	ledger := &stopAfterClosing{cancel: cancel,
		Ledger: memory.NewLedger(memory.LedgerOptions{CommitLatency: time.Millisecond})}
	cfg.Clients, cfg.Repetitions = []int{50}, 1
	_, err = RunLiveLab(ctx, ledger, cfg, nil)
	if !errors.Is(err, context.Canceled) || strings.Contains(err.Error(), "\n") {
		t.Fatalf("live run stopped with %q: want one context error", err)
	}
}

// stopAfterClosing is a ledger that ends the run's context once the slots
// are closed, so that every client starts on an ended context.
type stopAfterClosing struct {
	*memory.Ledger
	cancel context.CancelFunc
}

func (s *stopAfterClosing) CloseSlots(ctx context.Context, slots []store.Slot) error {
	defer s.cancel()
	return s.Ledger.CloseSlots(ctx, slots)
}

// TestLabBoundsAndReports: client counts past MaxLabClients are refused, and a
// live run's report does not claim the simulated network's delay.
func TestLabBoundsAndReports(t *testing.T) {
	cfg := DefaultLabConfig()
	cfg.Clients = []int{10, MaxLabClients + 1}
	if err := cfg.Validate(); err == nil {
		t.Fatalf("%d clients accepted", MaxLabClients+1)
	}
	cfg = DefaultLabConfig()
	for measured, wantDelay := range map[string]bool{LabSimulated: true, "live on memory": false} {
		r := LabResult{Config: cfg, Measured: measured}
		var text, doc bytes.Buffer
		if err := r.Text(&text); err != nil {
			t.Fatal(err)
		}
		if err := r.JSON(&doc); err != nil {
			t.Fatal(err)
		}
		if got := strings.Contains(text.String(), "network delay"); got != wantDelay {
			t.Errorf("%s: text shows the network delay %t, want %t:\n%s", measured, got,
				wantDelay, text.String())
		}
		if got := strings.Contains(doc.String(), "network_delay_ms"); got != wantDelay {
			t.Errorf("%s: JSON has the network delay %t, want %t:\n%s", measured, got,
				wantDelay, doc.String())
		}
	}
}
