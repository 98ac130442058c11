package engine

import (
	"fmt"
	"math"
	"time"
)

// Lowest dial settings: a silent region, and one slot every ten seconds (the
// generator needs a positive slot rate).
const (
	minRegionRate = 0.0
	minSlotRate   = 0.1
)

// RegionDial is a region's live setting: its rate and whether it is up.
type RegionDial struct {
	Region
	Up bool
}

// State returns where the run is in its life.
func (e *Engine) State() RunState {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.state == StateRunning && e.paused.Load() {
		return StatePaused
	}
	return e.state
}

func (e *Engine) setState(s RunState) {
	e.mu.Lock()
	e.state = s
	if s == StateRunning && e.started.IsZero() {
		e.started = time.Now()
	}
	e.mu.Unlock()
}

func (e *Engine) startedAt() time.Time {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.started
}

// Settings returns the run's current dials.
func (e *Engine) Settings() Settings {
	return Settings{
		SlotRate:   e.SlotRate(),
		Workers:    int(e.workers.Load()),
		Contention: int(e.contention.Load()),
		Backoff:    *e.backoff.Load(),
		Auction:    *e.auction.Load(),
		Paused:     e.paused.Load(),
	}
}

// regionDials copies the regions' dials.
func (e *Engine) regionDials() []RegionDial {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]RegionDial(nil), e.dials...)
}

func (e *Engine) dial(name string, change func(*RegionDial)) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	for i := range e.dials {
		if e.dials[i].Name == name {
			change(&e.dials[i])
			return nil
		}
	}
	return fmt.Errorf("unknown region %q", name)
}

// SetRegionRate sets a region's mean arrival rate in bids per second, clamped to
// [0, MaxRegionRate]. It returns the rate set.
func (e *Engine) SetRegionRate(name string, rate float64) (float64, error) {
	rate = min(max(rate, minRegionRate), MaxRegionRate)
	return rate, e.dial(name, func(d *RegionDial) { d.Rate = rate })
}

// SetRegionUp brings a region up, or takes it down as in an outage.
func (e *Engine) SetRegionUp(name string, up bool) error {
	return e.dial(name, func(d *RegionDial) { d.Up = up })
}

// SlotRate is how many slots open per second.
func (e *Engine) SlotRate() float64 { return math.Float64frombits(e.slotRate.Load()) }

// SetSlotRate sets how many slots open per second, clamped to
// [minSlotRate, MaxSlotsPerSecond], and returns the rate set. Fewer slots for the
// same bids make each slot's partition hotter.
func (e *Engine) SetSlotRate(rate float64) float64 {
	rate = min(max(rate, minSlotRate), MaxSlotsPerSecond)
	e.slotRate.Store(math.Float64bits(rate))
	return rate
}

// SetWorkers sets how many settlement workers run, clamped to [1, MaxWorkers].
func (e *Engine) SetWorkers(n int) int {
	n = min(max(n, 1), MaxWorkers)
	e.workers.Store(int64(n))
	select {
	case e.resize <- struct{}{}:
	default: // a resize is already signalled; the pool reads the latest value
	}
	return n
}

// SetContention sets how many workers race for each slot from now on, clamped to
// [1, MaxContention].
func (e *Engine) SetContention(k int) int {
	k = min(max(k, 1), MaxContention)
	e.contention.Store(int64(k))
	return k
}

// SetBackoffStrategy changes the strategy of retries from now on; base, cap and
// attempts stay.
func (e *Engine) SetBackoffStrategy(s Strategy) {
	p := *e.backoff.Load()
	p.Strategy = s
	e.backoff.Store(&p)
}

// SetAuction changes the pricing rule of auctions that close from now on.
func (e *Engine) SetAuction(a AuctionType) { e.auction.Store(&a) }

// SetPaused stops new traffic (no new slots, no new bids) or lets it flow again.
// Auctions already open still close and settle.
func (e *Engine) SetPaused(p bool) { e.paused.Store(p) }
