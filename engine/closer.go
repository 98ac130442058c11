package engine

import (
	"context"
	"fmt"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/quantedge/qex/store"
)

// Closing limits.
const (
	// evaluators bounds concurrent reads of slots' bids: on DynamoDB each is a
	// Query round trip.
	evaluators = 8
	// closeRetries bounds how often a failed write of closed slots is retried
	// before the slots are given up (their bids expire with them).
	closeRetries = 5
	closeBackoff = 50 * time.Millisecond
)

// close evaluates slots as they become ready and records them in the ledger,
// until ctx ends.
func (e *Engine) close(ctx context.Context) {
	t := time.NewTicker(closerTick)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if ready := e.book.takeReady(); len(ready) > 0 {
				e.closeSlots(ctx, ready)
			}
		}
	}
}

// closeSlots runs the auctions of ready slots, records them closed in one ledger
// call, and hands the sold ones to the settlement workers.
func (e *Engine) closeSlots(ctx context.Context, ready []*openSlot) {
	auction := *e.auction.Load()
	now := time.Now()
	closed := make([]store.Slot, len(ready))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(evaluators)
	for i, s := range ready {
		g.Go(func() error {
			bids, err := e.bids.SlotBids(gctx, s.id)
			if err != nil {
				return fmt.Errorf("reading bids of slot %s: %w", s.id, err)
			}
			closeAt := s.closeAt
			if !s.dueAt.IsZero() && closeAt.After(now) {
				closeAt = now // the run ended first: the auction closes now
			}
			closed[i] = e.closedSlot(s, closeAt, Evaluate(auction, s.floor, closeAt, bids))
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		e.abandonSlots(ready, err)
		return
	}
	for _, s := range closed {
		if s.Status == store.SlotClosed {
			e.claim(s.ID)
		}
	}
	if err := e.writeClosed(ctx, closed); err != nil {
		for _, s := range closed {
			if s.Status == store.SlotClosed {
				e.release(s.ID)
			}
		}
		e.abandonSlots(ready, err)
		return
	}
	e.tel.slotsClosed.Add(uint64(len(closed)))
	for i, s := range closed {
		if s.Status == store.SlotUnsold {
			e.tel.unsoldNoBid.Add(1)
			e.finishSlot(SlotOutcome{Slot: s})
			continue
		}
		since := s.ClosedAt
		if ready[i].dueAt.IsZero() { // replayed: the close time is history
			since = now
		}
		e.enqueue(ctx, s, since)
	}
}

func (e *Engine) closedSlot(s *openSlot, closeAt time.Time, o Outcome) store.Slot {
	closed := store.Slot{ID: s.id, Publisher: s.publisher, Floor: s.floor, ClosedAt: closeAt,
		RunID: e.runID, Status: store.SlotClosed, Winner: o.Winner, Price: o.Price}
	if closed.ClosedAt.IsZero() {
		closed.ClosedAt = time.Now()
	}
	if !o.Sold() {
		closed.Status, closed.Reason = store.SlotUnsold, store.ReasonNoEligibleBid
	}
	return closed
}

// writeClosed records closed slots, retrying a failing ledger a few times.
func (e *Engine) writeClosed(ctx context.Context, slots []store.Slot) error {
	var err error
	for try := range closeRetries {
		if err = e.ledger.CloseSlots(ctx, slots); err == nil {
			return nil
		}
		e.log.Warn("recording closed slots", "slots", len(slots), "try", try+1, "err", err)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(closeBackoff << try):
		}
	}
	return fmt.Errorf("recording %d closed slots: %w", len(slots), err)
}

// abandonSlots gives up slots that could not be closed: their auctions never
// reach the ledger, and the failure is shown.
func (e *Engine) abandonSlots(slots []*openSlot, err error) {
	e.tel.settleErrors.Add(1)
	e.tel.fail(err)
	e.log.Error("closing slots", "slots", len(slots), "err", err)
	e.outstanding.Add(-int64(len(slots)))
}
