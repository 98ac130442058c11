// Package store defines the two data products QEX keeps apart: the bid store,
// cheap and append-only with a time to live, and the ledger, strictly consistent
// and small. Implementations live in sub-packages (memory, and the real services);
// the engine depends on these interfaces only.
package store

import (
	"context"
	"time"

	"github.com/quantedge/qex/money"
)

// Bid is one advertiser's offer for one ad slot, as it arrived from a region.
type Bid struct {
	ID         string
	SlotID     string
	Region     string
	Advertiser string
	Price      money.Micros
	Arrival    time.Time
}

// BidStore takes bids in batches and gives back a slot's bids for its auction.
//
// Writes are idempotent: a bid written twice is one bid. Every bid expires a fixed
// time after it is written; reads never return an expired bid, even where the
// backing store has not yet reclaimed it.
type BidStore interface {
	// PutBids stores a batch. It returns only when every bid was accepted, or an
	// error that says none of the batch can be assumed stored.
	PutBids(ctx context.Context, bids []Bid) error
	// SlotBids returns the live bids of one slot, in no particular order.
	SlotBids(ctx context.Context, slotID string) ([]Bid, error)
	// Close releases what the store holds.
	Close() error
}

// BidStats is how often a bid store's backend pushed back, for stores that can
// tell (the embedded one never does).
type BidStats struct {
	Backend string
	// UnprocessedResent counts items the backend left unwritten in a batch
	// and that were sent again.
	UnprocessedResent uint64
	// Throttled counts calls the backend refused for capacity.
	Throttled uint64
}

// BidStatser is a bid store that reports BidStats.
type BidStatser interface {
	Stats() BidStats
}
