package engine

import (
	"context"
	"time"

	"github.com/quantedge/qex/store"
)

// reconcileLoop re-queues, every interval, slots that closed a while ago and are
// still unsettled: their racers gave up, or the process that closed them died.
func (e *Engine) reconcileLoop(ctx context.Context) {
	t := time.NewTicker(e.cfg.ReconcileInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			f := store.PendingFilter{ClosedBefore: now.Add(-e.cfg.ReconcileGrace),
				Limit: reconcileLimit}
			if _, err := e.reconcile(ctx, f); err != nil && ctx.Err() == nil {
				e.tel.fail(err)
				e.log.Error("reconciling", "err", err)
			}
		}
	}
}

// reconcile re-queues the pending slots the filter finds that no racer here is
// working on, and says how many.
func (e *Engine) reconcile(ctx context.Context, f store.PendingFilter) (int, error) {
	pending, err := e.ledger.PendingSlots(ctx, f)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, s := range pending {
		if !e.claim(s.ID) {
			continue
		}
		n++
		e.tel.requeued.Add(1)
		e.outstanding.Add(1)
		e.log.Info("re-queued unsettled slot", "slot", s.ID, "closed", s.ClosedAt)
		e.enqueue(ctx, s, s.ClosedAt)
	}
	return n, nil
}

// drain waits until every slot of the run is finished with, re-queuing this
// run's unsettled slots at once rather than after the grace period. It gives up
// at the drain timeout and says whether it got there.
func (e *Engine) drain(ctx context.Context) bool {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), e.cfg.DrainTimeout)
	defer cancel()
	for {
		if !e.quiet(ctx) {
			e.log.Warn("drain timed out", "outstanding", e.outstanding.Load())
			return false
		}
		n, err := e.reconcile(ctx, store.PendingFilter{ClosedBefore: farFuture, RunID: e.runID})
		if err != nil {
			e.tel.fail(err)
			e.log.Error("reconciling while draining", "err", err)
			return false
		}
		if n == 0 {
			return true
		}
	}
}

// quiet waits until nothing is outstanding; false if ctx ended first.
func (e *Engine) quiet(ctx context.Context) bool {
	t := time.NewTicker(drainPoll)
	defer t.Stop()
	for e.outstanding.Load() > 0 || e.book.len() > 0 {
		select {
		case <-ctx.Done():
			return false
		case <-t.C:
		}
	}
	return true
}

// emitUnsettled reports, as outcomes, the run's slots still awaiting settlement
// when it ended.
func (e *Engine) emitUnsettled(ctx context.Context) {
	if e.onOutcome == nil {
		return
	}
	pending, err := e.ledger.PendingSlots(ctx, store.PendingFilter{ClosedBefore: farFuture,
		RunID: e.runID})
	if err != nil {
		e.log.Error("listing unsettled slots", "err", err)
		return
	}
	for _, s := range pending {
		e.onOutcome(SlotOutcome{Slot: s})
	}
}

// conflictFlush is how often, at most, conflict events wait to be written.
const (
	conflictFlush = 250 * time.Millisecond
	conflictBatch = 256
)

// recordConflicts writes conflict events to the ledger in batches, outside any
// settlement transaction, until ctx ends; then it writes what is left.
func (e *Engine) recordConflicts(ctx context.Context) {
	t := time.NewTicker(conflictFlush)
	defer t.Stop()
	batch := make([]store.ConflictEvent, 0, conflictBatch)
	flush := func(ctx context.Context) {
		if len(batch) == 0 {
			return
		}
		if err := e.ledger.RecordConflicts(ctx, batch); err != nil {
			e.tel.conflictsDropped.Add(uint64(len(batch)))
			e.log.Warn("recording conflict events", "events", len(batch), "err", err)
		}
		batch = batch[:0]
	}
	for {
		select {
		case <-ctx.Done():
			for {
				select {
				case ev := <-e.conflictCh:
					batch = append(batch, ev)
				default:
					flush(context.WithoutCancel(ctx))
					return
				}
			}
		case ev := <-e.conflictCh:
			if batch = append(batch, ev); len(batch) >= conflictBatch {
				flush(ctx)
			}
		case <-t.C:
			flush(ctx)
		}
	}
}
