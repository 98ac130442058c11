package engine

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/quantedge/qex/money"
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
	// pending counts the slot's bids generated but not yet stored. The slot is
	// evaluated only once it is zero, so no stored bid is missed.
	pending atomic.Int64
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

// takeReady removes and returns the slots that are due by the watermark and whose
// bids are all stored.
func (b *slotBook) takeReady() []*openSlot {
	b.mu.Lock()
	defer b.mu.Unlock()
	var ready []*openSlot
	kept := b.slots[:0]
	for i, s := range b.slots {
		if s.dueAt.After(b.watermark) {
			kept = append(kept, b.slots[i:]...)
			break
		}
		if s.pending.Load() == 0 {
			ready = append(ready, s)
			continue
		}
		kept = append(kept, s)
	}
	clear(b.slots[len(kept):])
	b.slots = kept
	return ready
}

func (b *slotBook) len() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.slots)
}
