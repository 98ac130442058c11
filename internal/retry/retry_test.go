package retry

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestDelayIsCappedFullJitter(t *testing.T) {
	b := Backoff{Base: 10 * time.Millisecond, Cap: 300 * time.Millisecond}
	tests := []struct {
		n       int
		ceiling time.Duration
	}{
		{0, 10 * time.Millisecond},
		{1, 20 * time.Millisecond},
		{4, 160 * time.Millisecond},
		{5, 300 * time.Millisecond}, // 320ms, capped
		{62, 300 * time.Millisecond},
		{63, 300 * time.Millisecond}, // Base·2^n would overflow
		{1000, 300 * time.Millisecond},
	}
	for _, tt := range tests {
		var low, high bool
		for range 1000 {
			d := b.Delay(tt.n)
			if d < 0 || d >= tt.ceiling {
				t.Fatalf("Delay(%d) = %s, outside [0, %s)", tt.n, d, tt.ceiling)
			}
			low, high = low || d < tt.ceiling/4, high || d >= tt.ceiling*3/4
		}
		if !low || !high {
			t.Errorf("Delay(%d): 1,000 waits did not spread over [0, %s)", tt.n, tt.ceiling)
		}
	}
	if d := (Backoff{}).Delay(3); d != 0 {
		t.Errorf("a zero backoff waits %s", d)
	}
}

var (
	errPassing = errors.New("passing")
	errFinal   = errors.New("final")
)

func passing(err error) bool { return errors.Is(err, errPassing) }

// failing returns an operation that fails with errs in turn, then succeeds,
// and counts its calls.
func failing(calls *int, errs ...error) func() error {
	return func() error {
		*calls++
		if *calls <= len(errs) {
			return errs[*calls-1]
		}
		return nil
	}
}

func TestDo(t *testing.T) {
	fast := Backoff{Base: time.Millisecond, Cap: time.Millisecond}
	tests := []struct {
		name      string
		attempts  int
		errs      []error
		want      error
		wantCalls int
	}{
		{"succeeds at once", 3, nil, nil, 1},
		{"succeeds on the last try", 3, []error{errPassing, errPassing}, nil, 3},
		{"gives up after the last try", 3, []error{errPassing, errPassing, errPassing},
			errPassing, 3},
		{"other errors are not retried", 3, []error{errPassing, errFinal}, errFinal, 2},
		{"at least one try", 0, []error{errPassing}, errPassing, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			calls := 0
			p := Policy{Attempts: tt.attempts, Backoff: fast}
			err := p.Do(context.Background(), passing, failing(&calls, tt.errs...))
			if !errors.Is(err, tt.want) || (tt.want == nil && err != nil) || calls != tt.wantCalls {
				t.Fatalf("Do = %v after %d calls, want %v after %d", err, calls, tt.want,
					tt.wantCalls)
			}
		})
	}
}

// TestDoNeverWaitsAfterTheLastTry: with waits of up to an hour, a single try
// that fails returns at once, with its own error.
func TestDoNeverWaitsAfterTheLastTry(t *testing.T) {
	p := Policy{Attempts: 1, Backoff: Backoff{Base: time.Hour, Cap: time.Hour}}
	calls := 0
	done := make(chan error, 1)
	go func() { done <- p.Do(context.Background(), passing, failing(&calls, errPassing)) }()
	select {
	case err := <-done:
		if !errors.Is(err, errPassing) {
			t.Fatalf("Do = %v, want the operation's error", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Do waited after its last try")
	}
}

func TestDoStopsWithTheContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	p := Policy{Attempts: 5, Backoff: Backoff{Base: time.Hour, Cap: time.Hour}}
	calls := 0
	err := p.Do(ctx, passing, func() error {
		calls++
		cancel()
		return errPassing
	})
	if !errors.Is(err, context.Canceled) || calls != 1 {
		t.Fatalf("Do = %v after %d calls, want context.Canceled after 1", err, calls)
	}
}
