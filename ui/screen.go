package ui

import (
	"fmt"
	"strings"

	"github.com/quantedge/qex/engine"
)

// paneTitles name the panes after the number key that focuses them.
var paneTitles = [paneCount]string{
	paneTraffic: "1 Regional traffic",
	paneIngest:  "2 Ingestion",
	paneSettle:  "3 Settlement & retries",
	paneDepth:   "4 Retry depth",
	paneLedger:  "5 Ledger",
}

// compose lays the screen out from the panes' current content and keeps it for
// View. Only the text panes are rebuilt here; the charts come from the cache.
func (m *Model) compose() {
	regions := len(m.snap.Regions)
	l, ok := planLayout(m.width, m.height, regions)
	if !ok {
		needW, needH := minSize(regions)
		m.screen = tooSmall(m.width, m.height, needW, needH)
		return
	}
	switch {
	case m.showHelp:
		m.screen = m.helpScreen(l)
		return
	case m.showLab:
		m.screen = m.labScreen(l)
		return
	}
	box := func(p pane, lines []string, w, h int) string {
		return frame(paneTitles[p], lines, w, h, m.focus == p)
	}
	traffic := box(paneTraffic, m.trafficLines(l.leftW-borderCells), l.leftW, l.trafficH)
	ingest := box(paneIngest, m.charts.ingest, l.rightW, l.trafficH)
	settle := box(paneSettle, m.charts.settle, l.leftW, l.settleH)
	depth := box(paneDepth, m.depthLines(l.rightW-borderCells, l.settleH-borderCells),
		l.rightW, l.settleH)
	ledger := box(paneLedger, m.ledgerLines(l.width-borderCells, l.ledgerH-borderCells),
		l.width, l.ledgerH)
	m.screen = strings.Join([]string{
		m.header(l.width),
		besides(traffic, ingest),
		besides(settle, depth),
		ledger,
		m.footer(l.width),
	}, "\n")
}

// helpScreen lists every key in place of the panes.
func (m Model) helpScreen(l layout) string {
	lines := []string{
		"QEX shows an ad exchange at work and turns its dials while it runs.",
		"",
	}
	lines = append(lines, strings.Split(m.help.FullHelpView(m.keys.FullHelp()), "\n")...)
	lines = append(lines,
		"",
		"The rate keys act on the region marked > in the traffic pane: each press",
		fmt.Sprintf("multiplies or divides its rate by %g, by at least %g bids/s.",
			rateStepFactor, minRateStep),
		"An outage (x) stops a region's bids without forgetting its rate.",
		"Workers (W) settle slots; contention (K) is how many of them race for each",
		"slot, so raising K makes conflicts and retries. b cycles the backoff between",
		"retries: "+strategyCycle()+".",
		"L opens the retry lab, which compares the backoff strategies as more and more",
		"clients race to write one record; r runs it again. The exchange runs on meanwhile.",
		"",
		theme.dim.Render("esc or ? closes this screen · q quits"),
	)
	return frame("Keys", indent(lines), l.width, l.height, true)
}

// strategyCycle lists the backoff strategies in the order b visits them.
func strategyCycle() string {
	labels := make([]string, len(engine.Strategies))
	for i, s := range engine.Strategies {
		labels[i] = s.Label()
	}
	return strings.Join(labels, " → ")
}

func indent(lines []string) []string {
	out := make([]string, len(lines))
	for i, line := range lines {
		out[i] = " " + line
	}
	return out
}
