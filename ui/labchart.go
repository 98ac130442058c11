package ui

import (
	"math"
	"strconv"
	"strings"

	"github.com/NimbleMarkets/ntcharts/canvas"
	"github.com/NimbleMarkets/ntcharts/canvas/graph"
	"github.com/NimbleMarkets/ntcharts/linechart"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/quantedge/qex/engine"
)

// Lab chart geometry and scale.
const (
	xAxisRows        = 2 // the x-axis and its labels, under the plot
	brailleCellW     = 2 // braille dots across one cell
	brailleCellH     = 4 // braille dots down one cell
	labQuarterRows   = 12
	labLogSpread     = 10.0 // strategies this far apart put the y-axis on a log scale
	labFigureDigits  = 3
	labWholeSeconds  = 1000 // from here three figures would need an exponent
	labLabelFraction = 4    // a tall linear axis is labelled at each quarter
	markDigits       = 9    // the digits 1 to 9 mark strategies that have no letter
)

// labLook is how a strategy shows in the lab: the letter that marks it and the
// colour of its line, the same on both charts.
type labLook struct {
	mark  rune
	style lipgloss.Style
}

// labLooks tell the strategies apart with colour and without: every point of a
// strategy's line carries its letter, and the legend and tables repeat it.
var labLooks = map[engine.Strategy]labLook{
	engine.StrategyExponential:  {'X', theme.conflict},
	engine.StrategyFullJitter:   {'F', theme.settled},
	engine.StrategyEqualJitter:  {'E', theme.bids},
	engine.StrategyDecorrelated: {'D', theme.retry},
	engine.StrategyNone:         {'N', theme.focusTitle},
}

// labMark is the letter of the i-th strategy compared; a strategy without one
// is marked by its place.
func labMark(s engine.Strategy, i int) rune {
	if look, ok := labLooks[s]; ok {
		return look.mark
	}
	return rune('1' + i%markDigits)
}

// labStyle is the colour of a strategy's line.
func labStyle(s engine.Strategy) lipgloss.Style {
	if look, ok := labLooks[s]; ok {
		return look.style
	}
	return theme.focusTitle
}

// labAxis is a chart's y-axis. It is linear from zero unless the strategies
// are so far apart that a linear axis would flatten all but the slowest
// against the bottom; then it is logarithmic.
type labAxis struct {
	lo, hi float64 // the axis' ends in chart units: the value, or its log10
	log    bool
	label  func(float64) string
}

// pos is a value's height in chart units.
func (a labAxis) pos(v float64) float64 {
	if a.log {
		return math.Log10(v)
	}
	return v
}

// ticks are the values labelled on the axis, the top first.
func (a labAxis) ticks(rows int) []float64 {
	top := a.hi
	if a.log {
		top = math.Pow(10, a.hi)
		ticks := []float64{top}
		for k := math.Ceil(a.lo); k <= a.hi; k++ {
			ticks = append(ticks, math.Pow(10, k))
		}
		return ticks
	}
	parts := 2
	if rows >= labQuarterRows {
		parts = labLabelFraction
	}
	ticks := make([]float64, 0, parts+1)
	for i := parts; i >= 0; i-- {
		ticks = append(ticks, top*float64(i)/float64(parts))
	}
	return ticks
}

// newLabAxis fits an axis to one series per strategy, a value per client count.
func newLabAxis(series [][]float64, label func(float64) string) labAxis {
	peak, floor, spread := 0.0, math.Inf(1), 1.0
	for j := range series[0] {
		lo, hi := math.Inf(1), 0.0
		for _, s := range series {
			lo, hi = min(lo, s[j]), max(hi, s[j])
		}
		if lo > 0 {
			spread = max(spread, hi/lo)
		}
		peak, floor = max(peak, hi), min(floor, lo)
	}
	top := niceCeil(peak)
	if spread <= labLogSpread || floor <= 0 {
		return labAxis{lo: 0, hi: top, label: label}
	}
	return labAxis{lo: math.Floor(math.Log10(floor)), hi: math.Log10(top), log: true,
		label: label}
}

// labChart draws one figure of every point against the client count: a line
// per strategy, its points marked with the strategy's letter. It reports
// whether the y-axis is logarithmic.
func labChart(res engine.LabResult, value func(engine.LabPoint) float64,
	label func(float64) string, w, h int) ([]string, bool) {
	cfg := res.Config
	if h < minChartHeight+xAxisRows || w < minChartWidth || len(cfg.Clients) == 0 ||
		len(cfg.Strategies) == 0 {
		return nil, false
	}
	series := make([][]float64, len(cfg.Strategies))
	for i, s := range cfg.Strategies {
		for _, n := range cfg.Clients {
			p, _ := res.Point(s, n)
			series[i] = append(series[i], value(p))
		}
	}
	ax := newLabAxis(series, label)
	minX, maxX := float64(cfg.Clients[0]), float64(cfg.Clients[len(cfg.Clients)-1])
	if maxX <= minX {
		maxX = minX + 1 // one client count: a chart of one column of points
	}
	yLabels := ax.rowLabels(h-xAxisRows, minX, maxX)
	lc := linechart.New(w, h, minX, maxX, ax.lo, ax.hi,
		linechart.WithXYSteps(1, 1),
		linechart.WithYLabelFormatter(func(i int, _ float64) string { return yLabels[i] }),
		linechart.WithStyles(theme.dim, theme.dim, theme.dim))
	if lc.GraphWidth() < brailleCellW || lc.GraphHeight() < minChartHeight {
		return nil, false
	}
	grid := graph.NewBrailleGrid(lc.GraphWidth(), lc.GraphHeight(), minX, maxX, ax.lo, ax.hi)
	xLabels := clientLabels(cfg.Clients, grid, lc.GraphWidth(), ax.lo)
	lc.XLabelFormatter = func(i int, _ float64) string { return xLabels[i] }
	lc.DrawXYAxisAndLabel()
	point := func(j int, v float64) canvas.Float64Point {
		return canvas.Float64Point{X: float64(cfg.Clients[j]), Y: ax.pos(v)}
	}
	for i, s := range cfg.Strategies {
		for j := 1; j < len(series[i]); j++ {
			lc.DrawBrailleLineWithStyle(point(j-1, series[i][j-1]), point(j, series[i][j]),
				labStyle(s))
		}
	}
	// Marks go on last: a braille line drawn over a letter would garble it.
	for i, s := range cfg.Strategies {
		for j, v := range series[i] {
			gp := grid.GridPoint(point(j, v))
			cell := canvas.Point{X: lc.Origin().X + 1 + gp.X/brailleCellW, Y: gp.Y / brailleCellH}
			lc.Canvas.SetCell(cell, canvas.NewCellWithStyle(labMark(s, i), labStyle(s)))
		}
	}
	return strings.Split(lc.View(), "\n"), ax.log
}

// rowLabels puts each tick's label on the row its value is drawn at, counted
// up from the x-axis as the chart's label formatter counts.
func (a labAxis) rowLabels(rows int, minX, maxX float64) map[int]string {
	grid := graph.NewBrailleGrid(1, rows, minX, maxX, a.lo, a.hi)
	labels := make(map[int]string)
	for _, v := range a.ticks(rows) {
		gp := grid.GridPoint(canvas.Float64Point{X: minX, Y: a.pos(v)})
		i := rows - gp.Y/brailleCellH
		if _, taken := labels[i]; !taken {
			labels[i] = a.label(v)
		}
	}
	return labels
}

// clientLabels centres each client count under its points, keeping it inside
// the x-axis; the chart leaves out a label that would touch the one before.
func clientLabels(clients []int, grid *graph.BrailleGrid, graphW int, y float64) map[int]string {
	labels := make(map[int]string)
	for _, n := range clients {
		text := strconv.Itoa(n)
		gp := grid.GridPoint(canvas.Float64Point{X: float64(n), Y: y})
		at := 1 + gp.X/brailleCellW - ansi.StringWidth(text)/2
		at = max(min(at, graphW+1-len(text)), 0)
		if _, taken := labels[at]; !taken {
			labels[at] = text
		}
	}
	return labels
}

// attemptsAxis labels a count of attempts: 0, 2.5k, 10k.
func attemptsAxis(v float64) string { return formatSI(v) }

// secondsAxis labels a time in seconds to three figures: 0.1s, 2.5s, 120s.
func secondsAxis(v float64) string {
	if v >= labWholeSeconds {
		return strconv.FormatFloat(v, 'f', 0, 64) + "s"
	}
	return strconv.FormatFloat(v, 'g', labFigureDigits, 64) + "s"
}
