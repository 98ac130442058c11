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

	if !r.Drained || !r.OK() {
		t.Fatalf("report not OK (drained %v, unsettled %d):\n%s", r.Drained, r.Unsettled, r.Audit)
	}
	if r.Audit.DuplicateSettlements != 0 || r.Audit.Settlements != r.Audit.Settled {
		t.Fatalf("settlements %d for %d settled slots (%d duplicates)", r.Audit.Settlements,
			r.Audit.Settled, r.Audit.DuplicateSettlements)
	}
	if r.Audit.Entries != 2*r.Audit.Settlements {
		t.Fatalf("%d ledger entries for %d settlements", r.Audit.Entries, r.Audit.Settlements)
	}
	if r.Audit.Settled+r.Audit.Unsold != slots {
		t.Fatalf("settled %d + unsold %d != %d slots", r.Audit.Settled, r.Audit.Unsold, slots)
	}
	s := r.Snapshot
	if s.Conflicts == 0 {
		t.Fatal("no conflicts observed: the racers never overlapped, so OCC went untested")
	}
	if s.DuplicatesPrevented == 0 {
		t.Fatal("no racer found its slot already settled")
	}
	_, recorded := ledger.Conflicts()
	if uint64(recorded)+s.ConflictsDropped != s.Conflicts {
		t.Fatalf("engine counted %d conflicts, ledger recorded %d (+%d dropped)", s.Conflicts,
			recorded, s.ConflictsDropped)
	}
	if len(got.bySlot) != slots {
		t.Fatalf("outcomes for %d slots, want %d", len(got.bySlot), slots)
	}
	for id, os := range got.bySlot {
		if len(os) != 1 {
			t.Fatalf("slot %s reported %d times", id, len(os))
		}
	}
	t.Logf("%d settled, %d conflicts, %d retries, %d duplicates prevented, %d abandoned, %d re-queued",
		s.Settled, s.Conflicts, s.Retries, s.DuplicatesPrevented, s.Abandoned, s.Requeued)
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
