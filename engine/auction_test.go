package engine

import (
	"testing"
	"time"

	"github.com/quantedge/qex/money"
	"github.com/quantedge/qex/store"
)

var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func dollars(t testing.TB, s string) money.Micros {
	t.Helper()
	m, err := money.ParseDollars(s)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// bidAt is a bid of the given price arriving ms milliseconds after t0.
func bidAt(t testing.TB, id, region, price string, ms int) store.Bid {
	return store.Bid{ID: id, SlotID: "s", Region: region, Advertiser: "adv-" + id,
		Price: dollars(t, price), Arrival: t0.Add(time.Duration(ms) * time.Millisecond)}
}

func TestEvaluate(t *testing.T) {
	fourRegions := []store.Bid{
		bidAt(t, "b1", "us-east-1", "5.20", 1),
		bidAt(t, "b2", "eu-west-1", "5.30", 2),
		bidAt(t, "b3", "ap-southeast-1", "5.40", 3),
		bidAt(t, "b4", "sa-east-1", "5.35", 4),
	}
	floored := []store.Bid{
		bidAt(t, "b1", "us-east-1", "1.00", 1),
		bidAt(t, "b2", "eu-west-1", "0.90", 2),
		bidAt(t, "b3", "sa-east-1", "0.80", 3),
	}
	tests := []struct {
		name   string
		kind   AuctionType
		floor  string
		close  time.Time
		bids   []store.Bid
		winner string // "" for unsold
		price  string
	}{
		{"four regions, first price", FirstPrice, "0", time.Time{}, fourRegions, "b3", "5.40"},
		{"four regions, second price", SecondPrice, "0", time.Time{}, fourRegions, "b3", "5.36"},
		{"floor 0.85, first price", FirstPrice, "0.85", time.Time{}, floored, "b1", "1.00"},
		{"floor 0.85, second price", SecondPrice, "0.85", time.Time{}, floored, "b1", "0.91"},
		{"bid equal to the floor is eligible", FirstPrice, "0.80", time.Time{},
			floored[2:], "b3", "0.80"},
		{"single eligible bid pays the floor under second price", SecondPrice, "0.95",
			time.Time{}, floored, "b1", "0.95"},
		{"single eligible bid pays its price under first price", FirstPrice, "0.95",
			time.Time{}, floored, "b1", "1.00"},
		{"all bids below the floor: unsold", FirstPrice, "1.01", time.Time{}, floored, "", ""},
		{"all bids below the floor: unsold, second price", SecondPrice, "1.01", time.Time{},
			floored, "", ""},
		{"no bids: unsold", FirstPrice, "0", time.Time{}, nil, "", ""},
		{"tie goes to the earlier arrival", FirstPrice, "0", time.Time{}, []store.Bid{
			bidAt(t, "a", "us-east-1", "2.00", 5), bidAt(t, "b", "eu-west-1", "2.00", 3),
		}, "b", "2.00"},
		{"tie at the same arrival goes to the smaller bid id", FirstPrice, "0", time.Time{},
			[]store.Bid{bidAt(t, "z9", "us-east-1", "2.00", 3), bidAt(t, "a1", "eu-west-1", "2.00", 3)},
			"a1", "2.00"},
		{"second price on a tie pays the tied price, not more than its bid", SecondPrice, "0",
			time.Time{}, []store.Bid{bidAt(t, "a", "us-east-1", "2.00", 5),
				bidAt(t, "b", "eu-west-1", "2.00", 3)}, "b", "2.00"},
		{"second price a cent apart pays its own bid", SecondPrice, "0", time.Time{},
			[]store.Bid{bidAt(t, "a", "us-east-1", "2.00", 1), bidAt(t, "b", "eu-west-1", "1.99", 2)},
			"a", "2.00"},
		{"a bid after the close is not eligible", FirstPrice, "0", t0.Add(2 * time.Millisecond),
			fourRegions, "b2", "5.30"},
		{"a bid at the close is eligible", FirstPrice, "0", t0.Add(3 * time.Millisecond),
			fourRegions, "b3", "5.40"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Evaluate(tt.kind, dollars(t, tt.floor), tt.close, tt.bids)
			if tt.winner == "" {
				if got.Sold() {
					t.Fatalf("winner = %s, want unsold", got.Winner.ID)
				}
				return
			}
			if !got.Sold() || got.Winner.ID != tt.winner {
				t.Fatalf("winner = %+v, want %s", got.Winner, tt.winner)
			}
			if want := dollars(t, tt.price); got.Price != want {
				t.Errorf("price = %s, want %s", got.Price, want)
			}
		})
	}
}

// TestEvaluateIgnoresOrder checks that every order of the same bids gives the
// same outcome: the winner never depends on the order a store returned them in.
func TestEvaluateIgnoresOrder(t *testing.T) {
	bids := []store.Bid{
		bidAt(t, "c", "us-east-1", "3.00", 2), bidAt(t, "a", "eu-west-1", "3.00", 2),
		bidAt(t, "b", "sa-east-1", "3.00", 1), bidAt(t, "d", "ap-southeast-1", "2.99", 0),
	}
	want := Evaluate(SecondPrice, 0, time.Time{}, bids)
	permute(bids, 0, func(p []store.Bid) {
		got := Evaluate(SecondPrice, 0, time.Time{}, p)
		if got.Winner.ID != want.Winner.ID || got.Price != want.Price {
			t.Fatalf("order %v: %s pays %s, want %s pays %s", ids(p), got.Winner.ID, got.Price,
				want.Winner.ID, want.Price)
		}
	})
	if want.Winner.ID != "b" {
		t.Fatalf("winner %s, want b (earliest of the tied)", want.Winner.ID)
	}
}

func permute(b []store.Bid, k int, visit func([]store.Bid)) {
	if k == len(b) {
		visit(b)
		return
	}
	for i := k; i < len(b); i++ {
		b[k], b[i] = b[i], b[k]
		permute(b, k+1, visit)
		b[k], b[i] = b[i], b[k]
	}
}

func ids(bids []store.Bid) []string {
	out := make([]string, len(bids))
	for i, b := range bids {
		out[i] = b.ID
	}
	return out
}

// TestEvaluateSameIDTwoRegions: a bid's key is its region and id, so the same id
// from two regions is two bids; with all else equal the smaller region wins,
// whichever order they come in.
func TestEvaluateSameIDTwoRegions(t *testing.T) {
	us, eu := bidAt(t, "x", "us-east-1", "2.00", 1), bidAt(t, "x", "eu-west-1", "2.00", 1)
	for _, bids := range [][]store.Bid{{us, eu}, {eu, us}} {
		if got := Evaluate(FirstPrice, 0, time.Time{}, bids); got.Winner.Region != "eu-west-1" {
			t.Fatalf("winner from %s, want eu-west-1", got.Winner.Region)
		}
	}
}
