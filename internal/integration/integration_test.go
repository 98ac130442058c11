package integration

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
)

// recorder is a test that records how it ended; like a real one, it ends its
// goroutine there.
type recorder struct {
	testing.TB
	failed, skipped string
}

func (r *recorder) Helper() {}

func (r *recorder) Fatalf(format string, args ...any) {
	r.failed = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

func (r *recorder) Skipf(format string, args ...any) {
	r.skipped = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

// run runs f as a test's goroutine, and returns once it ended.
func run(f func()) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		f()
	}()
	<-done
}

func TestUnavailable(t *testing.T) {
	for _, tt := range []struct {
		env        string
		fail, skip bool
	}{{"1", true, false}, {"", false, true}, {"0", false, true}} {
		t.Setenv(EnvRequire, tt.env)
		r := &recorder{}
		run(func() { Unavailable(r, "no %s here", "server") })
		if (r.failed != "") != tt.fail || (r.skipped != "") != tt.skip {
			t.Fatalf("%s=%q: failed %q, skipped %q", EnvRequire, tt.env, r.failed, r.skipped)
		}
		if said := r.failed + r.skipped; !strings.HasPrefix(said, "no server here") {
			t.Fatalf("%s=%q: said %q", EnvRequire, tt.env, said)
		}
	}
}
