// Package retry repeats an operation that failed for a passing reason (a
// serialization conflict, a throttled call), waiting between tries with capped
// full jitter: racing retries spread apart, and no wait grows past a cap.
package retry

import (
	"context"
	"math/rand/v2"
	"time"

	"github.com/quantedge/qex/internal/pause"
)

// Backoff is capped full jitter.
type Backoff struct {
	// Base bounds the first wait; each later one may be twice as long.
	Base time.Duration
	// Cap bounds every wait.
	Cap time.Duration
}

// Delay is the wait after failure n, counted from 0.
// Full jitter: uniform in [0, min(Cap, Base·2^n)).
func (b Backoff) Delay(n int) time.Duration {
	ceiling := b.Cap
	if n >= 0 && b.Base <= b.Cap>>n { // Base·2^n fits under Cap without overflowing
		ceiling = b.Base << n
	}
	if ceiling <= 0 {
		return 0
	}
	return time.Duration(rand.Int64N(int64(ceiling)))
}

// Policy says how many times to try an operation and how long to wait between
// tries.
type Policy struct {
	Attempts int
	Backoff
}

// Do runs op until it succeeds, fails with an error retryable rejects, or has
// been tried Attempts times (at least once), waiting the backoff between tries
// and never after the last. It returns op's last error, or ctx's if ctx ended
// during a wait.
func (p Policy) Do(ctx context.Context, retryable func(error) bool, op func() error) error {
	for n := 0; ; n++ {
		err := op()
		if err == nil || !retryable(err) || n+1 >= p.Attempts {
			return err
		}
		if err := pause.For(ctx, p.Delay(n)); err != nil {
			return err
		}
	}
}
