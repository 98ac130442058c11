package engine

import (
	"context"
	"errors"
	"time"

	"github.com/quantedge/qex/store"
)

// ingestBatch is a batch of bids on its way to the bid store, with the open slot
// of each bid so that the slot learns when its bids are stored.
type ingestBatch struct {
	bids  []store.Bid
	slots []*openSlot
}

func (e *Engine) newBatch() ingestBatch {
	return ingestBatch{
		bids:  make([]store.Bid, 0, e.cfg.BatchSize),
		slots: make([]*openSlot, 0, e.cfg.BatchSize),
	}
}

func (b *ingestBatch) add(bid store.Bid, s *openSlot) {
	b.bids = append(b.bids, bid)
	b.slots = append(b.slots, s)
}

func (b *ingestBatch) full(size int) bool { return len(b.bids) >= size }

// done tells each bid's slot that the bid store is done with it, stored or not.
func (b *ingestBatch) done() {
	for _, s := range b.slots {
		s.unstored.Add(-1)
	}
}

// sendBatch queues a batch for the ingest workers. If ctx ends first the batch is
// dropped, and its slots stop waiting for it.
func (e *Engine) sendBatch(ctx context.Context, b ingestBatch) {
	select {
	case e.ingestCh <- b:
	case <-ctx.Done():
		b.done()
	}
}

// ingest writes queued batches to the bid store until ctx ends.
func (e *Engine) ingest(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case b := <-e.ingestCh:
			e.writeBatch(ctx, b)
		}
	}
}

func (e *Engine) writeBatch(ctx context.Context, b ingestBatch) {
	defer b.done()
	start := time.Now()
	err := e.bids.PutBids(ctx, b.bids)
	if err != nil {
		if !errors.Is(err, context.Canceled) {
			e.tel.ingestErrors.Add(uint64(len(b.bids)))
			e.tel.fail(err)
			e.log.Error("storing bids", "bids", len(b.bids), "err", err)
		}
		return
	}
	e.tel.batchWritten(time.Since(start))
	for _, bid := range b.bids {
		if rc := e.tel.region(bid.Region); rc != nil {
			rc.ingested.Add(1)
		}
	}
}
