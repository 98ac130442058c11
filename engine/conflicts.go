package engine

import (
	"context"
	"time"

	"github.com/quantedge/qex/store"
)

// Conflict events wait at most conflictFlush, or until conflictBatchEvents are
// waiting, to be written.
const (
	conflictFlush       = 250 * time.Millisecond
	conflictBatchEvents = 256
)

// writeConflicts writes conflict events to the ledger in batches, outside any
// settlement transaction, until ctx ends; then it writes what is left.
func (e *Engine) writeConflicts(ctx context.Context) {
	t := time.NewTicker(conflictFlush)
	defer t.Stop()
	batch := make([]store.ConflictEvent, 0, conflictBatchEvents)
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
			if batch = append(batch, ev); len(batch) >= conflictBatchEvents {
				flush(ctx)
			}
		case <-t.C:
			flush(ctx)
		}
	}
}
