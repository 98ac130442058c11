package main

import (
	"context"
	"log/slog"

	"github.com/quantedge/qex/store"
	"github.com/quantedge/qex/store/memory"
)

// backends are the stores a run uses and the label the console shows for them.
type backends struct {
	bids   store.BidStore
	ledger store.Ledger
	label  string
}

// openBackends builds the stores the options ask for.
func openBackends(ctx context.Context, o *options, log *slog.Logger) (*backends, error) {
	ledger, where, err := openLedger(ctx, o.ledger, o.cfg.Workers, o.commitLatency, log, true)
	if err != nil {
		return nil, err
	}
	return &backends{
		bids:   memory.NewBidStore(memory.BidOptions{TTL: o.bidTTL}),
		ledger: ledger,
		label:  "bids: memory · ledger: " + where,
	}, nil
}

func (b *backends) Close() {
	_ = b.bids.Close()
	_ = b.ledger.Close()
}
