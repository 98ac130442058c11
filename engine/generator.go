package engine

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"strconv"
	"time"

	"github.com/quantedge/qex/money"
	"github.com/quantedge/qex/store"
)

// generator makes the synthetic traffic: slots that open at a Poisson rate and
// bids that arrive from each region at its own Poisson rate. It advances in steps
// of wall-clock time and is owned by one goroutine.
type generator struct {
	cfg Config
	rng *rand.Rand // bids
	// slotRNG spaces the slots' openings. It is its own stream so that the
	// schedule of slots depends on the seed alone: processes sharing a seed open
	// slot n at the same time after their start, and race for it.
	slotRNG     *rand.Rand
	bidPrefix   string
	advertisers []string
	publishers  []string

	last     time.Time
	nextSlot time.Time
	slotRate float64 // the rate nextSlot was drawn at
	slotSeq  uint64
	bidSeq   uint64
	arrivals map[string]arrival // by region
	open     []*openSlot        // ordered by openAt (and so by closeAt)
}

// Generator limits.
const (
	// maxCatchUp: a step longer than this (a stalled process) skips the gap
	// instead of replaying it as a burst.
	maxCatchUp = time.Second
	minPrice   = money.Cent
	// bidPrefixLen is how much of the run id starts each bid id, keeping the
	// bids of processes that share a seed and a bid store apart.
	bidPrefixLen = 8
)

// Random streams. Each purpose draws from its own PCG stream of the run's seed,
// so that, say, how many bids arrive never shifts which slots open.
const (
	streamSlots     = 0x51_07 // with the slot's number as the sequence
	streamAccounts  = 0xacc0_0000
	streamBids      = 0xb1d5_0000
	streamSlotTimes = 0x7135_0000
	streamJitter    = 0x717e_0000 // with the worker's number as the sequence
)

func newGenerator(cfg Config, runID string, start time.Time) *generator {
	g := &generator{
		cfg:         cfg,
		rng:         rand.New(rand.NewPCG(cfg.Seed+streamBids, 0)),
		slotRNG:     rand.New(rand.NewPCG(cfg.Seed+streamSlotTimes, 0)),
		bidPrefix:   runID[:min(bidPrefixLen, len(runID))] + "-",
		advertisers: accountNames("adv", cfg.Advertisers),
		publishers:  accountNames("pub", cfg.Publishers),
		last:        start,
		arrivals:    make(map[string]arrival, len(cfg.Regions)),
	}
	g.nextSlot = start
	return g
}

// accountNames names a pool of accounts: adv-01, adv-02, ...
func accountNames(prefix string, n int) []string {
	width := len(strconv.Itoa(n))
	names := make([]string, n)
	for i := range names {
		names[i] = fmt.Sprintf("%s-%0*d", prefix, width, i+1)
	}
	return names
}

// seedAccounts lists the run's accounts: advertiser budgets drawn log-uniformly
// from the configured range with the run's seed, publishers at zero.
func seedAccounts(cfg Config) []store.Account {
	rng := rand.New(rand.NewPCG(cfg.Seed+streamAccounts, 0))
	lo, hi := math.Log(float64(cfg.BudgetMin)), math.Log(float64(cfg.BudgetMax))
	var out []store.Account
	for _, id := range accountNames("adv", cfg.Advertisers) {
		budget := money.Micros(math.Exp(lo+rng.Float64()*(hi-lo))) / money.Dollar * money.Dollar
		out = append(out, store.Account{ID: id, Kind: store.Advertiser,
			Initial: max(budget, cfg.BudgetMin)})
	}
	for _, id := range accountNames("pub", cfg.Publishers) {
		out = append(out, store.Account{ID: id, Kind: store.Publisher})
	}
	return out
}

// slotAt describes the n-th slot of a seed: its id, publisher and floor depend on
// the seed and n alone, so every process with the seed agrees on them.
func slotAt(cfg Config, n uint64, publishers []string) (id, publisher string, floor money.Micros) {
	rng := rand.New(rand.NewPCG(cfg.Seed+streamSlots, n))
	cents := int64((cfg.FloorMax - cfg.FloorMin) / money.Cent)
	floor = cfg.FloorMin + money.Micros(rng.Int64N(cents+1))*money.Cent
	publisher = publishers[rng.IntN(len(publishers))]
	id = "slot-" + strconv.FormatUint(cfg.Seed, 10) + "-" + strconv.FormatUint(n, 10)
	return id, publisher, floor
}

// step generates the traffic of [g.last, now): the slots that opened and the bids
// that arrived. opened is called for each new slot before any of its bids; bid for
// each bid, with the slot it is for, in arrival order per region.
func (g *generator) step(now time.Time, slotRate float64, dials []RegionDial,
	opened func(*openSlot), bid func(store.Bid, *openSlot)) {
	if now.Sub(g.last) > maxCatchUp {
		g.skipTo(now)
	}
	g.openSlots(now, slotRate, opened)
	for _, d := range dials {
		if !d.Up || d.Rate <= 0 {
			delete(g.arrivals, d.Name)
			continue
		}
		g.arrive(now, d, bid)
	}
	g.retire(now)
	g.last = now
}

// skipTo forgets the traffic a stall would have produced.
func (g *generator) skipTo(now time.Time) {
	g.last = now
	if g.nextSlot.Before(now) {
		g.nextSlot = now
	}
	clear(g.arrivals)
}

// openSlots opens the slots due before now. A changed rate redraws the next
// opening, as a region's changed rate redraws its next bid.
func (g *generator) openSlots(now time.Time, rate float64, opened func(*openSlot)) {
	if rate != g.slotRate && g.slotRate != 0 {
		g.nextSlot = g.last.Add(exponential(g.slotRNG, rate))
	}
	g.slotRate = rate
	for g.nextSlot.Before(now) {
		id, pub, floor := slotAt(g.cfg, g.slotSeq, g.publishers)
		g.slotSeq++
		s := &openSlot{id: id, publisher: pub, floor: floor, openAt: g.nextSlot,
			closeAt: g.nextSlot.Add(g.cfg.SlotWindow)}
		s.dueAt = s.closeAt
		g.open = append(g.open, s)
		opened(s)
		g.nextSlot = g.nextSlot.Add(exponential(g.slotRNG, rate))
	}
}

// arrival is a region's next arrival and the rate it was drawn at.
type arrival struct {
	next time.Time
	rate float64
}

// arrive draws one region's arrivals up to now, each for a slot open at that
// moment, picked uniformly. A changed rate redraws the next arrival, so a region
// dialled up from a trickle does not wait out the trickle's long gap.
func (g *generator) arrive(now time.Time, d RegionDial, bid func(store.Bid, *openSlot)) {
	next := g.arrivals[d.Name].next
	if next.IsZero() || next.Before(g.last) || g.arrivals[d.Name].rate != d.Rate {
		next = g.last.Add(g.exp(d.Rate))
	}
	for ; next.Before(now); next = next.Add(g.exp(d.Rate)) {
		s := g.slotFor(next)
		if s == nil {
			continue // no auction open at that moment: nobody to bid on
		}
		g.bidSeq++
		bid(store.Bid{
			ID:         g.bidPrefix + strconv.FormatUint(g.bidSeq, 10),
			SlotID:     s.id,
			Region:     d.Name,
			Advertiser: g.advertisers[g.rng.IntN(len(g.advertisers))],
			Price:      g.price(d.Region),
			Arrival:    next,
		}, s)
	}
	g.arrivals[d.Name] = arrival{next: next, rate: d.Rate}
}

// slotFor picks a slot open at t: opened at or before t, closing after it.
func (g *generator) slotFor(t time.Time) *openSlot {
	first := sort.Search(len(g.open), func(i int) bool { return g.open[i].closeAt.After(t) })
	end := sort.Search(len(g.open), func(i int) bool { return g.open[i].openAt.After(t) })
	if first >= end {
		return nil
	}
	return g.open[first+g.rng.IntN(end-first)]
}

// retire drops slots that closed before now from the generator's own list.
func (g *generator) retire(now time.Time) {
	n := 0
	for n < len(g.open) && !g.open[n].closeAt.After(now) {
		n++
	}
	clear(g.open[:n])
	g.open = g.open[n:]
}

// exp draws the gap to a region's next bid.
func (g *generator) exp(rate float64) time.Duration { return exponential(g.rng, rate) }

// exponential draws a gap of a Poisson process of the given rate per second.
func exponential(rng *rand.Rand, rate float64) time.Duration {
	gap := rng.ExpFloat64() / rate * float64(time.Second)
	return max(time.Duration(gap), 1)
}

// price draws a log-normal price, rounded to the cent, from one cent to MaxPrice.
func (g *generator) price(r Region) money.Micros {
	p := min(float64(r.MedianPrice)*math.Exp(r.PriceSpread*g.rng.NormFloat64()), float64(MaxPrice))
	cents := money.Micros(math.Round(p / float64(money.Cent)))
	return max(cents*money.Cent, minPrice)
}
