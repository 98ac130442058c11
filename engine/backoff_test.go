package engine

import (
	"math/rand/v2"
	"testing"
	"time"
)

func testPolicy(s Strategy) BackoffPolicy {
	return BackoffPolicy{Strategy: s, Base: 5 * time.Millisecond, Cap: 2 * time.Second,
		MaxAttempts: 20}
}

func TestCeiling(t *testing.T) {
	p := testPolicy(StrategyExponential)
	tests := []struct {
		failures int
		want     time.Duration
	}{
		{0, 5 * time.Millisecond}, {1, 10 * time.Millisecond}, {2, 20 * time.Millisecond},
		{3, 40 * time.Millisecond}, {8, 1280 * time.Millisecond}, {9, 2 * time.Second},
		{11, 2 * time.Second}, {63, 2 * time.Second}, {1000, 2 * time.Second},
	}
	for _, tt := range tests {
		if got := p.Ceiling(tt.failures); got != tt.want {
			t.Errorf("Ceiling(%d) = %s, want %s", tt.failures, got, tt.want)
		}
	}
}

// TestDelayBounds draws many delays of every strategy at every depth and checks
// each against the strategy's documented interval.
func TestDelayBounds(t *testing.T) {
	const draws = 2000
	for _, s := range Strategies {
		t.Run(string(s), func(t *testing.T) {
			p := testPolicy(s)
			rng := rand.New(rand.NewPCG(1, 2))
			for failures := 1; failures <= 15; failures++ {
				ceil := p.Ceiling(failures)
				var prev time.Duration
				for range draws {
					d := p.Delay(failures, prev, rng)
					lo, hi := delayBounds(p, failures, prev)
					if d < lo || d > hi {
						t.Fatalf("after %d failures (prev %s): delay %s outside [%s, %s] (ceiling %s)",
							failures, prev, d, lo, hi, ceil)
					}
					prev = d
				}
			}
		})
	}
}

// delayBounds is the closed interval a delay must fall in, from the formulas in
// the Strategy docs. Half-open upper ends are checked as d <= hi, which is weaker
// by one nanosecond only.
func delayBounds(p BackoffPolicy, failures int, prev time.Duration) (lo, hi time.Duration) {
	c := p.Ceiling(failures)
	switch p.Strategy {
	case StrategyNone:
		return 0, 0
	case StrategyExponential:
		return c, c
	case StrategyFullJitter:
		return 0, c
	case StrategyEqualJitter:
		return c / 2, c
	case StrategyDecorrelated:
		prev = max(prev, p.Base)
		return p.Base, min(p.Cap, 3*prev)
	}
	panic("unknown strategy " + p.Strategy)
}

// TestFullJitterSpread checks that full jitter fills its whole interval evenly:
// each tenth of [0, ceiling) gets close to a tenth of the draws, and the extremes
// come near both ends.
func TestFullJitterSpread(t *testing.T) {
	const (
		draws   = 100_000
		buckets = 10
	)
	p := testPolicy(StrategyFullJitter)
	rng := rand.New(rand.NewPCG(7, 7))
	for _, failures := range []int{1, 4, 12} {
		ceil := p.Ceiling(failures)
		var counts [buckets]int
		lo, hi := ceil, time.Duration(0)
		for range draws {
			d := p.Delay(failures, 0, rng)
			counts[int(int64(d)*buckets/int64(ceil))]++
			lo, hi = min(lo, d), max(hi, d)
		}
		for i, n := range counts {
			share := float64(n) / draws
			if share < 0.09 || share > 0.11 {
				t.Errorf("ceiling %s: tenth %d holds %.3f of the delays, want about 0.100 (%v)",
					ceil, i, share, counts)
			}
		}
		if lo > ceil/100 || hi < ceil-ceil/100 {
			t.Errorf("ceiling %s: delays span only [%s, %s]", ceil, lo, hi)
		}
	}
}

// TestDecorrelatedGrows checks that decorrelated jitter's delays climb from the
// base towards the cap when each feeds the next, as its formula intends.
func TestDecorrelatedGrows(t *testing.T) {
	p := testPolicy(StrategyDecorrelated)
	rng := rand.New(rand.NewPCG(3, 4))
	var prev time.Duration
	reachedCap := false
	for i := range 200 {
		prev = p.Delay(i+1, prev, rng)
		if prev > p.Cap/2 {
			reachedCap = true
		}
	}
	if !reachedCap {
		t.Fatalf("200 chained decorrelated delays never passed half the cap (%s)", p.Cap)
	}
}

func TestBackoffValidate(t *testing.T) {
	tests := []struct {
		name string
		p    BackoffPolicy
		ok   bool
	}{
		{"default", DefaultBackoff(), true},
		{"unknown strategy", BackoffPolicy{Strategy: "linear", Base: 1, Cap: 2, MaxAttempts: 1}, false},
		{"zero base", BackoffPolicy{Strategy: StrategyNone, Base: 0, Cap: 2, MaxAttempts: 1}, false},
		{"cap below base", BackoffPolicy{Strategy: StrategyNone, Base: 3, Cap: 2, MaxAttempts: 1}, false},
		{"no attempts", BackoffPolicy{Strategy: StrategyNone, Base: 1, Cap: 2, MaxAttempts: 0}, false},
	}
	for _, tt := range tests {
		if err := tt.p.Validate(); (err == nil) != tt.ok {
			t.Errorf("%s: Validate() = %v, want ok=%v", tt.name, err, tt.ok)
		}
	}
}

func TestParseStrategy(t *testing.T) {
	for _, s := range Strategies {
		got, err := ParseStrategy(string(s))
		if err != nil || got != s {
			t.Errorf("ParseStrategy(%q) = %q, %v", s, got, err)
		}
	}
	if _, err := ParseStrategy("jitter"); err == nil {
		t.Error("ParseStrategy(\"jitter\") accepted an unknown name")
	}
}
