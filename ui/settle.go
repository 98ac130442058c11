package ui

import (
	"fmt"

	"github.com/charmbracelet/lipgloss"
)

// Settlement pane geometry: three strips (settled, conflicts, retries), each with
// its name and latest rate left of its sparkline.
const (
	strips    = 3
	stripName = 12
)

// settleLines is the settlement pane: two lines of totals, then one sparkline
// strip each for settled/s, conflicts/s and retries/s. Each strip has a scale of
// its own, its peak written beside it, so a quiet rate still shows its shape
// next to a storm of retries.
func (m Model) settleLines(w, h int) []string {
	s := m.snap
	lines := []string{
		joinFit(w, "time to settle p50 "+theme.value.Render(formatLatency(s.TimeToSettle.P50)),
			"p99 "+theme.value.Render(formatLatency(s.TimeToSettle.P99))),
		joinFit(w, "duplicates prevented "+formatCount(s.DuplicatesPrevented),
			"unsold "+formatCount(s.Unsold)),
	}
	if s.SettleErrors > 0 {
		errs := theme.bad.Render("errors " + formatCount(s.SettleErrors))
		lines[1] = joinFit(w, lines[1], errs)
	}
	stripH := max((h-len(lines))/strips, 1)
	sparkW := w - stripLabel - 1
	for _, st := range []struct {
		name  string
		now   float64
		vals  *series
		style lipgloss.Style
	}{
		{"settled/s", m.rates.Settled, m.hist.settled, theme.settled},
		{"conflicts/s", m.rates.Conflicts, m.hist.conflicts, theme.conflict},
		{"retries/s", m.rates.Retries, m.hist.retries, theme.retry},
	} {
		label := []string{
			st.style.Render(fmt.Sprintf("%-*s", stripName, st.name)) +
				fmt.Sprintf("%*s", stripLabel-stripName, formatRate(st.now)),
			theme.dim.Render(fmt.Sprintf("%*s", stripLabel,
				"peak "+formatRate(st.vals.peak()))),
		}
		var chart []string
		if sparkW >= minChartWidth {
			chart = sparkStrip(st.vals.values(), sparkW, stripH, st.style)
		}
		for row := range stripH {
			line := ""
			if row < len(label) {
				line = label[row]
			}
			if row < len(chart) {
				line = pad(line, stripLabel) + " " + chart[row]
			}
			lines = append(lines, line)
		}
	}
	return lines
}
