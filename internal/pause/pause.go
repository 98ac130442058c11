// Package pause waits for a while, or less if the context ends first.
package pause

import (
	"context"
	"time"
)

// For waits d, or until ctx ends, and returns ctx's error if it ended. A d of
// zero or less does not wait.
func For(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
