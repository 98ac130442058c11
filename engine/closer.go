package engine

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/quantedge/qex/store"
)

// Closing limits.
const (
	// evaluators bounds concurrent reads of slots' bids: on DynamoDB each is a
	// Query round trip.
	evaluators = 8
	// closeRetryDelay is how long a slot that could not be closed (its bids
	// unreadable, or the ledger not taking it) waits before the next try.
	closeRetryDelay = 250 * time.Millisecond
)

// closeLoop evaluates slots as they become ready and records them in the ledger,
// until ctx ends.
func (e *Engine) closeLoop(ctx context.Context) {
	t := time.NewTicker(closerTick)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if ready := e.book.takeReady(time.Now()); len(ready) > 0 {
				e.closeSlots(ctx, ready)
			}
		}
	}
}

// closing is a slot on its way from the book to the ledger.
type closing struct {
	open *openSlot
	slot store.Slot
	// claimed: this closer holds the slot for its racers. A sold slot another
	// job here already holds (the reconciler's, when another process closed it
	// first) is left to that job.
	claimed bool
}

// closeSlots runs the auctions of ready slots, records them closed in one ledger
// call, and hands the sold ones to the settlers. A slot whose bids cannot be read,
// or a batch the ledger does not take, goes back to the book to be tried again
// after closeRetryDelay, keeping any outcome it was evaluated to: a failing
// store delays a slot, never loses it or changes its winner.
func (e *Engine) closeSlots(ctx context.Context, ready []*openSlot) {
	closed, unread, err := e.evaluate(ctx, ready)
	if len(unread) > 0 {
		e.retryLater(unread, fmt.Errorf("reading bids: %w", err))
	}
	if len(closed) == 0 {
		return
	}
	if err := e.record(ctx, closed); err != nil {
		slots := make([]*openSlot, len(closed))
		for i, c := range closed {
			slots[i] = c.open
		}
		e.retryLater(slots, err)
		return
	}
	e.dispatch(ctx, closed)
}

// evaluate reads each slot's bids and runs its auction, several slots at once.
// It returns the closed slots, and the slots whose bids could not be read with
// the first such error.
func (e *Engine) evaluate(ctx context.Context, ready []*openSlot) ([]closing, []*openSlot, error) {
	auction := *e.auction.Load()
	now := time.Now()
	out := make([]closing, len(ready))
	errs := make([]error, len(ready))
	sem := make(chan struct{}, evaluators)
	var wg sync.WaitGroup
	for i, s := range ready {
		if s.evaluated != nil {
			out[i] = closing{open: s, slot: *s.evaluated}
			continue
		}
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			bids, err := e.bids.SlotBids(ctx, s.id)
			if err != nil {
				errs[i] = fmt.Errorf("slot %s: %w", s.id, err)
				return
			}
			if !s.replayed {
				e.tel.slotWrites(s.id, len(bids), s.closeAt.Sub(s.openAt), now)
			}
			closeAt, closedAt := s.closeAt, s.closeAt
			switch {
			case s.replayed:
				closedAt = now // the close time is history; the record says when it closed here
			case closeAt.After(now):
				closeAt, closedAt = now, now // the run ended first: the auction closes now
			}
			slot := e.closedSlot(s, closedAt, Evaluate(auction, s.floor, closeAt, bids))
			s.evaluated = &slot
			out[i] = closing{open: s, slot: slot}
		})
	}
	wg.Wait()
	var closed []closing
	var unread []*openSlot
	for i, c := range out {
		if errs[i] != nil {
			unread = append(unread, ready[i])
			continue
		}
		closed = append(closed, c)
	}
	return closed, unread, errors.Join(errs...)
}

func (e *Engine) closedSlot(s *openSlot, closedAt time.Time, o Outcome) store.Slot {
	closed := store.Slot{ID: s.id, Publisher: s.publisher, Floor: s.floor, ClosedAt: closedAt,
		RunID: e.runID, Status: store.SlotClosed, Winner: o.Winner, Price: o.Price}
	if !o.Sold() {
		closed.Status, closed.Reason = store.SlotUnsold, store.ReasonNoEligibleBid
	}
	return closed
}

// record claims the sold slots for this run's settlers and writes every closed
// slot to the ledger in one call; on failure the claims are let go.
func (e *Engine) record(ctx context.Context, closed []closing) error {
	slots := make([]store.Slot, len(closed))
	for i := range closed {
		c := &closed[i]
		slots[i] = c.slot
		c.claimed = c.slot.Status == store.SlotClosed && e.claims.claim(c.slot.ID)
	}
	err := e.ledger.CloseSlots(ctx, slots)
	if err == nil {
		e.tel.slotsClosed.Add(uint64(len(slots)))
		return nil
	}
	for _, c := range closed {
		if c.claimed {
			e.claims.release(c.slot.ID)
		}
	}
	return fmt.Errorf("recording %d closed slots: %w", len(slots), err)
}

// dispatch finishes the unsold slots and hands the sold ones to their racers.
func (e *Engine) dispatch(ctx context.Context, closed []closing) {
	for _, c := range closed {
		switch {
		case c.slot.Status == store.SlotUnsold:
			e.tel.unsoldNoBid.Add(1)
			e.finishSlot(SlotOutcome{Slot: c.slot})
		case c.claimed:
			e.enqueue(ctx, c.slot)
		default:
			e.outstanding.Add(-1) // another job here has it
		}
	}
}

// retryLater puts slots that could not be closed back in the book, and shows why.
func (e *Engine) retryLater(slots []*openSlot, err error) {
	e.book.retry(slots, time.Now().Add(closeRetryDelay))
	if errors.Is(err, context.Canceled) {
		return // the run is stopping, not failing
	}
	e.tel.closeErrors.Add(uint64(len(slots)))
	e.tel.fail(err)
	e.log.Error("closing slots; will try again", "slots", len(slots), "in", closeRetryDelay,
		"err", err)
}
