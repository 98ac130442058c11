package engine

import (
	"context"
	"time"

	"github.com/quantedge/qex/store"
)

// decidedHold, in reconcile intervals, is how long a slot decided here is kept
// from the reconciler: longer than any pass takes to read the pending slots.
const decidedHold = 2

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
			e.claims.forget(now.Add(-decidedHold * e.cfg.ReconcileInterval))
			f := store.PendingFilter{ClosedBefore: now.Add(-e.cfg.ReconcileGrace),
				Limit: reconcileLimitSlots}
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
		if !e.claims.claim(s.ID) {
			continue
		}
		n++
		e.tel.requeued.Add(1)
		e.outstanding.Add(1)
		e.log.Info("re-queued unsettled slot", "slot", s.ID, "closed", s.ClosedAt)
		e.enqueue(ctx, s)
	}
	return n, nil
}
