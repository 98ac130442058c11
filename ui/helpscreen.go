package ui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/quantedge/qex/engine"
)

// The help screen: an intro, the keys, the paragraphs that explain them, and
// a hint on how to close it after a blank line.
const (
	helpIntro     = "QEX shows an ad exchange at work and turns its dials while it runs."
	helpHint      = "esc or ? closes this screen · q quits"
	helpFootLines = 2
	helpTextWidth = 80 // prose reads best in lines no longer than this
)

// helpScreen lists every key in place of the panes, then says what the dials
// do in as many paragraphs as the height leaves room for: the keys come first.
func (m Model) helpScreen(l layout) string {
	w := l.width - borderCells - textIndent
	lines := append([]string{helpIntro, ""}, m.helpKeys(w)...)
	room := l.height - borderCells - len(lines) - helpFootLines
	if text := helpText(min(w, helpTextWidth), room-1); len(text) > 0 {
		lines = append(append(lines, ""), text...)
	}
	lines = append(lines, "", theme.dim.Render(helpHint))
	return frame("Keys", indent(lines), l.width, l.height, true)
}

// helpKeys puts the key map's columns side by side, starting a new row of
// columns, after a blank line, where the next column would not fit in w cells.
func (m Model) helpKeys(w int) []string {
	gap := m.help.Styles.FullSeparator.Render(m.help.FullSeparator)
	var rows, row []string
	rowW := 0
	for _, group := range m.keys.FullHelp() {
		col := m.helpColumn(group)
		colW := lipgloss.Width(col)
		if len(row) > 0 && rowW+lipgloss.Width(gap)+colW > w {
			rows = append(rows, lipgloss.JoinHorizontal(lipgloss.Top, row...))
			row, rowW = nil, 0
		}
		if len(row) > 0 {
			row, rowW = append(row, gap), rowW+lipgloss.Width(gap)
		}
		row, rowW = append(row, col), rowW+colW
	}
	rows = append(rows, lipgloss.JoinHorizontal(lipgloss.Top, row...))
	return strings.Split(strings.Join(rows, "\n\n"), "\n")
}

// helpColumn is one column of keys, each beside what it does.
func (m Model) helpColumn(group []key.Binding) string {
	keys, descs := make([]string, len(group)), make([]string, len(group))
	for i, b := range group {
		keys[i], descs[i] = b.Help().Key, b.Help().Desc
	}
	st := m.help.Styles
	return lipgloss.JoinHorizontal(lipgloss.Top, st.FullKey.Render(strings.Join(keys, "\n")),
		" ", st.FullDesc.Render(strings.Join(descs, "\n")))
}

// helpText is the paragraphs that say what the dials do, wrapped to w cells,
// as many whole ones as fit in h lines.
func helpText(w, h int) []string {
	paragraphs := []string{
		fmt.Sprintf("The rate keys act on the region marked > in the traffic pane: "+
			"each press multiplies or divides its rate by %g, by at least %g bids/s.",
			rateStepFactor, minRateStep),
		"An outage (x) stops a region's bids without forgetting its rate.",
		"Workers (w/W) settle slots; contention (c/C) is how many of them race for " +
			"each slot, so more contention makes more conflicts and retries.",
		"b cycles the backoff between retries: " + strategyCycle() + ".",
		"L opens the retry lab, which compares the backoff strategies as more and " +
			"more clients race to write one record; r runs it again. The exchange " +
			"runs on meanwhile.",
	}
	var lines []string
	for _, p := range paragraphs {
		wrapped := strings.Split(ansi.Wordwrap(p, w, ""), "\n")
		if len(lines)+len(wrapped) > h {
			break
		}
		lines = append(lines, wrapped...)
	}
	return lines
}

// strategyCycle lists the backoff strategies in the order b visits them.
func strategyCycle() string {
	labels := make([]string, len(engine.Strategies))
	for i, s := range engine.Strategies {
		labels[i] = s.Label()
	}
	return strings.Join(labels, " → ")
}
