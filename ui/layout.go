package ui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
)

// Screen geometry. The body is three bands: traffic beside ingestion,
// settlement beside the retry-depth histogram, and the ledger across the width.
const (
	minWidth        = 80
	minHeight       = 24
	headerLines     = 2
	footerLines     = 2
	borderCells     = 2 // a frame's two borders, across or down
	trafficChrome   = 4 // borders, the column titles and the total row
	minSettleHeight = 7
	minLedgerHeight = 5
	trafficShare    = 28 // percent of the body's height
	settleShare     = 32 // percent of the body's height
	leftShare       = 46 // percent of the width
	minLeftWidth    = 46
	maxLeftWidth    = 62
)

// layout is where each band and column goes on a screen of one size.
type layout struct {
	width, height              int
	leftW, rightW              int
	trafficH, settleH, ledgerH int
}

// minSize is the smallest screen that shows every pane with regions regions.
func minSize(regions int) (w, h int) {
	need := headerLines + footerLines + regions + trafficChrome + minSettleHeight +
		minLedgerHeight
	return minWidth, max(minHeight, need)
}

// planLayout fits the panes into w×h; false when they do not fit.
func planLayout(w, h, regions int) (layout, bool) {
	needW, needH := minSize(regions)
	if w < needW || h < needH {
		return layout{}, false
	}
	body := h - headerLines - footerLines
	l := layout{width: w, height: h}
	l.trafficH = max(regions+trafficChrome, body*trafficShare/100)
	// Many regions make a tall traffic band: settlement gives way to the ledger.
	l.settleH = min(max(minSettleHeight, body*settleShare/100),
		body-l.trafficH-minLedgerHeight)
	l.ledgerH = body - l.trafficH - l.settleH
	l.leftW = min(max(w*leftShare/100, minLeftWidth), maxLeftWidth)
	l.rightW = w - l.leftW
	return l, true
}

// resize plans the screen for the window's size and the number of regions, and
// draws again what is drawn for a size: the charts and the lab's body.
func (m *Model) resize() {
	m.layout, m.fits = planLayout(m.width, m.height, len(m.snap.Regions))
	m.drawCharts()
	m.drawLab()
}

// tooSmall is the screen shown when the panes do not fit.
func tooSmall(w, h, needW, needH int) string {
	msg := fmt.Sprintf("terminal too small: need at least %dx%d, have %dx%d",
		needW, needH, w, h)
	hint := "enlarge the window, or press q to quit"
	if w <= 0 || h <= 0 {
		return "" // no room for a word, or the size is not known yet
	}
	lines := strings.Split(ansi.Wrap(msg+"\n"+theme.dim.Render(hint), w, ""), "\n")
	text := strings.Join(lines[:min(len(lines), h)], "\n")
	return lipgloss.Place(w, h, lipgloss.Center, lipgloss.Center, text)
}

// frame draws a box of exactly w×h cells around lines, with the title set into
// the top border. The focused box has a heavy border and a ">" before its title,
// so focus shows without colour.
func frame(title string, lines []string, w, h int, focused bool) string {
	if w < borderCells || h < borderCells {
		return blank(max(w, 0), max(h, 0))
	}
	b, edge, head := lipgloss.RoundedBorder(), theme.border, theme.title
	mark := " "
	if focused {
		b, edge, head, mark = lipgloss.ThickBorder(), theme.focusBorder, theme.focusTitle, "> "
	}
	inner := w - borderCells
	label := fit(mark+title+" ", max(inner-1, 0))
	top := edge.Render(b.TopLeft+b.Top) + head.Render(label) +
		edge.Render(strings.Repeat(b.Top, max(inner-1-ansi.StringWidth(label), 0))+b.TopRight)
	rows := make([]string, 0, h)
	rows = append(rows, top)
	left, right := edge.Render(b.Left), edge.Render(b.Right)
	for i := range h - borderCells {
		line := ""
		if i < len(lines) {
			line = lines[i]
		}
		rows = append(rows, left+pad(line, inner)+right)
	}
	bottom := b.BottomLeft + strings.Repeat(b.Bottom, inner) + b.BottomRight
	rows = append(rows, edge.Render(bottom))
	return strings.Join(rows, "\n")
}

// fit cuts s to at most w cells, marking a cut with an ellipsis.
func fit(s string, w int) string {
	if w <= 0 {
		return ""
	}
	if ansi.StringWidth(s) <= w {
		return s
	}
	return ansi.Truncate(s, w, "…")
}

// fitTail cuts s from the left to w cells: for ids whose end tells them apart,
// as the sequence number at the end of a slot id does.
func fitTail(s string, w int) string {
	if w <= 0 {
		return ""
	}
	if ansi.StringWidth(s) <= w {
		return s
	}
	return "…" + ansi.TruncateLeft(s, ansi.StringWidth(s)-w+1, "")
}

// pad fits s into exactly w cells.
func pad(s string, w int) string {
	s = fit(s, w)
	return s + strings.Repeat(" ", max(w-ansi.StringWidth(s), 0))
}

// blank is w×h cells of nothing.
func blank(w, h int) string {
	if h == 0 {
		return ""
	}
	row := strings.Repeat(" ", w)
	return strings.TrimSuffix(strings.Repeat(row+"\n", h), "\n")
}

// besides joins two blocks of equal height side by side.
func besides(left, right string) string {
	l, r := strings.Split(left, "\n"), strings.Split(right, "\n")
	for i := range l {
		if i < len(r) {
			l[i] += r[i]
		}
	}
	return strings.Join(l, "\n")
}
