package ui

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/quantedge/qex/engine"
)

// TestEverySize renders at many sizes, odd ones included, with and without
// data, help and the lab: nothing may panic, and nothing may spill off the
// screen.
func TestEverySize(t *testing.T) {
	type size struct{ w, h int }
	sizes := []size{{0, 0}, {1, 1}, {0, 40}, {120, 0}, {2, 2}, {79, 23}, {80, 23}, {79, 24},
		{80, 24}, {81, 25}, {121, 41}, {300, 100}}
	for w := 0; w <= 200; w += 7 {
		for h := 0; h <= 60; h += 5 {
			sizes = append(sizes, size{w, h})
		}
	}
	ex := &fakeExchange{}
	lab := update(withLab(newFakeLab(1).run), press("L"))
	models := map[string]Model{
		"fresh":       New(ex, Options{}),
		"fed":         fed(ex, 120, 40, 30),
		"help":        update(fed(ex, 120, 40, 30), press("?")),
		"lab running": update(lab, labProgressMsg{sweep: lab.lab.sweep, done: 7, total: 45}),
		"lab done":    update(lab, labDoneMsg{sweep: lab.lab.sweep, result: labFixture()}),
		"lab failed": update(lab, labDoneMsg{sweep: lab.lab.sweep,
			err: errors.New("the ledger refused the connection")}),
	}
	for name, base := range models {
		for _, s := range sizes {
			m := update(base, tea.WindowSizeMsg{Width: s.w, Height: s.h})
			view := m.View()
			if s.w == 0 || s.h == 0 {
				continue
			}
			lines := strings.Split(view, "\n")
			if len(lines) > s.h {
				t.Errorf("%s at %dx%d: %d lines", name, s.w, s.h, len(lines))
			}
			for i, line := range lines {
				if w := ansi.StringWidth(line); w > s.w {
					t.Errorf("%s at %dx%d: line %d is %d cells wide", name, s.w, s.h, i, w)
					break
				}
			}
		}
	}
}

func TestFullSizeFillsScreen(t *testing.T) {
	for _, s := range []struct{ w, h int }{{80, 24}, {100, 30}, {120, 40}, {200, 60}} {
		t.Run(fmt.Sprintf("%dx%d", s.w, s.h), func(t *testing.T) {
			view := fed(&fakeExchange{}, s.w, s.h, 5).View()
			lines := strings.Split(view, "\n")
			if len(lines) != s.h {
				t.Errorf("%d lines, want %d", len(lines), s.h)
			}
			for _, title := range paneTitles {
				if !strings.Contains(view, title) {
					t.Errorf("pane %q missing", title)
				}
			}
		})
	}
}

// TestManyRegions: a tall traffic band still leaves every pane its minimum.
func TestManyRegions(t *testing.T) {
	for regions := range 16 {
		needW, needH := minSize(regions)
		for h := needH; h < needH+20; h++ {
			l, ok := planLayout(needW, h, regions)
			if !ok || l.trafficH < regions+trafficChrome || l.settleH < minSettleHeight ||
				l.ledgerH < minLedgerHeight {
				t.Fatalf("%d regions at %dx%d: %+v (fits %t)", regions, needW, h, l, ok)
			}
			if sum := headerLines + l.trafficH + l.settleH + l.ledgerH + footerLines; sum != h {
				t.Fatalf("%d regions at %dx%d: bands take %d lines", regions, needW, h, sum)
			}
		}
	}
}

// TestRegionsChangeLayout: a snapshot with more regions than the screen holds
// shows the too-small screen until the regions fit again.
func TestRegionsChangeLayout(t *testing.T) {
	m := fed(&fakeExchange{}, 80, 24, 3)
	many := fixture(4)
	for i := range 12 {
		many.Regions = append(many.Regions, engine.RegionSnapshot{Name: fmt.Sprintf("r-%d", i)})
	}
	m = update(m, snapshotMsg{snap: many})
	if !strings.Contains(m.View(), "terminal too small: need at least 80x") {
		t.Errorf("16 regions at 80x24, yet no too-small screen:\n%s", m.View())
	}
	m = update(m, snapshotMsg{snap: fixture(5)})
	if view := m.View(); !strings.Contains(view, paneTitles[paneLedger]) ||
		len(m.charts.ingest) == 0 {
		t.Errorf("the panes did not come back with 4 regions:\n%s", view)
	}
}
