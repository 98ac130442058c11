package memory

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/quantedge/qex/money"
	"github.com/quantedge/qex/store"
)

// The benchmarks' store: benchSlots slots of benchBids bids each, written in
// batches of benchBatch, as the engine's ingest workers write them.
const (
	benchSlots = 500
	benchBids  = 1000
	benchBatch = 100
)

// benchBatches are the bids of one slot, in write batches.
func benchBatches(slot string) [][]store.Bid {
	regions := []string{"us-east-1", "eu-west-1", "ap-southeast-1", "sa-east-1"}
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var out [][]store.Bid
	for start := 0; start < benchBids; start += benchBatch {
		batch := make([]store.Bid, benchBatch)
		for i := range batch {
			n := start + i
			batch[i] = store.Bid{ID: fmt.Sprintf("%s-bid-%06d", slot, n), SlotID: slot,
				Region: regions[n%len(regions)], Advertiser: fmt.Sprintf("adv-%03d", n%200),
				Price: money.Micros(1_000_000 + n), Arrival: at.Add(time.Duration(n))}
		}
		out = append(out, batch)
	}
	return out
}

// benchStore is a store whose clock stands still and whose reclaimer does not
// run during the benchmark.
func benchStore(b *testing.B) *BidStore {
	c := newClock()
	s := NewBidStore(BidOptions{TTL: time.Hour, SweepInterval: time.Hour, Now: c.Now})
	b.Cleanup(func() { _ = s.Close() })
	return s
}

func mustPut(b *testing.B, s *BidStore, batches [][]store.Bid) {
	for _, batch := range batches {
		if err := s.PutBids(context.Background(), batch); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSweepNothingExpired is the reclaimer's pass over a full store in
// which no bid has expired yet, after every slot was read once.
func BenchmarkSweepNothingExpired(b *testing.B) {
	s := benchStore(b)
	for i := range benchSlots {
		slot := fmt.Sprintf("slot-%d", i)
		mustPut(b, s, benchBatches(slot))
		if _, err := s.SlotBids(context.Background(), slot); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		s.Sweep()
	}
	if n := s.Len(); n != benchSlots*benchBids {
		b.Fatalf("Len = %d after sweeps with nothing expired, want %d", n, benchSlots*benchBids)
	}
}

// BenchmarkSlotBidsAgain reads one slot of benchBids bids that were written and
// read before: what a reader that comes back to a slot pays.
func BenchmarkSlotBidsAgain(b *testing.B) {
	s := benchStore(b)
	mustPut(b, s, benchBatches("slot"))
	ctx := context.Background()
	if _, err := s.SlotBids(ctx, "slot"); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		bids, err := s.SlotBids(ctx, "slot")
		if err != nil || len(bids) != benchBids {
			b.Fatalf("%d bids, %v", len(bids), err)
		}
	}
}

// BenchmarkWriteOnceReadOnce writes a slot's bids and reads them once, as the
// engine does with every auction. One op is one slot; a slot is never written
// twice (the store is replaced, off the clock, once every slot was used).
func BenchmarkWriteOnceReadOnce(b *testing.B) {
	slots := make([][][]store.Bid, benchSlots)
	for i := range slots {
		slots[i] = benchBatches(fmt.Sprintf("slot-%d", i))
	}
	ctx := context.Background()
	s := benchStore(b)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if i > 0 && i%benchSlots == 0 {
			b.StopTimer()
			s = benchStore(b)
			b.StartTimer()
		}
		batches := slots[i%benchSlots]
		mustPut(b, s, batches)
		bids, err := s.SlotBids(ctx, batches[0][0].SlotID)
		if err != nil || len(bids) != benchBids {
			b.Fatalf("%d bids, %v", len(bids), err)
		}
		i++
	}
}
