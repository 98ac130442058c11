package engine

import (
	"context"
	"time"

	"github.com/quantedge/qex/money"
	"github.com/quantedge/qex/store"
)

// RunState is where a run is in its life.
type RunState string

// Run states.
const (
	StateStarting RunState = "starting"
	StateRunning  RunState = "running"
	StatePaused   RunState = "paused"
	StateDraining RunState = "draining"
	StateStopped  RunState = "stopped"
)

// topAccounts is how many accounts of each kind a snapshot carries.
const topAccounts = 5

// Snapshot is a consistent-enough copy of a run's telemetry and settings at one
// moment: counters are cumulative, so rates come from the difference of two.
type Snapshot struct {
	At     time.Time
	Uptime time.Duration
	State  RunState
	RunID  string

	Settings Settings
	Regions  []RegionSnapshot

	Bids, Ingested, IngestErrors, Batches uint64
	BatchLatency                          Percentiles
	// BidStore is how the bid store's backend pushed back, when it can tell.
	BidStore *store.BidStats
	// HottestSlot took the most bids per second of the slots closed lately.
	HottestSlot HotSlot

	SlotsOpened, SlotsClosed uint64
	Settled, Unsold          uint64
	UnsoldNoBid, UnsoldFunds uint64
	SettledAmount            money.Micros

	Attempts, Conflicts, Retries uint64
	DuplicatesPrevented          uint64
	Abandoned, Requeued          uint64
	SettleErrors                 uint64
	// CloseErrors counts slots that could not be closed at a try (their bids
	// unreadable or the ledger failing) and went back to wait for another.
	CloseErrors      uint64
	ConflictsDropped uint64
	TimeToSettle     Percentiles
	// AttemptDepth[n] counts the attempts made as the n-th try of a racer
	// (index 0 unused; the last index also counts every deeper attempt).
	AttemptDepth []uint64

	// Recent are the latest settlements this run committed, newest last.
	Recent         []store.Settlement
	ConflictFeed   []store.ConflictEvent
	TopAdvertisers []store.Account
	TopPublishers  []store.Account
	LastError      string
}

// RegionSnapshot is one region's dial and counters.
type RegionSnapshot struct {
	Name     string
	Rate     float64
	Up       bool
	Bids     uint64
	Ingested uint64
}

// Settings are the run's current dials.
type Settings struct {
	SlotRate   float64 // slots opened per second
	Workers    int
	Contention int
	Backoff    BackoffPolicy
	Auction    AuctionType
	Paused     bool
}

// Snapshot copies the run's telemetry. It asks the ledger for the top balances,
// so it may block on I/O: call it off the console's update loop.
func (e *Engine) Snapshot(ctx context.Context) Snapshot {
	s := e.counters()
	var err error
	if s.TopAdvertisers, err = e.ledger.TopAccounts(ctx, store.Advertiser, topAccounts); err != nil {
		s.LastError = "reading balances: " + err.Error()
	}
	if s.TopPublishers, err = e.ledger.TopAccounts(ctx, store.Publisher, topAccounts); err != nil {
		s.LastError = "reading balances: " + err.Error()
	}
	return s
}

// counters copies everything the engine holds itself, without I/O.
func (e *Engine) counters() Snapshot {
	t := e.tel
	now := time.Now()
	s := Snapshot{
		At:                  now,
		State:               e.State(),
		RunID:               e.runID,
		Settings:            e.Settings(),
		IngestErrors:        t.ingestErrors.Load(),
		Batches:             t.batches.Load(),
		SlotsOpened:         t.slotsOpened.Load(),
		SlotsClosed:         t.slotsClosed.Load(),
		Settled:             t.settled.Load(),
		UnsoldNoBid:         t.unsoldNoBid.Load(),
		UnsoldFunds:         t.unsoldFunds.Load(),
		SettledAmount:       money.Micros(t.settledMicros.Load()),
		Attempts:            t.attempts.Load(),
		Conflicts:           t.conflicts.Load(),
		Retries:             t.retries.Load(),
		DuplicatesPrevented: t.duplicates.Load(),
		Abandoned:           t.abandoned.Load(),
		Requeued:            t.requeued.Load(),
		SettleErrors:        t.settleErrors.Load(),
		CloseErrors:         t.closeErrors.Load(),
		ConflictsDropped:    t.conflictsDropped.Load(),
	}
	if started := e.startedAt(); !started.IsZero() {
		s.Uptime = now.Sub(started)
	}
	s.Unsold = s.UnsoldNoBid + s.UnsoldFunds
	for _, r := range e.regionDials() {
		rc := t.region(r.Name)
		rs := RegionSnapshot{Name: r.Name, Rate: r.Rate, Up: r.Up,
			Bids: rc.bids.Load(), Ingested: rc.ingested.Load()}
		s.Bids += rs.Bids
		s.Ingested += rs.Ingested
		s.Regions = append(s.Regions, rs)
	}
	depth := len(t.attemptDepth)
	for depth > 1 && t.attemptDepth[depth-1].Load() == 0 {
		depth--
	}
	s.AttemptDepth = make([]uint64, depth)
	for i := range s.AttemptDepth {
		s.AttemptDepth[i] = t.attemptDepth[i].Load()
	}

	t.mu.Lock()
	s.BatchLatency = percentiles(t.batchLatency)
	s.TimeToSettle = percentiles(t.timeToSettle)
	s.Recent = append([]store.Settlement(nil), t.recent...)
	s.ConflictFeed = append([]store.ConflictEvent(nil), t.conflictFeed...)
	s.LastError = t.lastError
	s.HottestSlot = t.hottest
	t.mu.Unlock()
	if st, ok := e.bids.(store.BidStatser); ok {
		stats := st.Stats()
		s.BidStore = &stats
	}
	return s
}
