package ui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/quantedge/qex/engine"
)

// header is two lines: what is running where and for how long, then the run's
// totals.
func (m Model) header(w int) string {
	s := m.snap
	left := " " + theme.brand.Render("QEX")
	if m.opts.Version != "" {
		left += " " + theme.dim.Render(m.opts.Version)
	}
	if m.opts.Backend != "" {
		left += theme.dim.Render(" · ") + m.opts.Backend
	}
	right := theme.dim.Render("connecting…") + " "
	if m.hasSnap {
		right = stateLabel(s.State) + theme.dim.Render(" · up ") + formatUptime(s.Uptime) +
			theme.dim.Render(" · run ") + shortID(s.RunID) + " "
	}
	val := theme.value.Render
	totals := " " + joinFit(w-1,
		"bids "+val(formatCount(s.Bids)),
		"settled "+val(formatCount(s.Settled))+" for "+val(s.SettledAmount.GroupedDollars()),
		"conflicts "+val(formatCount(s.Conflicts)),
		"unsold "+val(formatCount(s.Unsold)))
	return spread(left, right, w) + "\n" + pad(totals, w)
}

// stateLabel names the run's state in brackets, so it reads without colour.
func stateLabel(st engine.RunState) string {
	text := "[" + string(st) + "]"
	switch st {
	case engine.StateRunning:
		return theme.good.Render(text)
	case engine.StatePaused, engine.StateDraining:
		return theme.warn.Render(text)
	case engine.StateStopped:
		return theme.bad.Render(text)
	}
	return theme.dim.Render(text)
}

// footer is two lines: the settlement dials with the latest note or error, then
// the key hints.
func (m Model) footer(w int) string {
	set, val := m.snap.Settings, theme.value.Render
	dials := fmt.Sprintf(" slots %s/s · W=%s · K=%s · %s · %s",
		val(formatRate(set.SlotRate)), val(fmt.Sprint(set.Workers)),
		val(fmt.Sprint(set.Contention)), val(set.Backoff.Strategy.Label()),
		val(string(set.Auction)))
	if !m.hasSnap {
		dials = " " + theme.dim.Render("dials appear with the first snapshot")
	}
	line := dials
	switch {
	case m.snap.LastError != "":
		line += theme.dim.Render(" │ ") + theme.bad.Render("error: "+m.snap.LastError)
	case m.note != "":
		line += theme.dim.Render(" │ ") + m.note
	}
	hints := m.help
	hints.Width = w - 1 // the line's leading space
	return pad(line, w) + "\n" + pad(" "+hints.ShortHelpView(m.keys.ShortHelp()), w)
}

// spread puts left at the start of a w-cell line and right at its end, at
// least a cell apart. Left is cut to make room: right says what state the run
// is in, so it gives way only when it does not fit on its own.
func spread(left, right string, w int) string {
	rightW := ansi.StringWidth(right)
	if rightW+1 > w {
		return pad(left, w)
	}
	left = fit(left, w-rightW-1)
	return left + strings.Repeat(" ", w-ansi.StringWidth(left)-rightW) + right
}
