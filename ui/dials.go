package ui

import (
	"fmt"
	"math"
	"slices"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/quantedge/qex/engine"
)

// Rate dial steps: each press multiplies or divides a region's rate by the
// factor, and moves it by at least the minimum so that a silent region can
// start again.
const (
	rateStepFactor = 1.25
	minRateStep    = 5.0 // bids per second
	minSlotStep    = 1.0 // slots per second
)

// pane is one of the boxes on the screen that can hold the focus.
type pane int

// Panes, in the order tab visits them and the number keys name them.
const (
	paneTraffic pane = iota
	paneIngest
	paneSettle
	paneDepth
	paneLedger
	paneCount
)

// handleKeys acts on a key message. Keys typed faster than the program reads
// them (a held key, a slow link) arrive as one message of several runes; each
// counts as a press of its own, up to a quit. Pasted text is not keys and is
// left alone.
func (m *Model) handleKeys(msg tea.KeyMsg) tea.Cmd {
	if msg.Type != tea.KeyRunes || len(msg.Runes) < 2 || msg.Paste {
		return m.handleKey(msg)
	}
	var cmds []tea.Cmd
	for _, r := range msg.Runes {
		one := tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}, Alt: msg.Alt}
		if key.Matches(one, m.keys.Quit) {
			return m.handleKey(one)
		}
		cmds = append(cmds, m.handleKey(one))
	}
	return tea.Batch(cmds...)
}

// handleKey acts on one key press. While help or the lab is shown only the keys
// that close it, run the lab or quit do anything, so a stray key does not turn
// a dial unseen.
func (m *Model) handleKey(msg tea.KeyMsg) tea.Cmd {
	switch {
	case key.Matches(msg, m.keys.Quit):
		m.stopLab()
		return tea.Quit
	case key.Matches(msg, m.keys.Help):
		m.showHelp = !m.showHelp
		return nil
	case key.Matches(msg, m.keys.Back):
		switch {
		case m.showHelp:
			m.showHelp = false
		case m.showLab:
			m.showLab = false
		default:
			m.focus = paneTraffic
		}
		return nil
	}
	switch {
	case m.showHelp:
		return nil
	case key.Matches(msg, m.keys.Lab):
		return m.toggleLab()
	case m.showLab:
		if key.Matches(msg, m.keys.Rerun) {
			return m.startLab()
		}
		return nil
	}
	if !m.moveFocus(msg) {
		m.turnDial(msg)
	}
	return nil
}

// moveFocus handles the keys that move between panes and regions. The region
// keys work whatever pane has the focus, as do the rate and outage keys that
// act on the region they pick.
func (m *Model) moveFocus(msg tea.KeyMsg) bool {
	switch {
	case key.Matches(msg, m.keys.NextPane):
		m.focus = (m.focus + 1) % paneCount
	case key.Matches(msg, m.keys.PrevPane):
		m.focus = (m.focus + paneCount - 1) % paneCount
	case key.Matches(msg, m.keys.Pane):
		m.focus = pane(msg.String()[0] - '1')
	case key.Matches(msg, m.keys.Up):
		m.region = max(m.region-1, 0)
	case key.Matches(msg, m.keys.Down):
		m.region = max(min(m.region+1, len(m.snap.Regions)-1), 0)
	default:
		return false
	}
	return true
}

// turnDial applies a dial key to the exchange at once and to the local copy of
// the settings, so the screen shows the new value before the next snapshot.
func (m *Model) turnDial(msg tea.KeyMsg) {
	if !m.hasSnap {
		m.note = "waiting for the first snapshot"
		return
	}
	s := &m.snap.Settings
	switch {
	case key.Matches(msg, m.keys.RateUp):
		m.turnRate(true)
	case key.Matches(msg, m.keys.RateDown):
		m.turnRate(false)
	case key.Matches(msg, m.keys.Outage):
		m.toggleRegion()
	case key.Matches(msg, m.keys.WorkersDown), key.Matches(msg, m.keys.WorkersUp):
		s.Workers = m.ex.SetWorkers(s.Workers + step(msg, m.keys.WorkersUp))
		m.note = fmt.Sprintf("workers %d", s.Workers)
	case key.Matches(msg, m.keys.ContentionDown), key.Matches(msg, m.keys.ContentionUp):
		s.Contention = m.ex.SetContention(s.Contention + step(msg, m.keys.ContentionUp))
		m.note = fmt.Sprintf("contention K=%d", s.Contention)
	case key.Matches(msg, m.keys.SlotsDown), key.Matches(msg, m.keys.SlotsUp):
		s.SlotRate = m.ex.SetSlotRate(stepRate(s.SlotRate, key.Matches(msg, m.keys.SlotsUp),
			minSlotStep))
		m.note = fmt.Sprintf("%s slots/s", formatRate(s.SlotRate))
	case key.Matches(msg, m.keys.Backoff):
		s.Backoff.Strategy = nextStrategy(s.Backoff.Strategy)
		m.ex.SetBackoffStrategy(s.Backoff.Strategy)
		m.note = "backoff " + s.Backoff.Strategy.Label()
	case key.Matches(msg, m.keys.Auction):
		s.Auction = otherAuction(s.Auction)
		m.ex.SetAuction(s.Auction)
		m.note = "auction " + string(s.Auction)
	case key.Matches(msg, m.keys.Pause):
		m.togglePause()
	default:
		return
	}
	m.dialSeq++
}

// step is +1 for the key that turns a dial up, -1 for the one that turns it down.
func step(msg tea.KeyMsg, up key.Binding) int {
	if key.Matches(msg, up) {
		return 1
	}
	return -1
}

// turnRate steps the selected region's rate up or down.
func (m *Model) turnRate(up bool) {
	r, ok := m.selectedRegion()
	if !ok {
		return
	}
	got, err := m.ex.SetRegionRate(r.Name, stepRate(r.Rate, up, minRateStep))
	if err != nil {
		m.note = "rate: " + err.Error()
		return
	}
	r.Rate = got
	m.note = fmt.Sprintf("%s %s bids/s", r.Name, formatRate(got))
}

// stepRate is the next rate of a dial, in whole units per second, moving by the
// step factor but at least by minStep.
func stepRate(rate float64, up bool, minStep float64) float64 {
	if up {
		return math.Round(max(rate*rateStepFactor, rate+minStep))
	}
	return math.Round(max(min(rate/rateStepFactor, rate-minStep), 0))
}

// toggleRegion takes the selected region down, or brings it back up.
func (m *Model) toggleRegion() {
	r, ok := m.selectedRegion()
	if !ok {
		return
	}
	if err := m.ex.SetRegionUp(r.Name, !r.Up); err != nil {
		m.note = "outage: " + err.Error()
		return
	}
	r.Up = !r.Up
	m.note = r.Name + " " + upDown(r.Up)
}

// selectedRegion returns the selected region in a copy of the regions, so that
// changing it does not touch the snapshot the exchange handed over.
func (m *Model) selectedRegion() (*engine.RegionSnapshot, bool) {
	if m.region < 0 || m.region >= len(m.snap.Regions) {
		return nil, false
	}
	m.snap.Regions = slices.Clone(m.snap.Regions)
	return &m.snap.Regions[m.region], true
}

func (m *Model) togglePause() {
	paused := !m.snap.Settings.Paused
	m.ex.SetPaused(paused)
	m.snap.Settings.Paused = paused
	switch {
	case paused && m.snap.State == engine.StateRunning:
		m.snap.State = engine.StatePaused
	case !paused && m.snap.State == engine.StatePaused:
		m.snap.State = engine.StateRunning
	}
	m.note = "traffic resumed"
	if paused {
		m.note = "traffic paused"
	}
}

// nextStrategy is the strategy after s in the order the console cycles through.
func nextStrategy(s engine.Strategy) engine.Strategy {
	i := slices.Index(engine.Strategies, s)
	return engine.Strategies[(i+1)%len(engine.Strategies)]
}

func otherAuction(a engine.AuctionType) engine.AuctionType {
	if a == engine.SecondPrice {
		return engine.FirstPrice
	}
	return engine.SecondPrice
}
