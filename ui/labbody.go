package ui

import (
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/quantedge/qex/engine"
)

// Lab body geometry. The two charts sit side by side when each gets
// labSideChartWidth cells, one above the other otherwise; a chart needs
// labMinChartBlock lines with its title, or the tables show alone.
const (
	labSideChartWidth = 36
	labChartGap       = 2
	labMinChartBlock  = 7
	labTableGap       = 2
)

// labBody is the finished lab in w×h cells: the legend, the two charts, and
// under them the mean attempts, then the mean completion times if the charts
// keep their room. The attempts table goes in first, charts or not: it makes
// the numbers readable in plain text whatever the size.
func labBody(res engine.LabResult, w, h int) []string {
	if len(res.Points) == 0 {
		return []string{"the sweep measured nothing"}
	}
	lines := append(labLegend(res.Config.Strategies, w), "")
	room := h - len(lines)
	side := w >= 2*labSideChartWidth+labChartGap
	block := func(used int) int {
		if side {
			return room - used
		}
		return (room - used) / 2
	}
	tables := [][]string{labTable(res, "mean attempts", attemptsCell, w)}
	used := len(tables[0]) + 1
	more := labTable(res, "mean completion", completionCell, w)
	if block(used+len(more)+1) >= labMinChartBlock {
		tables = append(tables, more)
		used += len(more) + 1
	}
	if rows := block(used); rows >= labMinChartBlock {
		lines = append(lines, labCharts(res, w, rows, side)...)
	}
	for _, t := range tables {
		lines = append(lines, "")
		lines = append(lines, t...)
	}
	return lines
}

// labCharts draws mean attempts and mean completion against clients, side by
// side or stacked, each chart rows lines high with its title.
func labCharts(res engine.LabResult, w, rows int, side bool) []string {
	cw := w
	if side {
		cw = (w - labChartGap) / 2
	}
	chart, log := labChart(res, func(p engine.LabPoint) float64 { return p.MeanAttempts },
		attemptsAxis, cw, rows-1)
	attempts := labChartBlock("mean attempts (all clients' writes)", cw, chart, log)
	chart, log = labChart(res, func(p engine.LabPoint) float64 {
		return p.MeanCompletion.Seconds()
	}, secondsAxis, cw, rows-1)
	completion := labChartBlock("mean completion time", cw, chart, log)
	if len(attempts) != rows || len(completion) != rows {
		return nil // too small to draw after all: the tables say it
	}
	if !side {
		return append(attempts, completion...)
	}
	for i := range attempts {
		attempts[i] = pad(attempts[i], cw+labChartGap) + completion[i]
	}
	return attempts
}

// labChartBlock puts a title over a chart, each line w cells wide, and says
// when the chart's y-axis is logarithmic.
func labChartBlock(title string, w int, chart []string, log bool) []string {
	if log {
		title += " (log scale)"
	}
	block := []string{pad(theme.title.Render(title), w)}
	for _, line := range chart {
		block = append(block, pad(line, w))
	}
	return block
}

// labLegend names each strategy after the letter that marks its points, in
// as many lines as w needs.
func labLegend(strategies []engine.Strategy, w int) []string {
	var lines []string
	line := ""
	for i, s := range strategies {
		item := labStyle(s).Render(string(labMark(s, i)) + " " + s.Label())
		switch {
		case line == "":
			line = item
		case ansi.StringWidth(line+statSep+item) <= w:
			line += statSep + item
		default:
			lines = append(lines, fit(line, w))
			line = item
		}
	}
	return append(lines, fit(line, w))
}

// labTable is one figure of every point: a row per strategy, a column per
// client count. Figures come in full when the table fits in w, compact if not.
func labTable(res engine.LabResult, title string, cell func(engine.LabPoint, bool) string,
	w int) []string {
	table := labTableAt(res, title, cell, false)
	if ansi.StringWidth(table[0]) > w {
		table = labTableAt(res, title, cell, true)
	}
	for i := range table {
		table[i] = fit(table[i], w)
	}
	return table
}

// labTableAt is labTable with full or compact figures.
func labTableAt(res engine.LabResult, title string, cell func(engine.LabPoint, bool) string,
	compact bool) []string {
	cfg := res.Config
	cells := make([][]string, len(cfg.Strategies)+1)
	cells[0] = []string{title}
	for _, n := range cfg.Clients {
		cells[0] = append(cells[0], formatCount(uint64(n)))
	}
	for i, s := range cfg.Strategies {
		row := []string{labStyle(s).Render(string(labMark(s, i)) + " " + string(s))}
		for _, n := range cfg.Clients {
			p, ok := res.Point(s, n)
			text := "-"
			if ok {
				text = cell(p, compact)
			}
			row = append(row, text)
		}
		cells[i+1] = row
	}
	return alignTable(cells)
}

// alignTable lines cells up: the first column to the left, the others to the
// right, labTableGap cells apart.
func alignTable(cells [][]string) []string {
	widths := make([]int, len(cells[0]))
	for _, row := range cells {
		for j, c := range row {
			widths[j] = max(widths[j], ansi.StringWidth(c))
		}
	}
	lines := make([]string, len(cells))
	for i, row := range cells {
		var b strings.Builder
		b.WriteString(pad(row[0], widths[0]))
		for j, c := range row[1:] {
			gap := labTableGap + widths[j+1] - ansi.StringWidth(c)
			b.WriteString(strings.Repeat(" ", gap) + c)
		}
		lines[i] = b.String()
	}
	return lines
}

// attemptsCell is a point's mean attempts, whole or with a k.
func attemptsCell(p engine.LabPoint, compact bool) string {
	if compact {
		return formatSI(p.MeanAttempts)
	}
	return formatCount(uint64(p.MeanAttempts + 0.5))
}

// completionCell is a point's mean completion time, short enough either way.
func completionCell(p engine.LabPoint, _ bool) string {
	return formatLatency(p.MeanCompletion)
}
