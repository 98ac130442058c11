// Package memory holds QEX's embedded stores: a bid store and a ledger that live in
// the process, need no set-up, and behave like the real services where it matters
// (idempotent writes and time to live for bids; optimistic concurrency for the
// ledger).
package memory

import (
	"context"
	"hash/maphash"
	"sync"
	"time"

	"github.com/quantedge/qex/store"
)

// Defaults for a BidStore.
const (
	DefaultBidTTL        = 10 * time.Minute
	DefaultSweepInterval = 5 * time.Second
	bidShards            = 64
)

// BidOptions configures a BidStore. Zero values take the defaults.
type BidOptions struct {
	// TTL is how long a bid lives after it is written.
	TTL time.Duration
	// SweepInterval is how often expired bids are reclaimed.
	SweepInterval time.Duration
	// Now is the clock; tests replace it.
	Now func() time.Time
}

// BidStore is the embedded bid store: bids grouped by slot, keyed by region and
// bid id as in the DynamoDB design, each with an expiry.
type BidStore struct {
	ttl    time.Duration
	now    func() time.Time
	seed   maphash.Seed
	shards [bidShards]bidShard

	stopOnce sync.Once
	stop     chan struct{}
	done     chan struct{}
}

type bidShard struct {
	mu    sync.Mutex
	slots map[string]*slotBids // guarded by mu
}

// slotBids is one slot's partition: its bids by sort key and its latest expiry.
type slotBids struct {
	bids       map[bidKey]storedBid
	lastExpiry time.Time
}

type bidKey struct{ region, id string }

type storedBid struct {
	bid     store.Bid
	expires time.Time
}

// NewBidStore returns an empty store whose reclaimer runs until Close.
func NewBidStore(opts BidOptions) *BidStore {
	if opts.TTL <= 0 {
		opts.TTL = DefaultBidTTL
	}
	if opts.SweepInterval <= 0 {
		opts.SweepInterval = DefaultSweepInterval
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	s := &BidStore{
		ttl:  opts.TTL,
		now:  opts.Now,
		seed: maphash.MakeSeed(),
		stop: make(chan struct{}),
		done: make(chan struct{}),
	}
	for i := range s.shards {
		s.shards[i].slots = make(map[string]*slotBids)
	}
	go s.reclaim(opts.SweepInterval)
	return s
}

func (s *BidStore) shard(slotID string) *bidShard {
	return &s.shards[maphash.String(s.seed, slotID)%bidShards]
}

// PutBids stores the batch; a bid already stored is overwritten, never doubled.
func (s *BidStore) PutBids(ctx context.Context, bids []store.Bid) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	expires := s.now().Add(s.ttl)
	for _, b := range bids {
		sh := s.shard(b.SlotID)
		sh.mu.Lock()
		sb := sh.slots[b.SlotID]
		if sb == nil {
			sb = &slotBids{bids: make(map[bidKey]storedBid, 8)}
			sh.slots[b.SlotID] = sb
		}
		sb.bids[bidKey{b.Region, b.ID}] = storedBid{bid: b, expires: expires}
		sb.lastExpiry = expires
		sh.mu.Unlock()
	}
	return nil
}

// SlotBids returns the slot's bids that have not expired.
func (s *BidStore) SlotBids(ctx context.Context, slotID string) ([]store.Bid, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	now := s.now()
	sh := s.shard(slotID)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	sb := sh.slots[slotID]
	if sb == nil {
		return nil, nil
	}
	out := make([]store.Bid, 0, len(sb.bids))
	for _, sbid := range sb.bids {
		if now.Before(sbid.expires) {
			out = append(out, sbid.bid)
		}
	}
	return out, nil
}

// Len returns how many bids the store holds, expired or not.
func (s *BidStore) Len() int {
	n := 0
	for i := range s.shards {
		sh := &s.shards[i]
		sh.mu.Lock()
		for _, sb := range sh.slots {
			n += len(sb.bids)
		}
		sh.mu.Unlock()
	}
	return n
}

// Sweep reclaims every expired bid now; the background reclaimer calls it.
func (s *BidStore) Sweep() {
	now := s.now()
	for i := range s.shards {
		sh := &s.shards[i]
		sh.mu.Lock()
		for id, sb := range sh.slots {
			if !now.Before(sb.lastExpiry) {
				delete(sh.slots, id)
				continue
			}
			for k, sbid := range sb.bids {
				if !now.Before(sbid.expires) {
					delete(sb.bids, k)
				}
			}
		}
		sh.mu.Unlock()
	}
}

func (s *BidStore) reclaim(every time.Duration) {
	defer close(s.done)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
			s.Sweep()
		}
	}
}

// Close stops the reclaimer.
func (s *BidStore) Close() error {
	s.stopOnce.Do(func() { close(s.stop) })
	<-s.done
	return nil
}
