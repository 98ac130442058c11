package ui

import (
	"context"
	"errors"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/quantedge/qex/engine"
)

// labStep is one message to the console, made from its state at the time:
// the lab's messages name the sweep they come from.
type labStep func(Model) tea.Msg

func typed(k string) labStep { return func(Model) tea.Msg { return press(k) } }

func progressed(done, total int) labStep {
	return func(m Model) tea.Msg {
		return labProgressMsg{sweep: m.lab.sweep, done: done, total: total}
	}
}

func finished(err error) labStep {
	return func(m Model) tea.Msg {
		return labDoneMsg{sweep: m.lab.sweep, result: labFixture(), err: err}
	}
}

func snapshot(n int) labStep {
	return func(Model) tea.Msg { return snapshotMsg{snap: fixture(n)} }
}

func TestLabKeys(t *testing.T) {
	tests := []struct {
		name  string
		noLab bool
		steps []labStep
		check func(t *testing.T, m Model, last tea.Cmd)
	}{
		{"L without a lab only says so", true, []labStep{typed("L")},
			func(t *testing.T, m Model, last tea.Cmd) {
				if last != nil || m.showLab || m.lab.started() {
					t.Errorf("command %t, shown %t, started %t", last != nil, m.showLab,
						m.lab.started())
				}
				if !strings.Contains(m.View(), "retry lab is not available") {
					t.Error("no note that the lab is not available")
				}
			}},
		{"L opens the lab and starts a sweep", false, []labStep{typed("L")},
			func(t *testing.T, m Model, last tea.Cmd) {
				if last == nil || !m.showLab || m.lab.sweep == nil {
					t.Errorf("command %t, shown %t, sweep %p", last != nil, m.showLab,
						m.lab.sweep)
				}
				if !strings.Contains(m.View(), "starting…") {
					t.Error("no sign on the screen that the sweep starts")
				}
			}},
		{"progress moves the bar", false, []labStep{typed("L"), progressed(900, 4500)},
			func(t *testing.T, m Model, last tea.Cmd) {
				if m.lab.done != 900 || m.lab.total != 4500 || last == nil {
					t.Errorf("progress %d of %d, waits on %t", m.lab.done, m.lab.total,
						last != nil)
				}
				if !strings.Contains(m.View(), "20% (900 of 4,500 runs)") {
					t.Error("the progress is not on the screen")
				}
			}},
		{"late progress does not go back", false,
			[]labStep{typed("L"), progressed(900, 4500), progressed(850, 4500)},
			labProgressIs(900)},
		{"the outcome ends the sweep", false,
			[]labStep{typed("L"), progressed(900, 4500), finished(nil)},
			func(t *testing.T, m Model, last tea.Cmd) {
				if m.lab.sweep != nil || !m.lab.finished || len(m.lab.body) == 0 || last != nil {
					t.Errorf("running %t, finished %t, body %d lines, waits on %t",
						m.lab.sweep != nil, m.lab.finished, len(m.lab.body), last != nil)
				}
			}},
		{"a failure is shown", false, []labStep{typed("L"), finished(errors.New("no ledger"))},
			func(t *testing.T, m Model, _ tea.Cmd) {
				if !strings.Contains(m.View(), "the sweep failed: no ledger") {
					t.Error("the failure is not on the screen")
				}
			}},
		{"r while running starts nothing", false, []labStep{typed("L"), typed("r")},
			func(t *testing.T, m Model, last tea.Cmd) {
				if last != nil || m.lab.sweep == nil {
					t.Errorf("second command %t, sweep %p", last != nil, m.lab.sweep)
				}
				if !strings.Contains(m.note, "still running") {
					t.Errorf("note %q", m.note)
				}
			}},
		{"r after the outcome runs again", false, []labStep{typed("L"), finished(nil), typed("r")},
			func(t *testing.T, m Model, last tea.Cmd) {
				if last == nil || m.lab.sweep == nil || m.lab.finished {
					t.Errorf("command %t, sweep %p, finished %t", last != nil, m.lab.sweep,
						m.lab.finished)
				}
			}},
		{"esc closes the lab", false, []labStep{typed("L"), typed("esc")}, labShown(false)},
		{"L closes the lab", false, []labStep{typed("L"), typed("L")}, labShown(false)},
		{"reopening does not start again", false, []labStep{typed("L"), typed("L"), typed("L")},
			func(t *testing.T, m Model, last tea.Cmd) {
				if last != nil || !m.showLab {
					t.Errorf("command %t, shown %t", last != nil, m.showLab)
				}
			}},
		{"a burst that opens the lab starts it", false, []labStep{typed("LW")},
			func(t *testing.T, m Model, last tea.Cmd) {
				if last == nil || !m.showLab || m.lab.sweep == nil {
					t.Errorf("command %t, shown %t, sweep %p", last != nil, m.showLab,
						m.lab.sweep)
				}
			}},
		{"the lab swallows dials", false,
			[]labStep{typed("L"), typed("+"), typed("W"), typed(" "), typed("b"), typed("tab"),
				typed("x")},
			func(t *testing.T, m Model, _ tea.Cmd) {
				if !m.showLab || m.focus != paneTraffic {
					t.Errorf("shown %t, focus %d", m.showLab, m.focus)
				}
			}},
		{"snapshots go on behind the lab", false,
			[]labStep{typed("L"), snapshot(2), progressed(10, 20), snapshot(3), typed("esc")},
			func(t *testing.T, m Model, _ tea.Cmd) {
				want := fixture(3)
				if m.snap.Bids != want.Bids || m.rates.Bids == 0 {
					t.Errorf("bids %d, rate %g; want the latest snapshot's %d", m.snap.Bids,
						m.rates.Bids, want.Bids)
				}
				if !strings.Contains(m.View(), "bids "+formatCount(want.Bids)) {
					t.Error("the panes do not show the latest snapshot")
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ex := &fakeExchange{}
			m := fed(ex, 120, 40, 1)
			lab := newFakeLab(1)
			if !tt.noLab {
				m.opts.Lab = lab.run
			}
			var last tea.Cmd
			for _, step := range tt.steps {
				next, cmd := m.Update(step(m))
				m, last = next.(Model), cmd
			}
			if len(ex.calls) != 0 {
				t.Errorf("the exchange was called: %q", ex.calls)
			}
			tt.check(t, m, last)
		})
	}
}

func labProgressIs(done int) func(*testing.T, Model, tea.Cmd) {
	return func(t *testing.T, m Model, _ tea.Cmd) {
		t.Helper()
		if m.lab.done != done {
			t.Errorf("progress %d, want %d", m.lab.done, done)
		}
	}
}

func labShown(want bool) func(*testing.T, Model, tea.Cmd) {
	return func(t *testing.T, m Model, _ tea.Cmd) {
		t.Helper()
		if m.showLab != want {
			t.Errorf("lab shown %t, want %t", m.showLab, want)
		}
		if got := strings.Contains(m.View(), "Retry lab"); got != want {
			t.Errorf("lab on screen %t, want %t", got, want)
		}
	}
}

// TestLabCommandRunsLab: the command L returns is what calls the lab.
func TestLabCommandRunsLab(t *testing.T) {
	lab := newFakeLab(1)
	lab.block = true
	next, cmd := withLab(lab.run).Update(press("L"))
	m := next.(Model)
	defer m.stopLab()
	select {
	case <-lab.called:
		t.Fatal("the lab ran before its command")
	default:
	}
	for _, c := range cmd().(tea.BatchMsg) {
		go c()
	}
	await(t, lab.called, "call to the lab")
}

func TestLabRunsInBackground(t *testing.T) {
	lab := newFakeLab(3)
	m := withLab(lab.run)
	next, cmd := m.Update(press("L"))
	m = next.(Model)
	if cmd == nil || !m.showLab {
		t.Fatalf("L gave no command (shown %t)", m.showLab)
	}
	m, seen := runCmds(t, m, cmd, lab)
	if len(seen) == 0 || seen[len(seen)-1].done != 3 {
		t.Errorf("progress seen %+v, want it to reach 3 of 3", seen)
	}
	if !m.lab.finished || m.lab.sweep != nil || m.lab.err != nil {
		t.Fatalf("lab state %+v after its outcome", m.lab)
	}
	view := m.View()
	for _, want := range []string{"mean attempts", "X exponential", "5,178", "r runs the sweep"} {
		if !strings.Contains(view, want) {
			t.Errorf("no %q on the lab screen:\n%s", want, view)
		}
	}
}

func TestLabGolden(t *testing.T) {
	lab := newFakeLab(1)
	running := update(withLab(lab.run), press("L"))
	running = update(running, labProgressMsg{sweep: running.lab.sweep, done: 2025, total: 4500})
	done := update(running, labDoneMsg{sweep: running.lab.sweep, result: labFixture()})
	for name, m := range map[string]Model{"running": running, "done": done} {
		t.Run(name, func(t *testing.T) {
			golden.RequireEqual(t, m.View())
		})
	}
}

// TestLabPanicIsOutcome: a lab that panics fails the sweep, not the console.
func TestLabPanicIsOutcome(t *testing.T) {
	m := withLab(func(context.Context, func(int, int)) (engine.LabResult, error) {
		panic("out of cheese")
	})
	next, cmd := m.Update(press("L"))
	m = next.(Model)
	for _, c := range cmd().(tea.BatchMsg) {
		if msg, ok := c().(labDoneMsg); ok {
			m = update(m, msg)
		}
	}
	if !strings.Contains(m.View(), "the sweep failed: the lab panicked: out of cheese") {
		t.Errorf("the panic is not on the screen:\n%s", m.View())
	}
}

// TestLabQuitCancels: quitting mid-sweep ends the sweep's goroutine.
func TestLabQuitCancels(t *testing.T) {
	lab := newFakeLab(1)
	lab.block = true
	m := withLab(lab.run)
	next, cmd := m.Update(press("L"))
	m = next.(Model)
	msgs := make(chan tea.Msg, 2)
	for _, c := range cmd().(tea.BatchMsg) {
		go func() { msgs <- c() }()
	}
	await(t, lab.called, "call to the lab")
	if _, cmd := m.Update(press("q")); cmd == nil {
		t.Fatal("q gave no command")
	}
	if done := awaitOutcome(t, msgs); !errors.Is(done.err, context.Canceled) {
		t.Errorf("the sweep ended with %v, want it cancelled", done.err)
	}
}

// TestLabStopsWithContext: the sweep ends with the console's context, though
// no key was pressed.
func TestLabStopsWithContext(t *testing.T) {
	lab := newFakeLab(1)
	lab.block = true
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	m := withLab(lab.run)
	m.opts.Context = ctx
	next, cmd := m.Update(press("L"))
	m = next.(Model)
	defer m.stopLab()
	msgs := make(chan tea.Msg, 2)
	for _, c := range cmd().(tea.BatchMsg) {
		go func() { msgs <- c() }()
	}
	await(t, lab.called, "call to the lab")
	cancel()
	if done := awaitOutcome(t, msgs); !errors.Is(done.err, context.Canceled) {
		t.Errorf("the sweep ended with %v, want it cancelled", done.err)
	}
}

func TestLabProgressBar(t *testing.T) {
	tests := []struct {
		done, total, w int
		want           string
	}{
		{2025, 4500, 80, "[==================                      ] 45% (2,025 of 4,500 runs)"},
		{0, 0, 80, "[                                        ] starting…"},
		{4500, 4500, 40, "[===========] 100% (4,500 of 4,500 runs)"},
		{1, 4, 10, "25% (1 of 4 runs)"},
	}
	for _, tt := range tests {
		if got := progressBar(tt.done, tt.total, tt.w); got != tt.want {
			t.Errorf("progressBar(%d, %d, %d) = %q, want %q", tt.done, tt.total, tt.w, got,
				tt.want)
		}
	}
}
