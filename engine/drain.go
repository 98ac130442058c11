package engine

import (
	"context"
	"time"

	"github.com/quantedge/qex/store"
)

// drain waits until every slot of the run is finished with, re-queuing this
// run's unsettled slots at once rather than after the grace period. It gives up
// when ctx (the run's wind-down) ends and says whether it got there.
func (e *Engine) drain(ctx context.Context) bool {
	for {
		if !e.quiet(ctx) {
			e.log.Warn("drain timed out", "outstanding", e.outstanding.Load())
			return false
		}
		n, err := e.reconcile(ctx, e.pendingOfRun())
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

// pendingOfRun selects every slot this run closed that awaits settlement.
func (e *Engine) pendingOfRun() store.PendingFilter {
	return store.PendingFilter{ClosedBefore: farFuture, RunID: e.runID}
}
