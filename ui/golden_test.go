package ui

import (
	"fmt"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/quantedge/qex/engine"
	"github.com/quantedge/qex/store"
)

// goldenTicks is how many fixture snapshots the golden screens have seen.
const goldenTicks = 60

func TestViewGolden(t *testing.T) {
	for _, size := range []struct{ w, h int }{{120, 40}, {100, 30}, {80, 24}, {60, 20}} {
		t.Run(fmt.Sprintf("%dx%d", size.w, size.h), func(t *testing.T) {
			m := fed(&fakeExchange{}, size.w, size.h, goldenTicks)
			golden.RequireEqual(t, m.View())
		})
	}
}

// TestDynamoDBGolden shows the ingestion pane of a run whose bids go to DynamoDB:
// the backend's push-back, and a slot past one partition's write limit.
func TestDynamoDBGolden(t *testing.T) {
	m := fed(&fakeExchange{}, 120, 40, goldenTicks)
	s := m.snap
	s.BidStore = &store.BidStats{Backend: "dynamodb", UnprocessedResent: 42, Throttled: 3}
	s.HottestSlot = engine.HotSlot{SlotID: "slot-1-7", WritesPerSec: 1250}
	m = update(m, snapshotMsg{snap: s})
	golden.RequireEqual(t, m.View())
}

func TestHelpGolden(t *testing.T) {
	for _, size := range []struct{ w, h int }{{120, 40}, {100, 30}, {80, 24}} {
		t.Run(fmt.Sprintf("%dx%d", size.w, size.h), func(t *testing.T) {
			m := fed(&fakeExchange{}, size.w, size.h, goldenTicks)
			golden.RequireEqual(t, update(m, press("?")).View())
		})
	}
}

// namedKeys are the keys the tests press by name.
var namedKeys = map[string]tea.KeyType{
	"tab":       tea.KeyTab,
	"shift+tab": tea.KeyShiftTab,
	"esc":       tea.KeyEsc,
	"up":        tea.KeyUp,
	"down":      tea.KeyDown,
	"ctrl+c":    tea.KeyCtrlC,
}

// press is the message a key press sends.
func press(s string) tea.KeyMsg {
	if s == " " {
		return tea.KeyMsg{Type: tea.KeySpace, Runes: []rune{' '}}
	}
	if k, ok := namedKeys[s]; ok {
		return tea.KeyMsg{Type: k}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)}
}
