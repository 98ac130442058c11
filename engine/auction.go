package engine

import (
	"fmt"
	"strings"
	"time"

	"github.com/quantedge/qex/money"
	"github.com/quantedge/qex/store"
)

// AuctionType is the pricing rule of an auction.
type AuctionType string

// Auction types.
const (
	// FirstPrice: the highest eligible bid wins and pays its own price.
	FirstPrice AuctionType = "first-price"
	// SecondPrice: the highest eligible bid wins and pays the second-highest
	// eligible price plus one cent, never less than the floor and never more than
	// its own price.
	SecondPrice AuctionType = "second-price"
)

// secondPriceIncrement is what a second-price winner pays above the runner-up.
const secondPriceIncrement = money.Cent

// ParseAuctionType reads "first-price" or "second-price" ("first", "second" too).
func ParseAuctionType(name string) (AuctionType, error) {
	switch strings.ToLower(name) {
	case "first-price", "first":
		return FirstPrice, nil
	case "second-price", "second":
		return SecondPrice, nil
	}
	return "", fmt.Errorf("unknown auction type %q (want first-price or second-price)", name)
}

// Outcome is the result of one slot's auction.
type Outcome struct {
	// Winner is the winning bid, nil when the slot closes unsold.
	Winner *store.Bid
	// Price is what the winner pays.
	Price money.Micros
}

// Sold reports whether the auction has a winner.
func (o Outcome) Sold() bool { return o.Winner != nil }

// Evaluate runs a slot's auction. A bid is eligible when its price is at least
// the floor and it arrived no later than closeAt (a zero closeAt admits every
// arrival). Ties go to the earlier arrival, then to the smaller bid id, then to
// the smaller region (a bid's key is its region and id), so the outcome never
// depends on the order the bids came back in.
func Evaluate(kind AuctionType, floor money.Micros, closeAt time.Time, bids []store.Bid) Outcome {
	var best, second *store.Bid
	for i := range bids {
		b := &bids[i]
		if b.Price < floor || (!closeAt.IsZero() && b.Arrival.After(closeAt)) {
			continue
		}
		switch {
		case best == nil || outranks(b, best):
			best, second = b, best
		case second == nil || outranks(b, second):
			second = b
		}
	}
	if best == nil {
		return Outcome{}
	}
	winner := *best
	price := winner.Price
	if kind == SecondPrice {
		price = floor
		if second != nil {
			price = max(price, second.Price+secondPriceIncrement)
		}
		price = min(price, winner.Price)
	}
	return Outcome{Winner: &winner, Price: price}
}

// outranks reports whether a beats b: higher price, then earlier arrival, then
// the smaller bid id, then the smaller region.
func outranks(a, b *store.Bid) bool {
	switch {
	case a.Price != b.Price:
		return a.Price > b.Price
	case !a.Arrival.Equal(b.Arrival):
		return a.Arrival.Before(b.Arrival)
	case a.ID != b.ID:
		return a.ID < b.ID
	}
	return a.Region < b.Region
}
