package engine

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/quantedge/qex/money"
	"github.com/quantedge/qex/store"
	"github.com/quantedge/qex/store/memory"
)

// BenchmarkPipeline measures generate -> ingest -> evaluate through the engine's
// own stages on the embedded stores, as fast as the machine allows: the
// generator steps through virtual time instead of waiting for the clock, its
// batches go to the ingest workers, and the closer runs each slot's auction on
// the bids read back (and the winners settle) before the run drains. One op is
// one bid.
func BenchmarkPipeline(b *testing.B) {
	cfg := DefaultConfig()
	cfg.SlotRate = 2000
	for i := range cfg.Regions {
		cfg.Regions[i].Rate = 250_000
	}
	cfg.DrainTimeout = time.Minute
	bids := memory.NewBidStore(memory.BidOptions{TTL: time.Minute})
	defer bids.Close()
	e, err := New(cfg, bids, memory.NewLedger(memory.LedgerOptions{}))
	if err != nil {
		b.Fatal(err)
	}
	if err := e.ledger.SeedAccounts(context.Background(), seedAccounts(cfg)); err != nil {
		b.Fatal(err)
	}
	virtualTime := func(_, stages context.Context) error {
		g := newGenerator(cfg, e.runID, t0)
		for now, made := t0, 0; made < b.N; {
			now = now.Add(time.Millisecond)
			made += e.generateStep(stages, g, now)
		}
		return nil
	}
	b.ReportAllocs()
	b.ResetTimer()
	r, err := e.run(context.Background(), virtualTime)
	b.StopTimer()
	if err != nil {
		b.Fatal(err)
	}
	s := r.Snapshot
	b.ReportMetric(float64(s.Ingested)/b.Elapsed().Seconds(), "bids/s")
	if s.Ingested != s.Bids || s.SlotsClosed != s.SlotsOpened || !r.OK() {
		b.Fatalf("bids %d, ingested %d, slots opened %d, closed %d\n%s", s.Bids, s.Ingested,
			s.SlotsOpened, s.SlotsClosed, r.Audit)
	}
}

// BenchmarkSettle measures the embedded settlement stage: closed slots queued to
// the worker pool, each settled by K racers in the embedded ledger, with
// telemetry. One op is one settled slot.
func BenchmarkSettle(b *testing.B) {
	for _, k := range []int{1, 8} {
		b.Run(fmt.Sprintf("K=%d", k), func(b *testing.B) { benchmarkSettle(b, k) })
	}
}

func benchmarkSettle(b *testing.B, k int) {
	cfg := DefaultConfig()
	cfg.Contention = k
	cfg.Workers = max(2, k)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ledger := memory.NewLedger(memory.LedgerOptions{})
	bids := memory.NewBidStore(memory.BidOptions{})
	defer bids.Close()
	e, err := New(cfg, bids, ledger)
	if err != nil {
		b.Fatal(err)
	}
	accounts := seedAccounts(cfg)
	for i := range accounts {
		accounts[i].Initial = 1 << 50 // no advertiser runs dry during a benchmark
	}
	if err := ledger.SeedAccounts(ctx, accounts); err != nil {
		b.Fatal(err)
	}
	slots := make([]store.Slot, b.N)
	for i := range slots {
		id := fmt.Sprintf("bench-%d", i)
		slots[i] = store.Slot{ID: id, Publisher: accounts[cfg.Advertisers+i%cfg.Publishers].ID,
			ClosedAt: time.Now(), Status: store.SlotClosed, Price: money.Dollar, RunID: e.runID,
			Winner: &store.Bid{ID: "b-" + id, SlotID: id, Region: "us-east-1",
				Advertiser: accounts[i%cfg.Advertisers].ID, Price: money.Dollar}}
	}
	if err := ledger.CloseSlots(ctx, slots); err != nil {
		b.Fatal(err)
	}
	done := make(chan struct{})
	go func() { e.settlePool(ctx); close(done) }()
	go e.writeConflicts(ctx)

	b.ReportAllocs()
	b.ResetTimer()
	e.outstanding.Add(int64(b.N))
	for _, s := range slots {
		e.claims.claim(s.ID)
		e.enqueue(ctx, s)
	}
	// Racers that run out of attempts on hot accounts leave their slot to the
	// reconciler; draining re-queues them, as at the end of a real run.
	if !e.drain(ctx) {
		b.Fatal("settlement did not drain")
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "settlements/s")
	cancel()
	<-done
	if got := e.tel.settled.Load(); got != uint64(b.N) {
		b.Fatalf("settled %d of %d (conflicts %d, abandoned %d, errors %d: %s)", got, b.N,
			e.tel.conflicts.Load(), e.tel.abandoned.Load(), e.tel.settleErrors.Load(), e.tel.lastError)
	}
}
