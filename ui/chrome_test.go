package ui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
)

func TestSpread(t *testing.T) {
	tests := []struct {
		left, right string
		w           int
		want        string
	}{
		{"left", "right", 12, "left   right"},
		{"left", "right", 10, "left right"},
		{"left", "right", 9, "le… right"},
		{"left", "right", 6, " right"},
		{"left", "right", 5, "left "},
		{"left", "", 6, "left  "},
	}
	for _, tt := range tests {
		if got := spread(tt.left, tt.right, tt.w); got != tt.want {
			t.Errorf("spread(%q, %q, %d) = %q, want %q", tt.left, tt.right, tt.w, got,
				tt.want)
		}
	}
}

// TestHeaderKeepsRunState: a long uptime or a long store label cuts the
// label, never the run's state beside it.
func TestHeaderKeepsRunState(t *testing.T) {
	tests := []struct {
		w       int
		backend string
		uptime  time.Duration
	}{
		{80, "bids: memory · ledger: memory", 26*time.Hour + 3*time.Minute + 7*time.Second},
		{100, "bids: dynamodb (qex-bids, eu-west-1) · ledger: postgres (db.example.com/qex)",
			90 * time.Second},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%d columns", tt.w), func(t *testing.T) {
			m := fed(&fakeExchange{}, tt.w, 30, 1)
			m.opts.Backend = tt.backend
			m.snap.Uptime = tt.uptime
			line, _, _ := strings.Cut(m.header(tt.w), "\n")
			if !strings.Contains(line, "[running]") || !strings.HasSuffix(line, "run 3f2a9c1d ") {
				t.Errorf("the run's state is not on the line:\n%s", line)
			}
			if got := ansi.StringWidth(line); got != tt.w {
				t.Errorf("the line is %d cells wide, want %d", got, tt.w)
			}
		})
	}
}

// TestFooterHints: the footer names the keys of the bindings the console
// matches, each pair of a dial's keys in one hint.
func TestFooterHints(t *testing.T) {
	m := New(&fakeExchange{}, Options{})
	got := m.help.ShortHelpView(m.keys.ShortHelp())
	want := "q quit • ? help • space pause • tab pane • ↑/↓ region • +/- rate • x outage • " +
		"w/W workers • c/C contention • b backoff • a auction • L lab"
	if got != want {
		t.Errorf("footer hints\n%s\nwant\n%s", got, want)
	}
}
