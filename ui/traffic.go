package ui

import (
	"fmt"
	"strings"
)

// Traffic pane columns, in cells.
const (
	regionNameWidth = 14
	trafficFixed    = 43 // the marker and every column but the bar, with their gaps
	minBarWidth     = 3
	barRune         = "█"
)

// trafficRow lays out one row of the pane's table, without marker or bar.
func trafficRow(name, dial, now, share, state string) string {
	return fmt.Sprintf("%-*s %6s %6s %5s  %-5s", regionNameWidth, fit(name, regionNameWidth),
		dial, now, share, state)
}

// trafficLines is the regional traffic pane: each region's dial, its measured
// rate and share of all bids, whether it is up, and a bar of that share.
func (m Model) trafficLines(width int) []string {
	if !m.hasSnap {
		return []string{theme.dim.Render("  waiting for the first snapshot…")}
	}
	barW := width - trafficFixed - 1
	head := "  " + trafficRow("region", "dial/s", "now/s", "share", "state")
	lines := []string{theme.label.Render(head)}

	var dialTotal, nowTotal float64
	for _, r := range m.snap.Regions {
		dialTotal += r.Rate
		nowTotal += m.rates.Region[r.Name]
	}
	for i, r := range m.snap.Regions {
		now, measured := m.rates.Region[r.Name]
		nowText, share := "-", formatShare(r.Rate, dialTotal)
		part, whole := r.Rate, dialTotal
		if measured {
			nowText, share = formatRate(now), formatShare(now, nowTotal)
			part, whole = now, nowTotal
		}
		row := trafficRow(r.Name, formatRate(r.Rate), nowText, share, upDown(r.Up))
		lines = append(lines, m.regionRow(i, row, bar(part, whole, barW), r.Up))
	}

	total := "  " + trafficRow("total", formatRate(dialTotal),
		m.measured(formatRate(nowTotal)), "", "")
	return append(lines, theme.label.Render(total))
}

// regionRow styles one region's row: a ">" marks the region the rate keys turn,
// and the row is highlighted too while the pane has the focus.
func (m Model) regionRow(i int, row, bar string, up bool) string {
	if i == m.region {
		text := "> " + row
		if m.focus == paneTraffic {
			text = theme.selected.Render(text)
		}
		return text + " " + theme.bids.Render(bar)
	}
	if !up {
		return "  " + theme.bad.Render(row) + " " + bar
	}
	return "  " + row + " " + theme.bids.Render(bar)
}

// measured shows text once there are rates to show, "-" before.
func (m Model) measured(text string) string {
	if m.rates.Region == nil {
		return "-"
	}
	return text
}

// bar is part/whole of width cells; empty when the pane is too narrow for bars.
func bar(part, whole float64, width int) string {
	if width < minBarWidth || whole <= 0 || part <= 0 {
		return ""
	}
	n := max(int(part/whole*float64(width)+0.5), 1)
	return strings.Repeat(barRune, min(n, width))
}
