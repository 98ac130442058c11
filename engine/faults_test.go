package engine

import (
	"context"
	"errors"
	"fmt"
	"sync"
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
	if !r.Drained || !r.OK() || r.Audit.Slots != slots {
		t.Fatalf("drained %v, ledger slots %d, want %d:\n%s", r.Drained, r.Audit.Slots, slots,
			r.Audit)
	}
	got.checkOnce(t, slots)
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

// clock is a test clock that moves only when told.
type clock struct{ now atomic.Int64 }

func (c *clock) Now() time.Time           { return time.Unix(0, c.now.Load()) }
func (c *clock) advance(by time.Duration) { c.now.Add(int64(by)) }

// countingBids counts the reads of each slot's bids.
type countingBids struct {
	*memory.BidStore
	mu    sync.Mutex
	reads map[string]int
}

func (c *countingBids) SlotBids(ctx context.Context, slotID string) ([]store.Bid, error) {
	c.mu.Lock()
	c.reads[slotID]++
	c.mu.Unlock()
	return c.BidStore.SlotBids(ctx, slotID)
}

// outagePastTheTTL refuses closed slots for its first refusals calls, moving
// the bid store's clock past the bids' TTL at the first, and notes when each
// slot was offered.
type outagePastTheTTL struct {
	*memory.Ledger
	clock    *clock
	ttl      time.Duration
	mu       sync.Mutex
	refusals int
	offered  map[string][]time.Time
}

func (o *outagePastTheTTL) CloseSlots(ctx context.Context, slots []store.Slot) error {
	o.mu.Lock()
	for _, s := range slots {
		o.offered[s.ID] = append(o.offered[s.ID], time.Now())
	}
	refuse := o.refusals > 0
	if refuse {
		o.refusals--
		o.clock.advance(2 * o.ttl)
	}
	o.mu.Unlock()
	if refuse {
		return errThrottled
	}
	return o.Ledger.CloseSlots(ctx, slots)
}

// TestLedgerOutageOutlastingTheBids: the ledger refuses closed slots until
// their bids have expired. Each slot's bids are read once, its outcome is kept
// and recorded when the ledger takes it (every slot settles, none turns unsold
// for want of bids), and refused slots wait the retry delay between offers.
func TestLedgerOutageOutlastingTheBids(t *testing.T) {
	const slots, ttl = 50, time.Minute
	clk := &clock{}
	clk.now.Store(time.Now().UnixNano())
	bids := &countingBids{reads: map[string]int{},
		BidStore: memory.NewBidStore(memory.BidOptions{TTL: ttl, Now: clk.Now})}
	ledger := &outagePastTheTTL{Ledger: memory.NewLedger(memory.LedgerOptions{}), clock: clk,
		ttl: ttl, refusals: 3, offered: map[string][]time.Time{}}
	traffic := syntheticTraffic(slots, 10)
	for a := range traffic.Advertisers {
		traffic.Advertisers[a] = 1000 * money.Dollar
	}
	r, got := replay(t, testConfig(), bids, ledger, traffic)
	if !r.OK() || r.Audit.Settled != slots || r.Snapshot.CloseErrors == 0 {
		t.Fatalf("settled %d of %d, %d close errors:\n%s", r.Audit.Settled, slots,
			r.Snapshot.CloseErrors, r.Audit)
	}
	got.checkOnce(t, slots)
	for _, os := range got.bySlot {
		if s := os[0].Slot; s.Status != store.SlotSettled {
			t.Fatalf("slot %s %s (%s), want settled", s.ID, s.Status, s.Reason)
		}
	}
	for id, n := range bids.reads {
		if n != 1 {
			t.Fatalf("slot %s's bids read %d times, want once", id, n)
		}
	}
	retried := 0
	for id, times := range ledger.offered {
		for i := 1; i < len(times); i++ {
			retried++
			if gap := times[i].Sub(times[i-1]); gap < closeRetryDelay {
				t.Fatalf("slot %s offered again after %s, before the retry delay %s", id, gap,
					closeRetryDelay)
			}
		}
	}
	if retried == 0 {
		t.Fatal("no slot was offered twice: the outage was not exercised")
	}
}
