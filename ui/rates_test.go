package ui

import (
	"math"
	"testing"
	"time"

	"github.com/quantedge/qex/engine"
)

func TestComputeRates(t *testing.T) {
	r, ok := computeRates(fixture(0), fixture(1))
	if !ok {
		t.Fatal("no rates from two snapshots a tick apart")
	}
	// fixture(1) is a quarter second after fixture(0): every count times four.
	for _, c := range []struct {
		name      string
		got, want float64
	}{
		{"bids", r.Bids, 1008},
		{"ingested", r.Ingested, 1008},
		{"settled", r.Settled, 40},
		{"conflicts", r.Conflicts, 112},
		{"retries", r.Retries, 108},
		{"us-east-1", r.Region["us-east-1"], 448},
		{"eu-west-1", r.Region["eu-west-1"], 336},
		{"ap-southeast-1", r.Region["ap-southeast-1"], 224},
		{"sa-east-1", r.Region["sa-east-1"], 0},
	} {
		if math.Abs(c.got-c.want) > 1e-9 {
			t.Errorf("%s: %g/s, want %g/s", c.name, c.got, c.want)
		}
	}
}

func TestComputeRatesEdges(t *testing.T) {
	at := fixtureStart
	snap := func(offset time.Duration, bids uint64, region string) engine.Snapshot {
		return engine.Snapshot{At: at.Add(offset), Bids: bids,
			Regions: []engine.RegionSnapshot{{Name: region, Bids: bids}}}
	}
	tests := []struct {
		name      string
		prev, cur engine.Snapshot
		ok        bool
		bids      float64
		regions   int
	}{
		{"no time passed", snap(0, 10, "a"), snap(0, 20, "a"), false, 0, 0},
		{"clock went back", snap(time.Second, 10, "a"), snap(0, 20, "a"), false, 0, 0},
		{"counter went back", snap(0, 50, "a"), snap(time.Second, 20, "a"), true, 0, 1},
		{"half a second", snap(0, 10, "a"), snap(time.Second/2, 20, "a"), true, 20, 1},
		{"new region has no rate yet", snap(0, 10, "a"), snap(time.Second, 20, "b"),
			true, 10, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, ok := computeRates(tt.prev, tt.cur)
			if ok != tt.ok || r.Bids != tt.bids || len(r.Region) != tt.regions {
				t.Errorf("got ok %t, bids %g/s, %d regions; want %t, %g/s, %d",
					ok, r.Bids, len(r.Region), tt.ok, tt.bids, tt.regions)
			}
		})
	}
}

func TestSnapshotMessageUpdatesRates(t *testing.T) {
	m := fed(&fakeExchange{}, 120, 40, 0)
	if m.rates.Region != nil {
		t.Fatal("rates from a single snapshot")
	}
	m = update(m, snapshotMsg{snap: fixture(1)})
	if m.rates.Bids != 1008 || m.rates.Settled != 40 {
		t.Errorf("rates %+v after the second snapshot", m.rates)
	}
	if got := m.hist.bids.values(); len(got) != 1 || got[0] != 1008 {
		t.Errorf("bids history %v, want [1008]", got)
	}
}

func TestSeriesKeepsLatest(t *testing.T) {
	s := newSeries(3)
	for v := range 5 {
		s.push(float64(v))
	}
	got := s.values()
	if len(got) != 3 || got[0] != 2 || got[2] != 4 || s.peak() != 4 {
		t.Errorf("values %v, peak %g; want [2 3 4], 4", got, s.peak())
	}
}
