package engine

import (
	"slices"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/quantedge/qex/money"
	"github.com/quantedge/qex/store"
)

// openSlot is an ad slot whose auction has not been evaluated yet.
type openSlot struct {
	id        string
	publisher string
	floor     money.Micros
	openAt    time.Time
	// closeAt ends the auction: a bid arriving later is not eligible.
	closeAt time.Time
	// dueAt is when the slot may be evaluated; zero means at once.
	dueAt time.Time
	// replayed slots come from recorded traffic: their close times are history.
	replayed bool
	// retryAt: a slot that could not be closed waits until then (wall clock).
	retryAt time.Time
	// evaluated is the auction's outcome once it has run, so that a slot the
	// ledger did not take is recorded again as it was evaluated, without
	// reading its bids again (they may have expired meanwhile).
	evaluated *store.Slot
	// unstored counts the slot's bids made but not yet done with by the bid
	// store. The slot is evaluated only once it is zero, so no bid is missed.
	unstored atomic.Int64
}

// slotBook holds the slots between opening and evaluation, in order of dueAt.
type slotBook struct {
	mu    sync.Mutex
	slots []*openSlot // ordered by dueAt, guarded by mu
	// watermark: every bid arriving before it has been generated and counted
	// in its slot's pending; guarded by mu.
	watermark time.Time
}

func (b *slotBook) add(s *openSlot) {
	b.mu.Lock()
	b.slots = append(b.slots, s)
	b.mu.Unlock()
}

// advance moves the watermark: no bid arriving before t will be generated now.
func (b *slotBook) advance(t time.Time) {
	b.mu.Lock()
	if t.After(b.watermark) {
		b.watermark = t
	}
	b.mu.Unlock()
}

// takeReady removes and returns the slots that are due by the watermark, whose
// bids are all stored, and that are not waiting to be retried after now.
func (b *slotBook) takeReady(now time.Time) []*openSlot {
	b.mu.Lock()
	defer b.mu.Unlock()
	var ready []*openSlot
	kept := b.slots[:0]
	for i, s := range b.slots {
		if s.dueAt.After(b.watermark) {
			kept = append(kept, b.slots[i:]...)
			break
		}
		if s.unstored.Load() == 0 && !s.retryAt.After(now) {
			ready = append(ready, s)
			continue
		}
		kept = append(kept, s)
	}
	clear(b.slots[len(kept):])
	b.slots = kept
	return ready
}

// retry puts back slots that could not be closed, to be taken again no sooner
// than at.
func (b *slotBook) retry(slots []*openSlot, at time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, s := range slots {
		s.retryAt = at
		i := sort.Search(len(b.slots), func(i int) bool { return b.slots[i].dueAt.After(s.dueAt) })
		b.slots = slices.Insert(b.slots, i, s)
	}
}

func (b *slotBook) len() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.slots)
}
