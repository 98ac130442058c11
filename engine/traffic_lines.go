package engine

import (
	"github.com/quantedge/qex/store"
)

func (p *trafficParser) slot(l trafficLine) error {
	others := map[string]*string{"slot": l.Slot, "region": l.Region, "advertiser": l.Advertiser,
		"price": l.Price, "arrival": l.Arrival, "budget": l.Budget}
	if err := p.forbid("slot", others); err != nil {
		return err
	}
	id, err := p.required("id", l.ID)
	if err != nil {
		return err
	}
	if first, dup := p.slotLines[id]; dup {
		return p.fail("id", "slot %q is already declared on line %d", id, first)
	}
	s := TrafficSlot{ID: id}
	if s.Publisher, err = p.required("publisher", l.Publisher); err != nil {
		return err
	}
	if s.Floor, err = p.amount("floor", l.Floor, false, MaxPrice); err != nil {
		return err
	}
	if s.Close, err = p.time("close", l.Close); err != nil {
		return err
	}
	p.slotLines[id] = p.line
	p.t.Slots = append(p.t.Slots, s)
	return nil
}

func (p *trafficParser) bid(l trafficLine) error {
	if err := p.forbid("bid", map[string]*string{"publisher": l.Publisher, "floor": l.Floor,
		"close": l.Close, "budget": l.Budget}); err != nil {
		return err
	}
	id, err := p.required("id", l.ID)
	if err != nil {
		return err
	}
	if first, dup := p.bidLines[id]; dup {
		return p.fail("id", "bid %q is already declared on line %d", id, first)
	}
	b := store.Bid{ID: id}
	if b.SlotID, err = p.required("slot", l.Slot); err != nil {
		return err
	}
	if b.Region, err = p.required("region", l.Region); err != nil {
		return err
	}
	if b.Advertiser, err = p.required("advertiser", l.Advertiser); err != nil {
		return err
	}
	if b.Price, err = p.amount("price", l.Price, true, MaxPrice); err != nil {
		return err
	}
	if b.Arrival, err = p.time("arrival", l.Arrival); err != nil {
		return err
	}
	p.bidLines[id] = p.line
	p.bidSlotLines = append(p.bidSlotLines, p.line)
	p.t.Bids = append(p.t.Bids, b)
	return nil
}

func (p *trafficParser) advertiser(l trafficLine) error {
	if err := p.forbid("advertiser", map[string]*string{"publisher": l.Publisher,
		"floor": l.Floor, "close": l.Close, "slot": l.Slot, "region": l.Region,
		"advertiser": l.Advertiser, "price": l.Price, "arrival": l.Arrival}); err != nil {
		return err
	}
	id, err := p.required("id", l.ID)
	if err != nil {
		return err
	}
	if first, dup := p.advLines[id]; dup {
		return p.fail("id", "advertiser %q is already declared on line %d", id, first)
	}
	budget, err := p.amount("budget", l.Budget, false, MaxBudget)
	if err != nil {
		return err
	}
	p.advLines[id] = p.line
	p.t.Advertisers[id] = budget
	return nil
}

// checkSlots makes sure every bid names a declared slot.
func (p *trafficParser) checkSlots() error {
	for i, b := range p.t.Bids {
		if _, ok := p.slotLines[b.SlotID]; !ok {
			p.line = p.bidSlotLines[i]
			return p.fail("slot", "slot %q is not declared in the file", b.SlotID)
		}
	}
	return nil
}
