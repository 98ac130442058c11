package main

import (
	"context"
	"log/slog"

	"github.com/quantedge/qex/store"
)

// backends are the stores a run uses and the label the console shows for them.
type backends struct {
	bids   store.BidStore
	ledger store.Ledger
	label  string
}

// openBackends builds the stores the options ask for.
func openBackends(ctx context.Context, o *options, log *slog.Logger) (*backends, error) {
	bids, bidsWhere, err := openBids(ctx, o.bids, o.bidTTL, log)
	if err != nil {
		return nil, err
	}
	ledger, where, err := openLedger(ctx, o.ledger, o.cfg.Workers, o.commitLatency, log, true)
	if err != nil {
		_ = bids.Close()
		return nil, err
	}
	return &backends{bids: bids, ledger: ledger,
		label: "bids: " + bidsWhere + " · ledger: " + where}, nil
}

func (b *backends) Close() {
	_ = b.bids.Close()
	_ = b.ledger.Close()
}
