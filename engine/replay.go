package engine

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/quantedge/qex/store"
)

// Replay runs the exchange on recorded traffic instead of the generator: it
// stores every bid, closes every slot once its bids are stored, settles the
// winners, and returns the run's report when all is done (or the drain timeout
// passes). The configuration's regions should include the traffic's (see
// Traffic.Regions) for per-region counts.
func (e *Engine) Replay(ctx context.Context, t *Traffic) (Report, error) {
	if err := t.Check(); err != nil {
		return Report{}, fmt.Errorf("traffic to replay: %w", err)
	}
	if err := e.ledger.SeedAccounts(ctx, t.accounts()); err != nil {
		return Report{}, err
	}
	return e.run(ctx, func(ctx, stages context.Context) error { return e.feed(ctx, stages, t) })
}

// feed registers every slot, due at once but held back until its bids are
// stored, then queues the bids in batches.
func (e *Engine) feed(ctx, stages context.Context, t *Traffic) error {
	slots := make(map[string]*openSlot, len(t.Slots))
	for _, ts := range t.Slots {
		slots[ts.ID] = &openSlot{id: ts.ID, publisher: ts.Publisher, floor: ts.Floor,
			closeAt: ts.Close, replayed: true}
	}
	for _, b := range t.Bids {
		slots[b.SlotID].unstored.Add(1)
	}
	for _, ts := range t.Slots {
		e.openSlot(slots[ts.ID])
	}
	batches := e.newBatcher(stages)
	for i, b := range t.Bids {
		if ctx.Err() != nil {
			e.dropBids(t.Bids[i:], slots)
			break
		}
		batches.add(b, slots[b.SlotID])
	}
	batches.flush()
	return ctx.Err()
}

// dropBids gives up bids never sent: their slots stop waiting for them.
func (e *Engine) dropBids(bids []store.Bid, slots map[string]*openSlot) {
	for _, b := range bids {
		slots[b.SlotID].unstored.Add(-1)
	}
}

// accounts lists the accounts the traffic needs: its advertisers with their
// budgets and its publishers at zero.
func (t *Traffic) accounts() []store.Account {
	seen := map[string]bool{}
	var out []store.Account
	add := func(a store.Account) {
		if !seen[a.ID] {
			seen[a.ID] = true
			out = append(out, a)
		}
	}
	for _, id := range slices.Sorted(maps.Keys(t.Advertisers)) {
		add(store.Account{ID: id, Kind: store.Advertiser, Initial: t.Advertisers[id]})
	}
	for _, b := range t.Bids {
		add(store.Account{ID: b.Advertiser, Kind: store.Advertiser, Initial: DefaultReplayBudget})
	}
	for _, s := range t.Slots {
		add(store.Account{ID: s.Publisher, Kind: store.Publisher})
	}
	return out
}

// Regions returns the regions the traffic's bids come from, in order of first
// appearance, taking each one's settings from known where it is listed there.
// Replayed regions generate nothing, so their rates are zero.
func (t *Traffic) Regions(known []Region) []Region {
	var out []Region
	seen := map[string]bool{}
	for _, b := range t.Bids {
		if seen[b.Region] {
			continue
		}
		seen[b.Region] = true
		r := Region{Name: b.Region, MedianPrice: DefaultRegions()[0].MedianPrice}
		if i := slices.IndexFunc(known, func(k Region) bool { return k.Name == b.Region }); i >= 0 {
			r = known[i]
		}
		r.Rate = 0
		out = append(out, r)
	}
	return out
}
