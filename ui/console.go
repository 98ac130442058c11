// Package ui is QEX's terminal console: a bubbletea program that shows a running
// exchange (regional traffic, ingestion, settlement and its retries, the ledger)
// and turns its dials from the keyboard.
//
// The console reads the exchange only through snapshots taken on a fixed tick,
// never one message per event, and draws its charts when a snapshot arrives or
// the window changes size, so that View only joins strings it already has;
// charts that help or the lab hide wait until they show again.
package ui

import (
	"context"
	"time"

	"github.com/charmbracelet/bubbles/help"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/quantedge/qex/engine"
)

// DefaultTick is how often the console takes a snapshot when Options.Tick is zero.
const DefaultTick = 250 * time.Millisecond

// Exchange is what the console reads and drives; *engine.Engine satisfies it.
type Exchange interface {
	Snapshot(ctx context.Context) engine.Snapshot
	SetRegionRate(name string, rate float64) (float64, error)
	SetRegionUp(name string, up bool) error
	SetWorkers(n int) int
	SetContention(k int) int
	SetSlotRate(rate float64) float64
	SetBackoffStrategy(s engine.Strategy)
	SetAuction(a engine.AuctionType)
	SetPaused(p bool)
}

// Options are the console's settings.
type Options struct {
	// Backend labels the stores in the header, e.g. "bids: memory · ledger: memory".
	Backend string
	// Tick is the snapshot interval; zero means DefaultTick.
	Tick time.Duration
	// Version is shown beside the name in the header.
	Version string
	// Context bounds the console's work in the background: a retry lab sweep
	// stops when it ends, as when the user quits. Nil means context.Background.
	Context context.Context
	// Lab is the retry lab the lab screen runs. Nil means the console has no lab.
	Lab LabFunc
}

// Model is the console's state. It implements tea.Model.
type Model struct {
	ex   Exchange
	opts Options
	keys keyMap
	help help.Model

	width, height int
	layout        layout // where the panes go, when they fit
	fits          bool   // whether the panes fit in width×height
	focus         pane
	region        int // index of the selected region in snap.Regions
	showHelp      bool
	showLab       bool

	snap    engine.Snapshot
	hasSnap bool
	rates   rates
	hist    *history

	// dialSeq counts dial changes made here. A snapshot requested before the
	// latest change may still show the old value, so the local dials win.
	dialSeq int
	note    string // what the last key did, or why it failed

	charts chartCache
	lab    labState
	screen string
}

// New returns a console over ex.
func New(ex Exchange, opts Options) Model {
	if opts.Tick <= 0 {
		opts.Tick = DefaultTick
	}
	if opts.Context == nil {
		opts.Context = context.Background()
	}
	m := Model{
		ex:   ex,
		opts: opts,
		keys: newKeyMap(),
		help: help.New(),
		hist: newHistory(historyTicks),
	}
	m.compose()
	return m
}

// Init asks for the first snapshot at once; the tick takes over from there.
func (m Model) Init() tea.Cmd {
	return m.fetch()
}

// Update handles keys, window sizes, ticks, snapshots and the retry lab's news.
// Snapshots keep coming while the lab's screen is up, so the panes behind it
// are current when the user goes back.
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	var cmd tea.Cmd
	switch msg := msg.(type) {
	case tea.KeyMsg:
		cmd = m.handleKeys(msg)
		if m.charts.stale {
			m.drawCharts() // the key may have closed what hid them
		}
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		m.resize()
	case tickMsg:
		return m, m.fetch()
	case snapshotMsg:
		regions := len(m.snap.Regions)
		m.applySnapshot(msg)
		if len(m.snap.Regions) != regions {
			m.resize() // the traffic pane is as tall as the regions need
		} else {
			m.drawCharts()
		}
		cmd = m.tick()
	case labProgressMsg:
		cmd = m.labProgress(msg)
		if !m.showLab || m.showHelp {
			return m, cmd // the progress is not on the screen
		}
	case labDoneMsg:
		m.labDone(msg)
	default:
		return m, nil
	}
	m.compose()
	return m, cmd
}

// View returns the screen composed by the last Update.
func (m Model) View() string {
	return m.screen
}
