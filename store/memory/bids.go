// Package memory holds QEX's embedded stores: a bid store and a ledger that live in
// the process, need no set-up, and behave like the real services where it matters
// (idempotent writes and time to live for bids; optimistic concurrency for the
// ledger).
package memory

import (
	"context"
	"fmt"
	"hash/maphash"
	"math"
	"sync"
	"time"

	"github.com/quantedge/qex/money"
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
	// sizeHint is a running average of bids per slot, seen at reads; new
	// slots start with room for that many instead of growing to it.
	sizeHint int // guarded by mu
}

// slotBids is one slot's partition: its items in the order written, the bytes
// of their strings, and the latest expiry. A write appends; a rewrite of a key
// (region and bid id) is folded into the earlier item when the slot is next read
// or swept, last write winning, as an item put twice is one item in DynamoDB.
//
// Items hold no pointers: their strings live in the slot's arena and their
// times are unix nanoseconds. A store of millions of bids is then nothing the
// garbage collector has to scan, and appending one is a copy, not a hash.
type slotBids struct {
	arena      []byte
	items      []item
	lastExpiry int64 // unix nanoseconds
}

// item is a stored bid: its id, region and advertiser are consecutive in the
// arena from off.
type item struct {
	off                      uint32
	idLen, regionLen, advLen uint32
	price                    money.Micros
	arrival, expires         int64
}

// maxArena bounds a slot's arena so that offsets fit in an item.
const maxArena = 1<<32 - 1

func (sb *slotBids) put(b store.Bid, expires int64) error {
	need := len(b.ID) + len(b.Region) + len(b.Advertiser)
	if len(sb.arena)+need > maxArena {
		return fmt.Errorf("slot %s holds more than %d bytes of bids", b.SlotID, maxArena)
	}
	it := item{off: uint32(len(sb.arena)), idLen: uint32(len(b.ID)),
		regionLen: uint32(len(b.Region)), advLen: uint32(len(b.Advertiser)),
		price: b.Price, arrival: b.Arrival.UnixNano(), expires: expires}
	sb.arena = append(append(append(sb.arena, b.ID...), b.Region...), b.Advertiser...)
	sb.items = append(sb.items, it)
	sb.lastExpiry = max(sb.lastExpiry, expires)
	return nil
}

// view reads items through one string copy of the arena, so the strings of every
// bid read share it instead of each being allocated.
type view string

func (v view) id(it item) string { return string(v[it.off : it.off+it.idLen]) }

func (v view) region(it item) string {
	at := it.off + it.idLen
	return string(v[at : at+it.regionLen])
}

func (v view) bid(it item, slotID string) store.Bid {
	at := it.off + it.idLen + it.regionLen
	return store.Bid{ID: v.id(it), SlotID: slotID, Region: v.region(it),
		Advertiser: string(v[at : at+it.advLen]), Price: it.price,
		Arrival: time.Unix(0, it.arrival).UTC()}
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
	expires := s.now().Add(s.ttl).UnixNano()
	for _, b := range bids {
		sh := s.shard(b.SlotID)
		sh.mu.Lock()
		sb := sh.slots[b.SlotID]
		if sb == nil {
			sb = &slotBids{items: make([]item, 0, sh.sizeHint)}
			sh.slots[b.SlotID] = sb
		}
		err := sb.put(b, expires)
		sh.mu.Unlock()
		if err != nil {
			return err
		}
	}
	return nil
}

// SlotBids returns the slot's bids that have not expired.
func (s *BidStore) SlotBids(ctx context.Context, slotID string) ([]store.Bid, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	now := s.now().UnixNano()
	sh := s.shard(slotID)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	sb := sh.slots[slotID]
	if sb == nil {
		return nil, nil
	}
	sb.fold(now)
	sh.sizeHint += (len(sb.items) - sh.sizeHint) / sizeHintWeight
	out := make([]store.Bid, len(sb.items))
	v := view(sb.arena)
	for i, it := range sb.items {
		out[i] = v.bid(it, slotID)
	}
	return out, nil
}

// sizeHintWeight: each read moves the size hint a quarter of the way.
const sizeHintWeight = 4

// fold merges items that share a key, keeping the last written in the place of
// the first, drops the items expired at now, and compacts the arena. Bid ids are
// unique in practice, so the index is by id alone (a string key hashes several
// times faster than a pair); an id seen again from another region is told apart
// by a scan.
func (sb *slotBids) fold(now int64) {
	v := view(sb.arena)
	at := make(map[string]int, len(sb.items))
	kept := make([]item, 0, len(sb.items))
	for _, it := range sb.items {
		id := v.id(it)
		i, seen := at[id]
		if seen && v.region(kept[i]) != v.region(it) {
			i, seen = sameKey(v, kept, it)
		}
		switch {
		case seen:
			kept[i] = it
		default:
			if _, taken := at[id]; !taken {
				at[id] = len(kept)
			}
			kept = append(kept, it)
		}
	}
	arena := make([]byte, 0, len(sb.arena))
	sb.items = kept[:0]
	for _, it := range kept {
		if now >= it.expires {
			continue
		}
		n := it.idLen + it.regionLen + it.advLen
		arena = append(arena, v[it.off:it.off+n]...)
		it.off = uint32(len(arena)) - n
		sb.items = append(sb.items, it)
	}
	sb.arena = arena
}

// sameKey finds the kept item with it's region and id.
func sameKey(v view, kept []item, it item) (int, bool) {
	for i, other := range kept {
		if v.id(other) == v.id(it) && v.region(other) == v.region(it) {
			return i, true
		}
	}
	return 0, false
}

// Len returns how many bids the store holds, expired or not.
func (s *BidStore) Len() int {
	n := 0
	for i := range s.shards {
		sh := &s.shards[i]
		sh.mu.Lock()
		for _, sb := range sh.slots {
			sb.fold(math.MinInt64)
			n += len(sb.items)
		}
		sh.mu.Unlock()
	}
	return n
}

// Sweep reclaims every expired bid now; the background reclaimer calls it.
func (s *BidStore) Sweep() {
	now := s.now().UnixNano()
	for i := range s.shards {
		sh := &s.shards[i]
		sh.mu.Lock()
		for id, sb := range sh.slots {
			if now >= sb.lastExpiry {
				delete(sh.slots, id)
				continue
			}
			sb.fold(now)
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
