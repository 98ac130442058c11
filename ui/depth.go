package ui

import (
	"fmt"
	"strconv"
)

// Retry-depth rows: the try's label, its bar, its count and its share.
const (
	depthLabel = 4
	depthCount = 9
	depthShare = 5
	depthFixed = depthLabel + depthCount + depthShare + 2 // two gaps around the bar
)

// depthLines is the retry-depth histogram: how many attempts were made as the
// first try of a racer, the second, and so on, since the run began. A long tail
// is a retry storm; when the rows run out the last one gathers every deeper try.
func (m Model) depthLines(w, h int) []string {
	depth := m.snap.AttemptDepth
	var total uint64
	for _, n := range depth[min(1, len(depth)):] {
		total += n
	}
	if total == 0 {
		return []string{theme.dim.Render("no settlement attempts yet")}
	}
	s := m.snap
	lines := []string{joinFit(w,
		"attempts by try "+theme.value.Render(formatCount(s.Attempts)),
		"retries "+formatCount(s.Retries),
		"abandoned "+formatCount(s.Abandoned),
		"requeued "+formatCount(s.Requeued))}

	rows := depthRows(depth[1:], max(h-1, 1))
	var top uint64
	for _, r := range rows {
		top = max(top, r.count)
	}
	barW := w - depthFixed
	for i, r := range rows {
		style := theme.retry
		if i == 0 {
			style = theme.settled
		}
		row := fmt.Sprintf("%*s ", depthLabel, r.label) +
			style.Render(pad(bar(float64(r.count), float64(top), barW), max(barW, 0))) +
			fmt.Sprintf(" %*s%*s", depthCount, formatCount(r.count), depthShare,
				formatShare(float64(r.count), float64(total)))
		lines = append(lines, row)
	}
	return lines
}

// depthRow is one bar of the histogram.
type depthRow struct {
	label string
	count uint64
}

// depthRows turns counts by try (the first try first) into at most limit rows,
// the last of which gathers the deepest tries when they do not all fit.
func depthRows(byTry []uint64, limit int) []depthRow {
	rows := make([]depthRow, 0, min(len(byTry), limit))
	for i, n := range byTry {
		try := i + 1
		if len(rows) == limit-1 && len(byTry) > limit {
			rest := uint64(0)
			for _, deeper := range byTry[i:] {
				rest += deeper
			}
			return append(rows, depthRow{label: strconv.Itoa(try) + "+", count: rest})
		}
		rows = append(rows, depthRow{label: "#" + strconv.Itoa(try), count: n})
	}
	return rows
}
