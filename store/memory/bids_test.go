package memory

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/quantedge/qex/store"
)

// clock is a settable clock for tests.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

func newClock() *clock { return &clock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)} }

func bid(slot, region, id string) store.Bid {
	return store.Bid{ID: id, SlotID: slot, Region: region, Advertiser: "adv-1", Price: 1_000_000,
		Arrival: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
}

func sortedIDs(bids []store.Bid) []string {
	out := make([]string, len(bids))
	for i, b := range bids {
		out[i] = b.ID
	}
	sort.Strings(out)
	return out
}

func TestBidStoreIdempotentAndBySlot(t *testing.T) {
	s := NewBidStore(BidOptions{})
	defer s.Close()
	ctx := context.Background()
	batch := []store.Bid{bid("s1", "us-east-1", "a"), bid("s1", "eu-west-1", "b"),
		bid("s2", "us-east-1", "c")}
	for range 3 {
		if err := s.PutBids(ctx, batch); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.SlotBids(ctx, "s1")
	if err != nil {
		t.Fatal(err)
	}
	if ids := sortedIDs(got); fmt.Sprint(ids) != "[a b]" {
		t.Fatalf("slot s1 bids = %v, want [a b] once each", ids)
	}
	if n := s.Len(); n != 3 {
		t.Fatalf("Len = %d after writing 3 bids three times, want 3", n)
	}
	if got, _ := s.SlotBids(ctx, "nope"); len(got) != 0 {
		t.Fatalf("unknown slot returned %d bids", len(got))
	}
}

func TestBidStoreTTL(t *testing.T) {
	c := newClock()
	s := NewBidStore(BidOptions{TTL: time.Minute, SweepInterval: time.Hour, Now: c.Now})
	defer s.Close()
	ctx := context.Background()
	if err := s.PutBids(ctx, []store.Bid{bid("s1", "us-east-1", "old")}); err != nil {
		t.Fatal(err)
	}
	c.Advance(30 * time.Second)
	if err := s.PutBids(ctx, []store.Bid{bid("s1", "us-east-1", "new")}); err != nil {
		t.Fatal(err)
	}
	c.Advance(30 * time.Second) // "old" is exactly a minute old: expired
	if n := s.Len(); n != 2 {
		t.Fatalf("before a sweep or a read the expired bid is still held: Len = %d, want 2", n)
	}
	got, _ := s.SlotBids(ctx, "s1")
	if ids := sortedIDs(got); fmt.Sprint(ids) != "[new]" {
		t.Fatalf("after the first bid's TTL, bids = %v, want [new]", ids)
	}
	if n := s.Len(); n != 1 {
		t.Fatalf("a read reclaims the slot's expired bids: Len = %d, want 1", n)
	}
	if err := s.PutBids(ctx, []store.Bid{bid("s2", "us-east-1", "other")}); err != nil {
		t.Fatal(err)
	}
	c.Advance(time.Minute)
	if n := s.Len(); n != 2 {
		t.Fatalf("Len = %d before the sweep, want 2", n)
	}
	s.Sweep()
	if n := s.Len(); n != 0 {
		t.Fatalf("after every TTL and a sweep, Len = %d, want 0", n)
	}
}

// TestBidStoreBounded writes a long run's worth of bids with the clock moving and
// the reclaimer sweeping: what the store holds stays at one TTL's worth.
func TestBidStoreBounded(t *testing.T) {
	const (
		perSecond = 500
		ttl       = 10 * time.Second
		seconds   = 300
	)
	c := newClock()
	s := NewBidStore(BidOptions{TTL: ttl, SweepInterval: time.Hour, Now: c.Now})
	defer s.Close()
	ctx := context.Background()
	peak := 0
	for sec := range seconds {
		batch := make([]store.Bid, perSecond)
		for i := range batch {
			batch[i] = bid(fmt.Sprintf("slot-%d", sec), "us-east-1", fmt.Sprintf("%d-%d", sec, i))
		}
		if err := s.PutBids(ctx, batch); err != nil {
			t.Fatal(err)
		}
		c.Advance(time.Second)
		s.Sweep()
		peak = max(peak, s.Len())
	}
	if limit := perSecond * int(ttl/time.Second); peak > limit {
		t.Fatalf("store held %d bids at its peak, more than one TTL's worth (%d)", peak, limit)
	}
}

func TestBidStoreReclaimerRuns(t *testing.T) {
	c := newClock()
	s := NewBidStore(BidOptions{TTL: time.Second, SweepInterval: time.Millisecond, Now: c.Now})
	defer s.Close()
	if err := s.PutBids(context.Background(), []store.Bid{bid("s1", "r", "a")}); err != nil {
		t.Fatal(err)
	}
	c.Advance(2 * time.Second)
	deadline := time.Now().Add(5 * time.Second)
	for s.Len() != 0 {
		if time.Now().After(deadline) {
			t.Fatal("the background reclaimer did not remove an expired bid within 5s")
		}
		time.Sleep(time.Millisecond)
	}
}

// TestBidStoreKeyIsRegionAndID: the same bid id from two regions is two items;
// rewriting either replaces only itself.
func TestBidStoreKeyIsRegionAndID(t *testing.T) {
	c := newClock()
	s := NewBidStore(BidOptions{TTL: time.Minute, SweepInterval: time.Hour, Now: c.Now})
	defer s.Close()
	ctx := context.Background()
	a, b := bid("s1", "us-east-1", "x"), bid("s1", "eu-west-1", "x")
	for range 2 {
		if err := s.PutBids(ctx, []store.Bid{a, b, bid("s1", "us-east-1", "y")}); err != nil {
			t.Fatal(err)
		}
	}
	b.Price = 7
	c.Advance(30 * time.Second)
	if err := s.PutBids(ctx, []store.Bid{b}); err != nil {
		t.Fatal(err)
	}
	got, _ := s.SlotBids(ctx, "s1")
	if len(got) != 3 {
		t.Fatalf("%d bids, want 3: %+v", len(got), got)
	}
	c.Advance(45 * time.Second) // the first writes expire, the rewrite of b lives
	s.Sweep()
	got, _ = s.SlotBids(ctx, "s1")
	if s.Len() != 1 || len(got) != 1 || got[0].Region != "eu-west-1" || got[0].Price != 7 {
		t.Fatalf("after a partial expiry: Len %d, bids %+v", s.Len(), got)
	}
	if err := s.PutBids(ctx, []store.Bid{b}); err != nil {
		t.Fatal(err)
	}
	if s.Len() != 1 {
		t.Fatalf("rewriting after a sweep doubled the item: Len %d", s.Len())
	}
}

func TestBidStoreRoundTrip(t *testing.T) {
	s := NewBidStore(BidOptions{})
	defer s.Close()
	in := store.Bid{ID: "b1", SlotID: "s1", Region: "ap-southeast-1", Advertiser: "adv-7",
		Price: 5_400_000, Arrival: time.Date(2026, 3, 4, 5, 6, 7, 891, time.FixedZone("x", 3600))}
	if err := s.PutBids(context.Background(), []store.Bid{in}); err != nil {
		t.Fatal(err)
	}
	got, _ := s.SlotBids(context.Background(), "s1")
	if len(got) != 1 {
		t.Fatalf("%d bids", len(got))
	}
	out := got[0]
	if out.ID != in.ID || out.SlotID != in.SlotID || out.Region != in.Region ||
		out.Advertiser != in.Advertiser || out.Price != in.Price || !out.Arrival.Equal(in.Arrival) {
		t.Fatalf("read back %+v, wrote %+v", out, in)
	}
}

// TestBidStoreReadsStayAsRead: bids read keep their values while the slot is
// written, rewritten, read and swept after.
func TestBidStoreReadsStayAsRead(t *testing.T) {
	c := newClock()
	s := NewBidStore(BidOptions{TTL: time.Minute, SweepInterval: time.Hour, Now: c.Now})
	defer s.Close()
	ctx := context.Background()
	first := []store.Bid{bid("s1", "us-east-1", "a"), bid("s1", "eu-west-1", "b")}
	if err := s.PutBids(ctx, first); err != nil {
		t.Fatal(err)
	}
	read, _ := s.SlotBids(ctx, "s1")
	c.Advance(30 * time.Second)
	again := bid("s1", "us-east-1", "a")
	again.Advertiser, again.Price = "adv-2", 9
	if err := s.PutBids(ctx, []store.Bid{again, bid("s1", "sa-east-1", "c")}); err != nil {
		t.Fatal(err)
	}
	c.Advance(45 * time.Second) // b expires; a's rewrite and c live
	s.Sweep()
	now, _ := s.SlotBids(ctx, "s1")
	if fmt.Sprint(sortedIDs(now)) != "[a c]" {
		t.Fatalf("after the rewrite and b's expiry, bids %v, want [a c]", sortedIDs(now))
	}
	for _, b := range now {
		if b.ID == "a" && (b.Advertiser != "adv-2" || b.Price != 9) {
			t.Fatalf("the rewrite of a was not kept: %+v", b)
		}
	}
	if fmt.Sprint(read) != fmt.Sprint(first) {
		t.Fatalf("bids read earlier changed:\n%+v\nwant\n%+v", read, first)
	}
}

// TestBidStoreConcurrent writes, reads and sweeps the same slots at once; every
// bid written is read back exactly once in the end.
func TestBidStoreConcurrent(t *testing.T) {
	s := NewBidStore(BidOptions{SweepInterval: time.Millisecond})
	defer s.Close()
	ctx := context.Background()
	const writers, perWriter, slots = 4, 300, 5
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for i := range perWriter {
				slot := fmt.Sprintf("s%d", i%slots)
				b := bid(slot, "us-east-1", fmt.Sprintf("w%d-%d", w, i))
				// Each bid twice: a rewrite folds into one item.
				if err := s.PutBids(ctx, []store.Bid{b, b}); err != nil {
					t.Error(err)
					return
				}
				if _, err := s.SlotBids(ctx, slot); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Go(func() {
		for range 200 {
			s.Sweep()
			_ = s.Len()
		}
	})
	wg.Wait()
	total := 0
	for i := range slots {
		got, err := s.SlotBids(ctx, fmt.Sprintf("s%d", i))
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]bool{}
		for _, b := range got {
			if seen[b.ID] {
				t.Fatalf("slot s%d returned bid %s twice", i, b.ID)
			}
			seen[b.ID] = true
		}
		total += len(got)
	}
	if total != writers*perWriter || s.Len() != total {
		t.Fatalf("read %d bids, Len %d, want %d", total, s.Len(), writers*perWriter)
	}
}
