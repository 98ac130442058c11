package ui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/quantedge/qex/engine"
)

// The lab screen: a head of labHeadLines (what is compared, how far the sweep
// is, a blank), the body, and a hint on the last line after a blank.
const (
	labHeadLines   = 3
	labFootLines   = 2
	progressBarMax = 40
	percent        = 100
)

// labExplained says what a run of the lab is, shown while the sweep runs.
const labExplained = "Each run lets N clients race to write one record: an attempt " +
	"reads the record's version, then writes on condition that it has not changed. " +
	"A client whose write loses waits as its backoff strategy says, then tries again. " +
	"The lab counts the writes of all clients (the work) and the time until the last " +
	"client is done, and averages them over the repetitions of each strategy and " +
	"client count. The exchange keeps running behind this screen."

// labScreen shows the retry lab in place of the panes. Only its head is
// written here; the body was drawn when the result arrived or the size changed.
func (m Model) labScreen(l layout) string {
	w := l.width - borderCells - textIndent
	inner := l.height - borderCells
	lines := []string{m.labTitle(w), m.labStatus(w), ""}
	switch {
	case !m.lab.finished || m.lab.err != nil:
		lines = append(lines, strings.Split(ansi.Wordwrap(labExplained, w, ""), "\n")...)
	default:
		lines = append(lines, m.lab.body...)
	}
	lines = lines[:min(len(lines), inner-labFootLines)]
	for len(lines) < inner-1 {
		lines = append(lines, "")
	}
	lines = append(lines, theme.dim.Render(m.labHint()))
	return frame("Retry lab", indent(lines), l.width, l.height, true)
}

// labTitle says what is compared: the finished sweep's settings, or the
// defaults while one runs.
func (m Model) labTitle(w int) string {
	cfg, measured := engine.DefaultLabConfig(), engine.LabSimulated
	if m.lab.finished && m.lab.err == nil {
		cfg, measured = m.lab.result.Config, m.lab.result.Measured
	}
	return joinFit(w,
		theme.title.Render("Backoff strategies compared, "+measured),
		"base "+cfg.Base.String(),
		"cap "+cfg.Cap.String(),
		fmt.Sprintf("%d repetitions per point", cfg.Repetitions),
		"clients race to write one record")
}

// labStatus is the sweep's progress, its failure, or its size once done.
func (m Model) labStatus(w int) string {
	lab := m.lab
	switch {
	case lab.sweep != nil:
		return fit(progressBar(lab.done, lab.total, w), w)
	case lab.err != nil:
		return fit(theme.bad.Render("the sweep failed: "+lab.err.Error()), w)
	}
	cfg := lab.result.Config
	runs := uint64(len(lab.result.Points) * cfg.Repetitions)
	return fit(fmt.Sprintf("done: %d strategies at %d client counts, %s runs",
		len(cfg.Strategies), len(cfg.Clients), formatCount(runs)), w)
}

// progressBar is a bar of = signs in brackets, then the share and the count:
// [=====     ] 45% (2,025 of 4,500 runs).
func progressBar(done, total, w int) string {
	if total <= 0 {
		return "[" + strings.Repeat(" ", progressBarMax) + "] starting…"
	}
	share := float64(min(done, total)) / float64(total)
	// Rounded down: 100% only when every run is in.
	text := fmt.Sprintf(" %d%% (%s of %s runs)", int(share*percent),
		formatCount(uint64(done)), formatCount(uint64(total)))
	barW := min(progressBarMax, w-ansi.StringWidth(text)-len("[]"))
	if barW < 1 {
		return strings.TrimSpace(text)
	}
	filled := int(share * float64(barW))
	return "[" + strings.Repeat("=", filled) + strings.Repeat(" ", barW-filled) + "]" + text
}

// labHint names the keys that act on the lab's screen.
func (m Model) labHint() string {
	if m.lab.sweep != nil {
		return "the sweep runs in the background · esc or L goes back to the panes · q quits"
	}
	return "r runs the sweep again · esc or L goes back to the panes · q quits"
}

// drawLab draws the lab's body for the current size: the charts cost too much
// to draw on every message.
func (m *Model) drawLab() {
	l := m.layout
	if !m.fits || !m.lab.finished || m.lab.err != nil {
		m.lab.body = nil
		return
	}
	w := l.width - borderCells - textIndent
	h := l.height - borderCells - labHeadLines - labFootLines
	m.lab.body = labBody(m.lab.result, w, h)
}
