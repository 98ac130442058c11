package ui

import (
	"context"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/quantedge/qex/engine"
)

// snapshotTimeout bounds one snapshot: over a slow network the ledger may not
// answer, and a console that stops refreshing looks hung.
const snapshotTimeout = 2 * time.Second

// tickMsg says it is time for the next snapshot.
type tickMsg struct{}

// snapshotMsg carries a snapshot and the dial sequence it was requested at.
type snapshotMsg struct {
	snap engine.Snapshot
	seq  int
}

// tick waits one interval. The next tick is only scheduled once a snapshot has
// arrived, so a slow exchange slows the console down instead of queueing calls.
func (m Model) tick() tea.Cmd {
	return tea.Tick(m.opts.Tick, func(time.Time) tea.Msg { return tickMsg{} })
}

// fetch takes a snapshot off the update loop: it may block on the ledger.
func (m Model) fetch() tea.Cmd {
	ex, seq := m.ex, m.dialSeq
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), snapshotTimeout)
		defer cancel()
		return snapshotMsg{snap: ex.Snapshot(ctx), seq: seq}
	}
}

// applySnapshot makes msg the current snapshot and records the rates since the
// previous one.
func (m *Model) applySnapshot(msg snapshotMsg) {
	next := msg.snap
	if m.hasSnap && msg.seq < m.dialSeq {
		keepLocalDials(&next, m.snap)
	}
	if m.hasSnap {
		if r, ok := computeRates(m.snap, next); ok {
			m.rates = r
			m.hist.push(r)
		}
	}
	m.snap, m.hasSnap = next, true
	m.region = min(m.region, max(len(next.Regions)-1, 0))
}

// keepLocalDials copies the dials of local onto next, which was taken before the
// last dial change reached the exchange.
func keepLocalDials(next *engine.Snapshot, local engine.Snapshot) {
	next.Settings = local.Settings
	if next.State == engine.StateRunning || next.State == engine.StatePaused {
		next.State = local.State
	}
	dials := make(map[string]engine.RegionSnapshot, len(local.Regions))
	for _, r := range local.Regions {
		dials[r.Name] = r
	}
	regions := make([]engine.RegionSnapshot, len(next.Regions))
	for i, r := range next.Regions {
		if d, ok := dials[r.Name]; ok {
			r.Rate, r.Up = d.Rate, d.Up
		}
		regions[i] = r
	}
	next.Regions = regions
}
