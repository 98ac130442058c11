package ui

import "github.com/quantedge/qex/engine"

// historyTicks is how many past rates the charts keep: half a minute at the
// default tick.
const historyTicks = 120

// rates are per-second rates between two snapshots.
type rates struct {
	Bids, Ingested     float64
	Settled, Conflicts float64
	Retries            float64
	// Region holds bids per second by region name.
	Region map[string]float64
}

// computeRates divides the growth of cur's counters over prev by the time
// between them. It reports false when no time passed. A counter that went
// backwards (a new run behind the same console) counts as no growth.
func computeRates(prev, cur engine.Snapshot) (rates, bool) {
	dt := cur.At.Sub(prev.At).Seconds()
	if dt <= 0 {
		return rates{}, false
	}
	per := func(before, after uint64) float64 {
		if after < before {
			return 0
		}
		return float64(after-before) / dt
	}
	r := rates{
		Bids:      per(prev.Bids, cur.Bids),
		Ingested:  per(prev.Ingested, cur.Ingested),
		Settled:   per(prev.Settled, cur.Settled),
		Conflicts: per(prev.Conflicts, cur.Conflicts),
		Retries:   per(prev.Retries, cur.Retries),
		Region:    make(map[string]float64, len(cur.Regions)),
	}
	before := make(map[string]uint64, len(prev.Regions))
	for _, reg := range prev.Regions {
		before[reg.Name] = reg.Bids
	}
	for _, reg := range cur.Regions {
		if b, ok := before[reg.Name]; ok {
			r.Region[reg.Name] = per(b, reg.Bids)
		}
	}
	return r, true
}

// series is a ring of the latest values of one rate.
type series struct {
	vals []float64
	next int
	full bool
}

func newSeries(size int) *series {
	return &series{vals: make([]float64, size)}
}

func (s *series) push(v float64) {
	s.vals[s.next] = v
	s.next = (s.next + 1) % len(s.vals)
	if s.next == 0 {
		s.full = true
	}
}

// values returns the kept values, oldest first.
func (s *series) values() []float64 {
	if !s.full {
		return append([]float64(nil), s.vals[:s.next]...)
	}
	return append(append([]float64(nil), s.vals[s.next:]...), s.vals[:s.next]...)
}

// peak is the largest kept value, zero when there is none.
func (s *series) peak() float64 {
	kept := s.vals[:s.next]
	if s.full {
		kept = s.vals
	}
	var top float64
	for _, v := range kept {
		top = max(top, v)
	}
	return top
}

// history is the rates the charts draw.
type history struct {
	bids, settled, conflicts, retries *series
}

func newHistory(size int) *history {
	return &history{
		bids:      newSeries(size),
		settled:   newSeries(size),
		conflicts: newSeries(size),
		retries:   newSeries(size),
	}
}

func (h *history) push(r rates) {
	h.bids.push(r.Bids)
	h.settled.push(r.Settled)
	h.conflicts.push(r.Conflicts)
	h.retries.push(r.Retries)
}
