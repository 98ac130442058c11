package engine

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

// Strategy names a way of waiting between settlement attempts after a conflict.
type Strategy string

// Backoff strategies. After the n-th failed attempt (n from 1), with
// ceiling(n) = min(cap, base·2^n), as in the published comparison of these
// strategies for optimistic concurrency (the first retry waits up to 2·base):
const (
	// StrategyNone retries at once: 0.
	StrategyNone Strategy = "none"
	// StrategyExponential waits exactly ceiling(n): no jitter.
	StrategyExponential Strategy = "exponential"
	// StrategyFullJitter waits uniform in [0, ceiling(n)).
	StrategyFullJitter Strategy = "full"
	// StrategyEqualJitter waits ceiling(n)/2 plus uniform in [0, ceiling(n)/2).
	StrategyEqualJitter Strategy = "equal"
	// StrategyDecorrelated waits min(cap, uniform in [base, 3·previous wait)),
	// the previous wait of the first retry being base.
	StrategyDecorrelated Strategy = "decorrelated"
)

// Strategies lists every strategy, in the order the console cycles through them.
var Strategies = []Strategy{
	StrategyFullJitter, StrategyEqualJitter, StrategyDecorrelated,
	StrategyExponential, StrategyNone,
}

// Label is the strategy's name for people: "full jitter".
func (s Strategy) Label() string {
	switch s {
	case StrategyFullJitter, StrategyEqualJitter, StrategyDecorrelated:
		return string(s) + " jitter"
	case StrategyExponential:
		return "exponential, no jitter"
	}
	return string(s)
}

// ParseStrategy reads a strategy name as the flags and the lab take it.
func ParseStrategy(name string) (Strategy, error) {
	for _, s := range Strategies {
		if strings.EqualFold(name, string(s)) {
			return s, nil
		}
	}
	return "", fmt.Errorf("unknown backoff strategy %q (want one of %s)", name, strategyList())
}

func strategyList() string {
	names := make([]string, len(Strategies))
	for i, s := range Strategies {
		names[i] = string(s)
	}
	return strings.Join(names, ", ")
}

// Backoff defaults.
const (
	DefaultBackoffBase = 5 * time.Millisecond
	DefaultBackoffCap  = 2 * time.Second
	DefaultMaxAttempts = 8
	maxBackoffExponent = 62
	decorrelatedGrowth = 3
)

// BackoffPolicy is how a settler retries: which strategy, with what base and cap,
// and how many attempts in all before it gives the slot back to the reconciler.
type BackoffPolicy struct {
	Strategy    Strategy
	Base        time.Duration
	Cap         time.Duration
	MaxAttempts int
}

// DefaultBackoff is full jitter, base 5 ms, cap 2 s, 8 attempts.
func DefaultBackoff() BackoffPolicy {
	return BackoffPolicy{
		Strategy:    StrategyFullJitter,
		Base:        DefaultBackoffBase,
		Cap:         DefaultBackoffCap,
		MaxAttempts: DefaultMaxAttempts,
	}
}

// Validate reports a policy that cannot be followed.
func (p BackoffPolicy) Validate() error {
	if _, err := ParseStrategy(string(p.Strategy)); err != nil {
		return err
	}
	switch {
	case p.Base <= 0:
		return fmt.Errorf("backoff base must be positive, got %s", p.Base)
	case p.Cap < p.Base:
		return fmt.Errorf("backoff cap %s is below the base %s", p.Cap, p.Base)
	case p.MaxAttempts < 1:
		return fmt.Errorf("max attempts must be at least 1, got %d", p.MaxAttempts)
	}
	return nil
}

// Ceiling is min(cap, base·2^n): the exponential envelope after the n-th failed
// attempt.
func (p BackoffPolicy) Ceiling(failures int) time.Duration {
	exp := max(failures, 0)
	if exp > maxBackoffExponent || p.Base > p.Cap>>exp {
		return p.Cap
	}
	return p.Base << exp
}

// Delay is the wait after the n-th failed attempt (n from 1). prev is the wait
// before this one (zero for the first retry); only decorrelated jitter uses it.
func (p BackoffPolicy) Delay(failures int, prev time.Duration, rng *rand.Rand) time.Duration {
	switch p.Strategy {
	case StrategyNone:
		return 0
	case StrategyExponential:
		return p.Ceiling(failures)
	case StrategyFullJitter:
		return uniform(rng, 0, p.Ceiling(failures))
	case StrategyEqualJitter:
		half := p.Ceiling(failures) / 2
		return half + uniform(rng, 0, half)
	case StrategyDecorrelated:
		if prev < p.Base {
			prev = p.Base
		}
		hi := prev * decorrelatedGrowth
		if hi/decorrelatedGrowth != prev { // overflow: only the cap matters then
			return p.Cap
		}
		return min(p.Cap, uniform(rng, p.Base, hi))
	}
	return p.Ceiling(failures)
}

// uniform draws from [lo, hi); lo when the interval is empty.
func uniform(rng *rand.Rand, lo, hi time.Duration) time.Duration {
	if hi <= lo {
		return lo
	}
	return lo + time.Duration(rng.Int64N(int64(hi-lo)))
}
