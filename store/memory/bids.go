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
	"slices"
	"strings"
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
// of their strings, and the earliest and latest of their expiries. A write
// appends; a rewrite of a key (region and bid id) is folded into the earlier
// item when the slot is next read or has bids to reclaim, last write winning,
// as an item put twice is one item in DynamoDB.
//
// Items hold no pointers: their strings live in the slot's arena and their
// times are unix nanoseconds. A store of millions of bids is then nothing the
// garbage collector has to scan, and appending one is a copy, not a hash.
//
// The arena is in two parts, offsets running through both: folded holds the
// strings of the items as of the last fold, immutable, so the bids read share
// it instead of each string being allocated; written holds those appended since.
type slotBids struct {
	folded  string
	written []byte
	items   []item
	// unfolded says items were appended since the last fold: a key may repeat.
	unfolded bool
	// firstExpiry and lastExpiry bound the items' expiries, in unix
	// nanoseconds: before the first nothing needs reclaiming, from the last
	// the whole slot goes.
	firstExpiry, lastExpiry int64
}

// item is a stored bid: its id, region and advertiser are consecutive in the
// arena from off.
type item struct {
	off                      uint32
	idLen, regionLen, advLen uint32
	price                    money.Micros
	arrival, expires         int64
}

func (it item) size() uint32 { return it.idLen + it.regionLen + it.advLen }

// maxArena bounds a slot's arena so that offsets fit in an item.
const maxArena = 1<<32 - 1

func (sb *slotBids) put(b store.Bid, expires int64) error {
	used := len(sb.folded) + len(sb.written)
	if used+len(b.ID)+len(b.Region)+len(b.Advertiser) > maxArena {
		return fmt.Errorf("slot %s holds more than %d bytes of bids", b.SlotID, maxArena)
	}
	it := item{off: uint32(used), idLen: uint32(len(b.ID)),
		regionLen: uint32(len(b.Region)), advLen: uint32(len(b.Advertiser)),
		price: b.Price, arrival: b.Arrival.UnixNano(), expires: expires}
	sb.written = append(append(append(sb.written, b.ID...), b.Region...), b.Advertiser...)
	if len(sb.items) == 0 || expires < sb.firstExpiry {
		sb.firstExpiry = expires
	}
	sb.lastExpiry = max(sb.lastExpiry, expires)
	sb.items = append(sb.items, it)
	sb.unfolded = true
	return nil
}

// view reads items from an arena.
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
	if sb.unfolded || now >= sb.firstExpiry {
		sb.fold(now)
	}
	sh.sizeHint += (len(sb.items) - sh.sizeHint) / sizeHintWeight
	out := make([]store.Bid, len(sb.items))
	v := view(sb.folded)
	for i, it := range sb.items {
		out[i] = v.bid(it, slotID)
	}
	return out, nil
}

// sizeHintWeight: each read moves the size hint a quarter of the way.
const sizeHintWeight = 4

// fold makes the arena one immutable string, merges items that share a key if
// any were appended since the last fold, drops the items expired at now, and
// compacts the arena when items went.
func (sb *slotBids) fold(now int64) {
	arena := sb.folded
	if len(sb.written) > 0 {
		var b strings.Builder
		b.Grow(len(sb.folded) + len(sb.written))
		b.WriteString(sb.folded)
		b.Write(sb.written)
		arena = b.String()
	}
	v, before := view(arena), len(sb.items)
	if sb.unfolded {
		sb.items = lastWrites(v, sb.items)
	}
	sb.items = slices.DeleteFunc(sb.items, func(it item) bool { return now >= it.expires })
	if len(sb.items) < before {
		arena = compact(v, sb.items)
	}
	sb.folded, sb.written, sb.unfolded = arena, nil, false
	sb.firstExpiry, sb.lastExpiry = math.MaxInt64, math.MinInt64
	for _, it := range sb.items {
		sb.firstExpiry = min(sb.firstExpiry, it.expires)
		sb.lastExpiry = max(sb.lastExpiry, it.expires)
	}
}

// lastWrites keeps one item per key, the last written in the place of the
// first, reusing items' memory. Bid ids are unique in practice, so the index is
// by id alone (a string key hashes several times faster than a pair); an id
// seen again from another region is told apart by a scan.
func lastWrites(v view, items []item) []item {
	at := make(map[string]int, len(items))
	kept := items[:0]
	for _, it := range items {
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
	return kept
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

// compact copies the strings of items into a new arena and points them at it.
func compact(v view, items []item) string {
	n := 0
	for _, it := range items {
		n += int(it.size())
	}
	var b strings.Builder
	b.Grow(n)
	for i, it := range items {
		items[i].off = uint32(b.Len())
		b.WriteString(string(v[it.off : it.off+it.size()]))
	}
	return b.String()
}

// Len returns how many bids the store holds, expired or not.
func (s *BidStore) Len() int {
	n := 0
	for i := range s.shards {
		sh := &s.shards[i]
		sh.mu.Lock()
		for _, sb := range sh.slots {
			if sb.unfolded {
				sb.fold(math.MinInt64)
			}
			n += len(sb.items)
		}
		sh.mu.Unlock()
	}
	return n
}

// Sweep reclaims every expired bid now; the background reclaimer calls it. A
// slot with nothing expired costs two comparisons.
func (s *BidStore) Sweep() {
	now := s.now().UnixNano()
	for i := range s.shards {
		sh := &s.shards[i]
		sh.mu.Lock()
		for id, sb := range sh.slots {
			switch {
			case now >= sb.lastExpiry:
				delete(sh.slots, id)
			case now >= sb.firstExpiry:
				sb.fold(now)
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
