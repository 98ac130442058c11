package ui

import (
	"fmt"
	"math"
	"strings"

	"github.com/NimbleMarkets/ntcharts/canvas/runes"
	"github.com/NimbleMarkets/ntcharts/linechart"
	"github.com/NimbleMarkets/ntcharts/linechart/streamlinechart"
	"github.com/NimbleMarkets/ntcharts/sparkline"
	"github.com/charmbracelet/lipgloss"

	"github.com/quantedge/qex/engine"
	"github.com/quantedge/qex/store"
)

// Chart limits: ntcharts panics on canvases smaller than it can lay out, so a
// chart that would be smaller than these is left out and only its numbers show.
const (
	minChartWidth  = 12
	minChartHeight = 3
	minChartTop    = 10.0 // the y-axis of an idle chart still reads 0 to 10
	stripLabel     = 20   // the cells left of each settlement sparkline
)

// chartCache holds the chart panes' bodies, drawn when a snapshot arrives or the
// window changes size: drawing costs far more than showing.
type chartCache struct {
	ingest, settle []string
	stale          bool // the size or the history changed while the panes were hidden
}

// drawCharts redraws the chart panes for the current size and history. While
// help or the lab covers the panes it only marks the charts stale: the history
// keeps the rates, so they are drawn when the panes show again.
func (m *Model) drawCharts() {
	if m.showHelp || m.showLab {
		m.charts.stale = true
		return
	}
	l := m.layout
	if !m.fits || !m.hasSnap {
		m.charts = chartCache{}
		return
	}
	m.charts = chartCache{
		ingest: m.ingestLines(l.rightW-borderCells, l.trafficH-borderCells),
		settle: m.settleLines(l.leftW-borderCells, l.settleH-borderCells),
	}
}

// ingestLines is the ingestion pane: bids per second over time under a line of
// the latest rates and the batch write latency.
func (m Model) ingestLines(w, h int) []string {
	s := m.snap
	parts := []string{
		"bids/s " + theme.value.Render(formatRate(m.rates.Bids)),
		"batch p50 " + formatLatency(s.BatchLatency.P50) + " p99 " +
			formatLatency(s.BatchLatency.P99),
	}
	if s.IngestErrors > 0 {
		parts = append(parts, theme.bad.Render("errors "+formatCount(s.IngestErrors)))
	}
	parts = append(parts, "ingested/s "+formatRate(m.rates.Ingested),
		"batches "+formatCount(s.Batches))
	lines := []string{joinFit(w, parts...)}
	if s.BidStore != nil {
		lines = append(lines, joinFit(w, backendPushback(*s.BidStore)),
			joinFit(w, hottestSlot(s.HottestSlot)))
	}
	chartH := h - len(lines)
	if w < minChartWidth || chartH < minChartHeight {
		return lines
	}
	chart := lineChart(m.hist.bids, w, chartH, theme.bids)
	return append(lines, strings.Split(chart, "\n")...)
}

// partitionWriteLimit is about what one DynamoDB partition takes, in writes per
// second; each slot is a partition.
const partitionWriteLimit = 1000.0

// backendPushback is how often the bid store's backend made writes wait.
func backendPushback(st store.BidStats) string {
	text := st.Backend + ": resent " + formatCount(st.UnprocessedResent) + " · throttled " +
		formatCount(st.Throttled)
	if st.Throttled > 0 || st.UnprocessedResent > 0 {
		return theme.warn.Render(text)
	}
	return text
}

// hottestSlot compares the hottest slot's write rate with a partition's limit.
func hottestSlot(h engine.HotSlot) string {
	if h.SlotID == "" {
		return "hottest slot: none closed yet"
	}
	text := fmt.Sprintf("hottest %s: %s writes/s, partition limit %s", h.SlotID,
		formatRate(h.WritesPerSec), formatRate(partitionWriteLimit))
	switch {
	case h.WritesPerSec >= partitionWriteLimit:
		return theme.bad.Render("HOT " + text)
	case h.WritesPerSec >= partitionWriteLimit/2:
		return theme.warn.Render(text)
	}
	return text
}

// lineChart draws s as a line from the right edge leftwards, on a y-axis from 0
// to a round number at or above its peak.
func lineChart(s *series, w, h int, style lipgloss.Style) string {
	values := s.values()
	top := niceCeil(max(s.peak(), minChartTop))
	label := func(i int, _ float64) string {
		if i == 0 {
			return "0"
		}
		return formatSI(top)
	}
	// The stream chart's top row sits one step below its range's maximum, so the
	// range is stretched by a row to put top on the top row.
	rangeTop := top * float64(h) / float64(h-1)
	lc := linechart.New(w, h, 0, 1, 0, rangeTop,
		linechart.WithXYSteps(0, h-1),
		linechart.WithYLabelFormatter(label),
		linechart.WithStyles(theme.dim, theme.dim, style))
	c := streamlinechart.New(w, h, streamlinechart.WithLineChart(&lc),
		streamlinechart.WithStyles(runes.ArcLineStyle, style))
	for _, v := range values {
		c.Push(v)
	}
	if len(values) == 0 {
		c.DrawXYAxisAndLabel()
	} else {
		c.DrawAll()
	}
	return c.View()
}

// niceSteps are the round numbers, times a power of ten, an axis may end at:
// fine enough that a line fills most of its chart's height.
var niceSteps = []float64{1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8}

// niceCeil is the smallest of niceSteps times a power of ten that is at least v.
func niceCeil(v float64) float64 {
	if v <= 0 {
		return 1
	}
	base := math.Pow(10, math.Floor(math.Log10(v)))
	for _, f := range niceSteps {
		if f*base >= v {
			return f * base
		}
	}
	return 10 * base
}

// sparkStrip draws values as columns, scaled to their own peak.
func sparkStrip(values []float64, w, h int, style lipgloss.Style) []string {
	s := sparkline.New(w, h, sparkline.WithStyle(style))
	s.PushAll(values)
	s.Draw()
	return strings.Split(s.View(), "\n")
}
