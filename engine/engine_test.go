package engine

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/quantedge/qex/money"
	"github.com/quantedge/qex/store"
	"github.com/quantedge/qex/store/memory"
)

// testConfig is a small, fast configuration for tests.
func testConfig() Config {
	cfg := DefaultConfig()
	cfg.Seed = 42
	cfg.DrainTimeout = 20 * time.Second
	return cfg
}

// syntheticTraffic makes n slots, each with bids from every default region by a
// few shared advertisers, so racers collide on slots and on accounts.
func syntheticTraffic(n, advertisers int) *Traffic {
	t := &Traffic{Advertisers: map[string]money.Micros{}}
	for i := range n {
		id := fmt.Sprintf("slot-%d", i)
		t.Slots = append(t.Slots, TrafficSlot{ID: id, Publisher: fmt.Sprintf("pub-%d", i%5),
			Floor: 50 * money.Cent, Close: t0.Add(time.Second)})
		for r, region := range DefaultRegions() {
			t.Bids = append(t.Bids, store.Bid{
				ID: fmt.Sprintf("%s-b%d", id, r), SlotID: id, Region: region.Name,
				Advertiser: fmt.Sprintf("adv-%d", (i+r)%advertisers),
				Price:      money.Micros(100+(i*7+r*13)%400) * money.Cent,
				Arrival:    t0.Add(time.Duration(r) * time.Millisecond),
			})
		}
	}
	return t
}

type outcomes struct {
	mu     sync.Mutex
	bySlot map[string][]SlotOutcome
}

func (o *outcomes) add(so SlotOutcome) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.bySlot == nil {
		o.bySlot = map[string][]SlotOutcome{}
	}
	o.bySlot[so.Slot.ID] = append(o.bySlot[so.Slot.ID], so)
}

// checkOnce fails the test unless each of slots slots has exactly one outcome.
func (o *outcomes) checkOnce(t *testing.T, slots int) {
	t.Helper()
	o.mu.Lock()
	defer o.mu.Unlock()
	if len(o.bySlot) != slots {
		t.Fatalf("outcomes for %d slots, want %d", len(o.bySlot), slots)
	}
	for id, os := range o.bySlot {
		if len(os) != 1 {
			t.Fatalf("slot %s reported %d times", id, len(os))
		}
	}
}

// runID is the run the outcomes came from, as their slots record it.
func (o *outcomes) runID() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, os := range o.bySlot {
		return os[0].Slot.RunID
	}
	return ""
}

// replay runs traffic through an engine over the embedded bid store (or bids, if
// set) and the ledger, and returns its report and every outcome it gave.
func replay(t *testing.T, cfg Config, bids store.BidStore, ledger store.Ledger,
	traffic *Traffic) (Report, *outcomes) {
	t.Helper()
	if bids == nil {
		embedded := memory.NewBidStore(memory.BidOptions{})
		t.Cleanup(func() { _ = embedded.Close() })
		bids = embedded
	}
	got := &outcomes{}
	e, err := New(cfg, bids, ledger, WithOutcomes(got.add))
	if err != nil {
		t.Fatal(err)
	}
	r, err := e.Replay(context.Background(), traffic)
	if err != nil {
		t.Fatal(err)
	}
	return r, got
}

// TestRacingSettlers runs K=8 racers per slot over 2,000 slots and checks every
// invariant, and that the race was real: conflicts were counted by the engine,
// recorded by the ledger, and agree.
func TestRacingSettlers(t *testing.T) {
	const slots = 2000
	cfg := testConfig()
	cfg.Contention, cfg.Workers = 8, 32
	// The commit latency stands in for a network round trip, so that racers
	// started together overlap even on a two-core machine.
	ledger := memory.NewLedger(memory.LedgerOptions{CommitLatency: 300 * time.Microsecond})
	r, got := replay(t, cfg, nil, ledger, syntheticTraffic(slots, 10))
	checkRace(t, r, got, slots)
	_, recorded := ledger.Conflicts()
	checkRecorded(t, r, uint64(recorded))
}

// checkRace fails the test unless a replay of slots contended slots drained
// with every invariant holding, decided each slot exactly once, and its racers
// collided.
func checkRace(t *testing.T, r Report, got *outcomes, slots int) {
	t.Helper()
	a, s := r.Audit, r.Snapshot
	if !r.Drained || !r.OK() {
		t.Fatalf("report not OK (drained %v, unsettled %d):\n%s", r.Drained, r.Unsettled, a)
	}
	if a.Settled+a.Unsold != slots || a.Settlements != a.Settled || a.Entries != 2*a.Settlements ||
		a.DuplicateSettlements != 0 {
		t.Fatalf("slots %d: settled %d, unsold %d, settlements %d, entries %d, duplicates %d",
			slots, a.Settled, a.Unsold, a.Settlements, a.Entries, a.DuplicateSettlements)
	}
	if s.Conflicts == 0 || s.DuplicatesPrevented == 0 {
		t.Fatalf("conflicts %d, duplicates prevented %d: the racers never collided, "+
			"so OCC went untested", s.Conflicts, s.DuplicatesPrevented)
	}
	if s.SettleErrors != 0 {
		t.Fatalf("%d settlement errors: %s", s.SettleErrors, s.LastError)
	}
	got.checkOnce(t, slots)
}

// checkRecorded fails the test unless the ledger recorded every conflict the
// engine counted and did not drop.
func checkRecorded(t *testing.T, r Report, recorded uint64) {
	t.Helper()
	s := r.Snapshot
	if recorded+s.ConflictsDropped != s.Conflicts {
		t.Fatalf("engine counted %d conflicts, the ledger recorded %d (+%d dropped)", s.Conflicts,
			recorded, s.ConflictsDropped)
	}
	t.Logf("%d settled, %d unsold, %d conflicts (%d recorded), %d retries, "+
		"%d duplicates prevented, %d abandoned, %d re-queued", s.Settled, s.Unsold, s.Conflicts,
		recorded, s.Retries, s.DuplicatesPrevented, s.Abandoned, s.Requeued)
}

// TestRunGenerated runs the generator for a moment on the default configuration
// and checks the pipeline's counts agree with each other and with the ledger.
func TestRunGenerated(t *testing.T) {
	cfg := testConfig()
	ledger := memory.NewLedger(memory.LedgerOptions{CommitLatency: time.Millisecond})
	bids := memory.NewBidStore(memory.BidOptions{})
	defer bids.Close()
	e, err := New(cfg, bids, ledger)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 1500*time.Millisecond)
	defer cancel()
	r, err := e.Run(ctx)
	if err != nil {
		t.Fatal(err)
	}
	s := r.Snapshot
	if !r.OK() || !r.Drained {
		t.Fatalf("invariants failed:\n%s", r.Audit)
	}
	if s.Bids == 0 || s.Ingested != s.Bids || s.Settled == 0 {
		t.Fatalf("bids %d, ingested %d, settled %d", s.Bids, s.Ingested, s.Settled)
	}
	if s.SlotsClosed != s.SlotsOpened || uint64(r.Audit.Slots) != s.SlotsClosed {
		t.Fatalf("opened %d, closed %d, ledger has %d", s.SlotsOpened, s.SlotsClosed, r.Audit.Slots)
	}
	if s.Settled+s.Unsold != s.SlotsClosed || uint64(r.Audit.Settled) != s.Settled {
		t.Fatalf("settled %d + unsold %d != closed %d (ledger settled %d)", s.Settled, s.Unsold,
			s.SlotsClosed, r.Audit.Settled)
	}
	if s.Conflicts == 0 {
		t.Fatal("default contention (K=4) with a commit latency produced no conflict")
	}
	if s.State != StateStopped {
		t.Fatalf("state %s after Run returned", s.State)
	}
}

// TestReconcilerSettlesLeftovers: a slot a crashed run closed but never settled
// is picked up and settled by the next run.
func TestReconcilerSettlesLeftovers(t *testing.T) {
	cfg := testConfig()
	cfg.ReconcileInterval, cfg.ReconcileGrace = 20*time.Millisecond, 0
	ctx := context.Background()
	ledger := memory.NewLedger(memory.LedgerOptions{})
	if err := ledger.SeedAccounts(ctx, seedAccounts(cfg)); err != nil {
		t.Fatal(err)
	}
	leftover := store.Slot{ID: "left-1", Publisher: "pub-01", ClosedAt: time.Now().Add(-time.Hour),
		Status: store.SlotClosed, Price: money.Dollar, RunID: "crashed",
		Winner: &store.Bid{ID: "b", SlotID: "left-1", Region: "us-east-1", Advertiser: "adv-01",
			Price: money.Dollar}}
	if err := ledger.CloseSlots(ctx, []store.Slot{leftover}); err != nil {
		t.Fatal(err)
	}
	bids := memory.NewBidStore(memory.BidOptions{})
	defer bids.Close()
	e, err := New(cfg, bids, ledger)
	if err != nil {
		t.Fatal(err)
	}
	runCtx, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	defer cancel()
	r, err := e.Run(runCtx)
	if err != nil {
		t.Fatal(err)
	}
	if r.Snapshot.Requeued == 0 || r.Audit.AwaitingSettlement != 0 || !r.OK() {
		t.Fatalf("re-queued %d, still pending %d:\n%s", r.Snapshot.Requeued, r.Audit.AwaitingSettlement, r.Audit)
	}
}

// TestAbandonedSlotsAreRequeued: with one attempt per racer and many racers over
// few hot accounts, whole slots lose every race; the reconciler must bring each
// back until it settles.
func TestAbandonedSlotsAreRequeued(t *testing.T) {
	cfg := testConfig()
	cfg.Contention, cfg.Workers = 4, 32
	cfg.Backoff.MaxAttempts = 1
	cfg.ReconcileInterval, cfg.ReconcileGrace = 10*time.Millisecond, 0
	ledger := memory.NewLedger(memory.LedgerOptions{CommitLatency: 500 * time.Microsecond})
	r, _ := replay(t, cfg, nil, ledger, syntheticTraffic(400, 2))
	if r.Snapshot.Abandoned == 0 {
		t.Fatal("no racer ran out of attempts: the test did not exercise abandonment")
	}
	if r.Snapshot.Requeued == 0 {
		t.Fatal("abandoned slots were never re-queued")
	}
	if !r.OK() || r.Audit.AwaitingSettlement != 0 || r.Audit.Settled+r.Audit.Unsold != 400 {
		t.Fatalf("after re-queuing: pending %d, settled %d, unsold %d\n%s", r.Audit.AwaitingSettlement,
			r.Audit.Settled, r.Audit.Unsold, r.Audit)
	}
}
