package pause

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestFor(t *testing.T) {
	start := time.Now()
	if err := For(context.Background(), 20*time.Millisecond); err != nil {
		t.Fatalf("a full wait: %v", err)
	}
	if waited := time.Since(start); waited < 20*time.Millisecond {
		t.Fatalf("waited %s of 20ms", waited)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	start = time.Now()
	if err := For(ctx, time.Hour); !errors.Is(err, context.Canceled) {
		t.Fatalf("an ended context: %v, want context.Canceled", err)
	}
	if waited := time.Since(start); waited > time.Minute {
		t.Fatalf("an ended context still waited %s", waited)
	}
	if err := For(ctx, 0); !errors.Is(err, context.Canceled) {
		t.Fatalf("no wait on an ended context: %v, want context.Canceled", err)
	}
	if err := For(context.Background(), -time.Second); err != nil {
		t.Fatalf("a negative wait: %v", err)
	}
}
