package ui

import "strings"

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
	if !m.fits {
		needW, needH := minSize(len(m.snap.Regions))
		m.screen = tooSmall(m.width, m.height, needW, needH)
		return
	}
	l := m.layout
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

// textIndent is the cells indent puts before every line of a screen of text,
// the help or the lab, inside its frame.
const textIndent = 1

// indent moves lines textIndent cells away from the frame's left border.
func indent(lines []string) []string {
	out := make([]string, len(lines))
	for i, line := range lines {
		out[i] = strings.Repeat(" ", textIndent) + line
	}
	return out
}
