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

// batcher counts bids by region and queues them for the ingest workers, on
// ctx, in batches of the configured size.
type batcher struct {
	e     *Engine
	ctx   context.Context
	batch ingestBatch
}

func (e *Engine) newBatcher(ctx context.Context) *batcher {
	return &batcher{e: e, ctx: ctx}
}

// add puts a bid of the open slot s in the batch, and queues the batch when full.
func (b *batcher) add(bid store.Bid, s *openSlot) {
	if rc := b.e.tel.region(bid.Region); rc != nil {
		rc.bids.Add(1)
	}
	if b.batch.bids == nil {
		size := b.e.cfg.BatchSize
		b.batch = ingestBatch{bids: make([]store.Bid, 0, size), slots: make([]*openSlot, 0, size)}
	}
	b.batch.bids = append(b.batch.bids, bid)
	b.batch.slots = append(b.batch.slots, s)
	if len(b.batch.bids) >= b.e.cfg.BatchSize {
		b.flush()
	}
}

// flush queues what the batch holds.
func (b *batcher) flush() {
	if len(b.batch.bids) > 0 {
		b.e.sendBatch(b.ctx, b.batch)
	}
	b.batch = ingestBatch{}
}

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
