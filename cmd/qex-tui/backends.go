package main

import (
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
func openBackends(o *options) (*backends, error) {
	return &backends{
		bids:   memory.NewBidStore(memory.BidOptions{TTL: o.bidTTL}),
		ledger: memory.NewLedger(memory.LedgerOptions{CommitLatency: o.commitLatency}),
		label:  "bids: memory · ledger: memory",
	}, nil
}

func (b *backends) Close() {
	_ = b.bids.Close()
	_ = b.ledger.Close()
}
