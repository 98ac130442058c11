package engine

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/quantedge/qex/money"
	"github.com/quantedge/qex/store"
	"github.com/quantedge/qex/store/memory"
)

var errThrottled = errors.New("throttled")

// flakyBids is the embedded bid store failing its first reads.
type flakyBids struct {
	*memory.BidStore
	failReads atomic.Int64
}

func (f *flakyBids) SlotBids(ctx context.Context, slotID string) ([]store.Bid, error) {
	if f.failReads.Add(-1) >= 0 {
		return nil, errThrottled
	}
	return f.BidStore.SlotBids(ctx, slotID)
}

// flakyLedger is the embedded ledger refusing its first writes of closed slots.
type flakyLedger struct {
	*memory.Ledger
	failCloses atomic.Int64
}

func (f *flakyLedger) CloseSlots(ctx context.Context, slots []store.Slot) error {
	if f.failCloses.Add(-1) >= 0 {
		return errThrottled
	}
	return f.Ledger.CloseSlots(ctx, slots)
}

// TestFailingStoresDelaySlotsNeverLoseThem: reads of bids and writes of closed
// slots fail for a while; every slot still closes, once, with its outcome.
func TestFailingStoresDelaySlotsNeverLoseThem(t *testing.T) {
	const slots = 300
	bids := &flakyBids{BidStore: memory.NewBidStore(memory.BidOptions{})}
	defer bids.Close()
	bids.failReads.Store(40)
	ledger := &flakyLedger{Ledger: memory.NewLedger(memory.LedgerOptions{})}
	ledger.failCloses.Store(3)
	r, got := replay(t, testConfig(), bids, ledger, syntheticTraffic(slots, 10))
	if r.Snapshot.CloseErrors == 0 || r.Snapshot.LastError == "" {
		t.Fatalf("close errors %d, last error %q: the faults were not seen",
			r.Snapshot.CloseErrors, r.Snapshot.LastError)
	}
	if !r.Drained || !r.OK() || r.Audit.Slots != slots || len(got.bySlot) != slots {
		t.Fatalf("drained %v, ledger slots %d, outcomes %d, want %d:\n%s", r.Drained,
			r.Audit.Slots, len(got.bySlot), slots, r.Audit)
	}
}

// TestUnsoldCountedOncePerSlot: with K=8 racers and advertisers who run dry, each
// slot closed for want of funds counts once, and the engine agrees with the
// ledger.
func TestUnsoldCountedOncePerSlot(t *testing.T) {
	cfg := testConfig()
	cfg.Contention, cfg.Workers = 8, 32
	traffic := syntheticTraffic(400, 10)
	for i := range 10 {
		traffic.Advertisers[advertiserName(i)] = 20 * money.Dollar
	}
	ledger := memory.NewLedger(memory.LedgerOptions{CommitLatency: 200 * time.Microsecond})
	r, _ := replay(t, cfg, nil, ledger, traffic)
	s, a := r.Snapshot, r.Audit
	if s.UnsoldFunds == 0 {
		t.Fatal("no advertiser ran dry: the test did not exercise unsold slots")
	}
	if s.Settled != uint64(a.Settled) || s.Unsold != uint64(a.Unsold) ||
		s.Settled+s.Unsold != s.SlotsClosed {
		t.Fatalf("engine: settled %d, unsold %d, closed %d; ledger: settled %d, unsold %d",
			s.Settled, s.Unsold, s.SlotsClosed, a.Settled, a.Unsold)
	}
}

func advertiserName(i int) string { return fmt.Sprintf("adv-%d", i) }

// TestStopWithQueuedRacers stops a run while racers are still queued behind one
// slow worker: every slot the ledger holds gets exactly one outcome.
func TestStopWithQueuedRacers(t *testing.T) {
	cfg := testConfig()
	cfg.Contention, cfg.Workers = 8, 1
	cfg.DrainTimeout = 50 * time.Millisecond
	ledger := memory.NewLedger(memory.LedgerOptions{CommitLatency: 5 * time.Millisecond})
	r, got := replay(t, cfg, nil, ledger, syntheticTraffic(60, 10))
	if r.Drained {
		t.Fatal("the run drained: nothing was left queued to test")
	}
	settled := 0
	for id, os := range got.bySlot {
		if len(os) != 1 {
			t.Fatalf("slot %s has %d outcomes", id, len(os))
		}
		if os[0].Slot.Status == store.SlotSettled {
			settled++
		}
	}
	if len(got.bySlot) != r.Audit.Slots || settled != r.Audit.Settled {
		t.Fatalf("outcomes for %d slots (%d settled); the ledger has %d (%d settled)",
			len(got.bySlot), settled, r.Audit.Slots, r.Audit.Settled)
	}
	_, recorded := ledger.Conflicts()
	if uint64(recorded)+r.Snapshot.ConflictsDropped != r.Snapshot.Conflicts {
		t.Fatalf("conflicts: %d counted, %d recorded, %d dropped", r.Snapshot.Conflicts, recorded,
			r.Snapshot.ConflictsDropped)
	}
}

// stalledBids is a bid store whose writes never finish until their context ends.
type stalledBids struct {
	*memory.BidStore
	stalled atomic.Int64
}

func (s *stalledBids) PutBids(ctx context.Context, _ []store.Bid) error {
	s.stalled.Add(1)
	<-ctx.Done()
	return ctx.Err()
}

// TestStalledBidStoreCannotHoldTheRun: with every write to the bid store
// hanging, a run told to stop still returns once the drain timeout has passed,
// undrained, with the stalled writes given up.
func TestStalledBidStoreCannotHoldTheRun(t *testing.T) {
	cfg := testConfig()
	cfg.DrainTimeout = 200 * time.Millisecond
	for i := range cfg.Regions {
		cfg.Regions[i].Rate = 50_000 // enough batches to fill the ingest queue
	}
	bids := &stalledBids{BidStore: memory.NewBidStore(memory.BidOptions{})}
	defer bids.Close()
	e, err := New(cfg, bids, memory.NewLedger(memory.LedgerOptions{}))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	type result struct {
		r   Report
		err error
	}
	done := make(chan result, 1)
	go func() {
		r, err := e.Run(ctx)
		done <- result{r, err}
	}()
	select {
	case res := <-done:
		if res.err != nil {
			t.Fatal(res.err)
		}
		if res.r.Drained || bids.stalled.Load() == 0 || res.r.Snapshot.Ingested != 0 {
			t.Fatalf("drained %t, %d writes stalled, %d bids ingested: want an undrained run "+
				"that wrote nothing", res.r.Drained, bids.stalled.Load(), res.r.Snapshot.Ingested)
		}
	case <-time.After(time.Minute): // far past the 0.5 s the run may take
		t.Fatal("Run never returned with its bid store stalled")
	}
}
