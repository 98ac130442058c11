package ui

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/quantedge/qex/engine"
)

func TestKeys(t *testing.T) {
	tests := []struct {
		name  string
		keys  []string
		calls []string
		check func(t *testing.T, m Model)
	}{
		{"plus raises the selected region", []string{"+"},
			[]string{"SetRegionRate(us-east-1, 500)"}, regionRate(0, 500)},
		{"equals raises too", []string{"="},
			[]string{"SetRegionRate(us-east-1, 500)"}, regionRate(0, 500)},
		{"minus lowers", []string{"-"},
			[]string{"SetRegionRate(us-east-1, 320)"}, regionRate(0, 320)},
		{"underscore lowers too", []string{"_"},
			[]string{"SetRegionRate(us-east-1, 320)"}, regionRate(0, 320)},
		{"down selects the next region", []string{"down", "+"},
			[]string{"SetRegionRate(eu-west-1, 375)"}, regionRate(1, 375)},
		{"j stops at the last region", []string{"j", "j", "j", "j", "+"},
			[]string{"SetRegionRate(sa-east-1, 125)"}, regionRate(3, 125)},
		{"k stops at the first region", []string{"k", "up", "-"},
			[]string{"SetRegionRate(us-east-1, 320)"}, regionRate(0, 320)},
		{"x takes a region down", []string{"x"},
			[]string{"SetRegionUp(us-east-1, false)"}, regionUp(0, false)},
		{"x brings a region back", []string{"j", "j", "j", "x"},
			[]string{"SetRegionUp(sa-east-1, true)"}, regionUp(3, true)},
		{"w removes a worker", []string{"w"}, []string{"SetWorkers(15)"},
			settings(func(s engine.Settings) bool { return s.Workers == 15 })},
		{"W adds a worker", []string{"W", "W"}, []string{"SetWorkers(17)", "SetWorkers(18)"},
			settings(func(s engine.Settings) bool { return s.Workers == 18 })},
		{"c lowers contention", []string{"c"}, []string{"SetContention(3)"},
			settings(func(s engine.Settings) bool { return s.Contention == 3 })},
		{"C raises contention", []string{"C"}, []string{"SetContention(5)"},
			settings(func(s engine.Settings) bool { return s.Contention == 5 })},
		{"b cycles the backoff", []string{"b", "b"},
			[]string{"SetBackoffStrategy(equal)", "SetBackoffStrategy(decorrelated)"},
			settings(func(s engine.Settings) bool {
				return s.Backoff.Strategy == engine.StrategyDecorrelated
			})},
		{"a toggles the auction", []string{"a"}, []string{"SetAuction(second-price)"},
			settings(func(s engine.Settings) bool { return s.Auction == engine.SecondPrice })},
		{"a twice is first price again", []string{"a", "a"},
			[]string{"SetAuction(second-price)", "SetAuction(first-price)"},
			settings(func(s engine.Settings) bool { return s.Auction == engine.FirstPrice })},
		{"space pauses", []string{" "}, []string{"SetPaused(true)"},
			func(t *testing.T, m Model) {
				if !m.snap.Settings.Paused || m.snap.State != engine.StatePaused {
					t.Errorf("paused %t, state %s", m.snap.Settings.Paused, m.snap.State)
				}
			}},
		{"space twice resumes", []string{" ", " "},
			[]string{"SetPaused(true)", "SetPaused(false)"}, state(engine.StateRunning)},
		{"tab moves focus on", []string{"tab"}, nil, focus(paneIngest)},
		{"l moves focus on", []string{"l"}, nil, focus(paneIngest)},
		{"shift+tab wraps back", []string{"shift+tab"}, nil, focus(paneLedger)},
		{"h wraps back", []string{"h"}, nil, focus(paneLedger)},
		{"tab comes round", []string{"tab", "tab", "tab", "tab", "tab"}, nil,
			focus(paneTraffic)},
		{"a number jumps", []string{"4"}, nil, focus(paneDepth)},
		{"esc returns to traffic", []string{"3", "esc"}, nil, focus(paneTraffic)},
		{"down selects a region whatever the focus", []string{"tab", "down", "+"},
			[]string{"SetRegionRate(eu-west-1, 375)"}, regionRate(1, 375)},
		{"k selects a region whatever the focus", []string{"5", "j", "j", "k", "+"},
			[]string{"SetRegionRate(eu-west-1, 375)"}, regionRate(1, 375)},
		{"a burst of runes is one press each", []string{"CCC"},
			[]string{"SetContention(5)", "SetContention(6)", "SetContention(7)"},
			settings(func(s engine.Settings) bool { return s.Contention == 7 })},
		{"a burst stops at quit", []string{"WqW"}, []string{"SetWorkers(17)"},
			settings(func(s engine.Settings) bool { return s.Workers == 17 })},
		{"question mark opens help", []string{"?"}, nil, helpShown(true)},
		{"help swallows dials", []string{"?", "+", "W", " "}, nil, helpShown(true)},
		{"esc closes help", []string{"?", "esc"}, nil, helpShown(false)},
		{"question mark closes help", []string{"?", "?"}, nil, helpShown(false)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ex := &fakeExchange{}
			m := fed(ex, 120, 40, 1)
			for _, k := range tt.keys {
				m = update(m, press(k))
			}
			if !slices.Equal(ex.calls, tt.calls) {
				t.Errorf("calls %q, want %q", ex.calls, tt.calls)
			}
			tt.check(t, m)
		})
	}
}

func regionRate(i int, want float64) func(*testing.T, Model) {
	return func(t *testing.T, m Model) {
		t.Helper()
		if m.region != i || m.snap.Regions[i].Rate != want {
			t.Errorf("region %d rate %g, want region %d rate %g",
				m.region, m.snap.Regions[m.region].Rate, i, want)
		}
		row := regexp.MustCompile(regexp.QuoteMeta(m.snap.Regions[i].Name) + `\s+` +
			regexp.QuoteMeta(formatRate(want)) + `\s`)
		if !row.MatchString(m.View()) || m.dialSeq == 0 {
			t.Errorf("rate %s is not on the screen beside %s (dial sequence %d)", formatRate(want),
				m.snap.Regions[i].Name, m.dialSeq)
		}
	}
}

func regionUp(i int, want bool) func(*testing.T, Model) {
	return func(t *testing.T, m Model) {
		t.Helper()
		if m.snap.Regions[i].Up != want {
			t.Errorf("region %d up %t, want %t", i, m.snap.Regions[i].Up, want)
		}
	}
}

func settings(ok func(engine.Settings) bool) func(*testing.T, Model) {
	return func(t *testing.T, m Model) {
		t.Helper()
		if !ok(m.snap.Settings) {
			t.Errorf("settings %+v", m.snap.Settings)
		}
	}
}

func state(want engine.RunState) func(*testing.T, Model) {
	return func(t *testing.T, m Model) {
		t.Helper()
		if m.snap.State != want {
			t.Errorf("state %s, want %s", m.snap.State, want)
		}
	}
}

func focus(want pane) func(*testing.T, Model) {
	return func(t *testing.T, m Model) {
		t.Helper()
		if m.focus != want {
			t.Errorf("focus %d, want %d", m.focus, want)
		}
		if !strings.Contains(m.View(), "> "+paneTitles[want]) {
			t.Errorf("pane %q is not marked as focused", paneTitles[want])
		}
	}
}

func helpShown(want bool) func(*testing.T, Model) {
	return func(t *testing.T, m Model) {
		t.Helper()
		if m.showHelp != want {
			t.Errorf("help shown %t, want %t", m.showHelp, want)
		}
		if got := strings.Contains(m.View(), "closes this screen"); got != want {
			t.Errorf("help on screen %t, want %t", got, want)
		}
	}
}

func TestQuit(t *testing.T) {
	for _, k := range []string{"q", "ctrl+c"} {
		t.Run(k, func(t *testing.T) {
			m := fed(&fakeExchange{}, 120, 40, 1)
			_, cmd := m.Update(press(k))
			if cmd == nil {
				t.Fatal("no command")
			}
			if _, ok := cmd().(tea.QuitMsg); !ok {
				t.Error("the command does not quit")
			}
		})
	}
}

func TestStepRate(t *testing.T) {
	tests := []struct {
		rate float64
		up   bool
		want float64
	}{
		{0, true, minRateStep},
		{minRateStep, false, 0},
		{3, false, 0},
		{0, false, 0},
		{10, true, 15},
		{400, true, 500},
		{400, false, 320},
	}
	for _, tt := range tests {
		if got := stepRate(tt.rate, tt.up, minRateStep); got != tt.want {
			t.Errorf("stepRate(%g, up %t) = %g, want %g", tt.rate, tt.up, got, tt.want)
		}
	}
}

func TestDialFailure(t *testing.T) {
	ex := &fakeExchange{rateErr: errors.New("unknown region \"us-east-1\"")}
	m := update(fed(ex, 120, 40, 1), press("+"))
	if m.snap.Regions[0].Rate != 400 {
		t.Errorf("rate %g after a refused change, want 400", m.snap.Regions[0].Rate)
	}
	if !strings.Contains(m.View(), "unknown region") {
		t.Error("the refusal is not on the screen")
	}
}

func TestDialsWaitForFirstSnapshot(t *testing.T) {
	ex := &fakeExchange{}
	m := New(ex, Options{})
	m = update(m, tea.WindowSizeMsg{Width: 120, Height: 40}, press("W"), press("+"))
	if len(ex.calls) != 0 {
		t.Errorf("calls %q before any snapshot", ex.calls)
	}
	if !strings.Contains(m.View(), "waiting for the first snapshot") {
		t.Error("no word on why the keys did nothing")
	}
}

func TestLastErrorShown(t *testing.T) {
	s := fixture(2)
	s.LastError = "reading balances: connection refused"
	m := update(fed(&fakeExchange{}, 120, 40, 1), snapshotMsg{snap: s})
	if !strings.Contains(m.View(), "error: reading balances: connection refused") {
		t.Error("the exchange's last error is not in the status line")
	}
}

func TestResize(t *testing.T) {
	m := fed(&fakeExchange{}, 120, 40, 3)
	m = update(m, tea.WindowSizeMsg{Width: 60, Height: 20})
	if m.width != 60 || m.height != 20 {
		t.Errorf("size %dx%d, want 60x20", m.width, m.height)
	}
	if !strings.Contains(m.View(), "terminal too small: need at least 80x24, have 60x20") {
		t.Errorf("no too-small screen:\n%s", m.View())
	}
	m = update(m, tea.WindowSizeMsg{Width: 100, Height: 30})
	if len(m.charts.ingest) == 0 || !strings.Contains(m.View(), paneTitles[paneLedger]) {
		t.Error("the panes did not come back at 100x30")
	}
}

func TestTickTakesSnapshot(t *testing.T) {
	ex := &fakeExchange{snap: fixture(5)}
	m := New(ex, Options{Tick: time.Millisecond})
	msg, ok := m.Init()().(snapshotMsg)
	if !ok || msg.snap.RunID != ex.snap.RunID {
		t.Fatalf("Init's command gave %#v, want the exchange's snapshot", msg)
	}
	next, cmd := m.Update(msg)
	if cmd == nil {
		t.Fatal("a snapshot schedules no tick")
	}
	if _, ok := cmd().(tickMsg); !ok {
		t.Error("the scheduled command is not a tick")
	}
	_, cmd = next.Update(tickMsg{})
	if _, ok := cmd().(snapshotMsg); !ok {
		t.Error("a tick does not take a snapshot")
	}
}

// TestStaleSnapshotKeepsLocalDials: a snapshot asked for before a key press
// must not undo the change on screen; the next one is the exchange's word.
func TestStaleSnapshotKeepsLocalDials(t *testing.T) {
	m := update(fed(&fakeExchange{}, 120, 40, 1), press("W"), press("+"))
	m = update(m, snapshotMsg{snap: fixture(2), seq: 0})
	if m.snap.Settings.Workers != 17 || m.snap.Regions[0].Rate != 500 {
		t.Errorf("stale snapshot undid the dials: workers %d, rate %g",
			m.snap.Settings.Workers, m.snap.Regions[0].Rate)
	}
	if m.snap.Bids != fixture(2).Bids {
		t.Errorf("stale snapshot's counters were dropped: bids %d", m.snap.Bids)
	}
	m = update(m, snapshotMsg{snap: fixture(3), seq: m.dialSeq})
	if m.snap.Settings.Workers != 16 || m.snap.Regions[0].Rate != 400 {
		t.Errorf("current snapshot ignored: workers %d, rate %g",
			m.snap.Settings.Workers, m.snap.Regions[0].Rate)
	}
}

// TestPasteIsNotKeys: pasted text that holds keys does nothing at all.
func TestPasteIsNotKeys(t *testing.T) {
	ex := &fakeExchange{}
	before := fed(ex, 120, 40, 1)
	next, cmd := before.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("+W jq?L3"),
		Paste: true})
	m := next.(Model)
	if len(ex.calls) != 0 {
		t.Errorf("pasted text turned dials: %q", ex.calls)
	}
	if cmd != nil {
		t.Errorf("pasted text gave a command: %T", cmd())
	}
	if m.showHelp || m.showLab || m.focus != before.focus || m.region != before.region ||
		m.note != "" || m.dialSeq != 0 {
		t.Errorf("pasted text moved the console: help %t, lab %t, focus %d, region %d, "+
			"note %q, dial changes %d", m.showHelp, m.showLab, m.focus, m.region, m.note,
			m.dialSeq)
	}
	if m.View() != before.View() {
		t.Errorf("pasted text changed the screen:\n%s", m.View())
	}
}

// TestHelpShowsEveryKey: at every size the panes fit, the help screen lists
// every key beside what it does, and cuts no line short.
func TestHelpShowsEveryKey(t *testing.T) {
	for _, size := range []struct{ w, h int }{{80, 24}, {100, 30}, {120, 40}, {200, 60}} {
		t.Run(fmt.Sprintf("%dx%d", size.w, size.h), func(t *testing.T) {
			m := update(fed(&fakeExchange{}, size.w, size.h, 1), press("?"))
			view := m.View()
			for _, group := range m.keys.FullHelp() {
				for _, b := range group {
					h := b.Help()
					entry := regexp.QuoteMeta(h.Key) + ` +` + regexp.QuoteMeta(h.Desc)
					if !regexp.MustCompile(entry).MatchString(view) {
						t.Errorf("no %q beside %q", h.Key, h.Desc)
					}
				}
			}
			if strings.Contains(view, "…") {
				t.Errorf("a line is cut short:\n%s", view)
			}
			if !strings.Contains(view, "closes this screen") {
				t.Errorf("no word on how to close the help:\n%s", view)
			}
		})
	}
}

// TestHiddenChartsWait: behind help or the lab, snapshots and a resize leave
// the charts alone; closing the screen draws them as if it had never been open.
func TestHiddenChartsWait(t *testing.T) {
	msgs := []tea.Msg{tea.WindowSizeMsg{Width: 100, Height: 30}}
	for i := 2; i <= 12; i++ {
		msgs = append(msgs, snapshotMsg{snap: fixture(i)})
	}
	for _, key := range []string{"?", "L"} {
		t.Run(key, func(t *testing.T) {
			m := update(withLab(newFakeLab(1).run), press(key))
			hidden := m.charts.ingest
			m = update(m, msgs...)
			if &m.charts.ingest[0] != &hidden[0] {
				t.Error("the charts were drawn while hidden")
			}
			m = update(m, press(key))
			want := update(withLab(newFakeLab(1).run), msgs...)
			if m.View() != want.View() {
				t.Errorf("after %s closed:\n%s\nwant:\n%s", key, m.View(), want.View())
			}
		})
	}
}

// quietKeys are keys the help screen need not name: ctrl+c is everywhere
// another quit, and = and _ are + and - without shift.
var quietKeys = map[string]bool{"ctrl+c": true, "=": true, "_": true}

// keyNames are how the help screen writes keys that are not one character.
var keyNames = map[string]string{"up": "↑", "down": "↓", "left": "←", "right": "→",
	" ": "space"}

// TestHelpNamesEveryKey: each key the console answers to is named on the help
// screen beside what it does, but for a few well-known aliases.
func TestHelpNamesEveryKey(t *testing.T) {
	for _, group := range newKeyMap().FullHelp() {
		for _, b := range group {
			if b.Help().Key == "1-5" {
				continue // the range names every pane's number
			}
			named := map[string]bool{}
			for _, name := range strings.Split(b.Help().Key, "/") {
				named[name] = true
			}
			for _, k := range b.Keys() {
				name, ok := keyNames[k]
				if !ok {
					name = k
				}
				if !named[name] && !quietKeys[k] {
					t.Errorf("help says %q for %q, but %q does it too", b.Help().Key,
						b.Help().Desc, k)
				}
			}
		}
	}
}
