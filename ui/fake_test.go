package ui

import (
	"context"
	"fmt"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/quantedge/qex/engine"
	"github.com/quantedge/qex/money"
	"github.com/quantedge/qex/store"
)

// TestMain pins the colour profile: goldens hold plain text, whatever the
// terminal the tests run in.
func TestMain(m *testing.M) {
	lipgloss.SetColorProfile(termenv.Ascii)
	os.Exit(m.Run())
}

// fakeExchange records what the console asks of it and clamps like the engine.
type fakeExchange struct {
	mu      sync.Mutex
	snap    engine.Snapshot
	calls   []string
	rateErr error
}

func (f *fakeExchange) record(format string, args ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, fmt.Sprintf(format, args...))
}

func (f *fakeExchange) Snapshot(context.Context) engine.Snapshot {
	f.mu.Lock()
	defer f.mu.Unlock()
	s := f.snap
	s.Regions = slices.Clone(s.Regions)
	return s
}

func (f *fakeExchange) SetRegionRate(name string, rate float64) (float64, error) {
	f.record("SetRegionRate(%s, %g)", name, rate)
	return min(max(rate, 0), engine.MaxRegionRate), f.rateErr
}

func (f *fakeExchange) SetRegionUp(name string, up bool) error {
	f.record("SetRegionUp(%s, %t)", name, up)
	return nil
}

func (f *fakeExchange) SetWorkers(n int) int {
	f.record("SetWorkers(%d)", n)
	return min(max(n, 1), engine.MaxWorkers)
}

func (f *fakeExchange) SetContention(k int) int {
	f.record("SetContention(%d)", k)
	return min(max(k, 1), engine.MaxContention)
}

func (f *fakeExchange) SetSlotRate(rate float64) float64 {
	f.record("SetSlotRate(%g)", rate)
	return rate
}

func (f *fakeExchange) SetBackoffStrategy(s engine.Strategy) {
	f.record("SetBackoffStrategy(%s)", s)
}

func (f *fakeExchange) SetAuction(a engine.AuctionType) { f.record("SetAuction(%s)", a) }
func (f *fakeExchange) SetPaused(p bool)                { f.record("SetPaused(%t)", p) }

// fixtureStart is the fixed moment the fixture run's snapshots count from.
var fixtureStart = time.Date(2025, 3, 14, 9, 26, 53, 0, time.UTC)

// fixtureTick is the time between two fixture snapshots.
const fixtureTick = 250 * time.Millisecond

// fixture is the n-th snapshot of a made-up run: counters grow by a fixed
// pattern each tick, so rates and goldens come out the same every time.
func fixture(n int) engine.Snapshot {
	regions := []engine.RegionSnapshot{
		{Name: "us-east-1", Rate: 400, Up: true},
		{Name: "eu-west-1", Rate: 300, Up: true},
		{Name: "ap-southeast-1", Rate: 200, Up: true},
		{Name: "sa-east-1", Rate: 100, Up: false},
	}
	s := engine.Snapshot{
		At:     fixtureStart.Add(time.Duration(n) * fixtureTick),
		Uptime: 90*time.Second + time.Duration(n)*fixtureTick,
		State:  engine.StateRunning,
		RunID:  "3f2a9c1d-5b7e-4c0a-9d2f-1e8b7a6c5d4e",
		Settings: engine.Settings{Workers: 16, Contention: 4,
			Backoff: engine.DefaultBackoff(), Auction: engine.FirstPrice},
		BatchLatency: engine.Percentiles{P50: 1200 * time.Microsecond,
			P99: 7 * time.Millisecond},
		TimeToSettle: engine.Percentiles{P50: 14 * time.Millisecond,
			P99: 380 * time.Millisecond},
	}
	// A saw-tooth on top of steady growth gives the charts a shape; every
	// counter still only grows.
	wave := uint64(n % 8)
	for i, r := range regions {
		r.Bids = uint64(n)*uint64(r.Rate)/4 + wave*uint64(4-i)*3
		if !r.Up {
			r.Bids = 0
		}
		r.Ingested = r.Bids
		s.Bids += r.Bids
		s.Ingested += r.Ingested
		s.Regions = append(s.Regions, r)
	}
	s.Batches = s.Bids / engine.DefaultBatchSize
	s.SlotsOpened, s.SlotsClosed = uint64(n)*10, uint64(n)*10
	s.Settled = uint64(n)*9 + wave
	s.Unsold = uint64(n)
	s.UnsoldNoBid = s.Unsold
	s.SettledAmount = money.Micros(s.Settled) * 3_410_000
	s.Conflicts = uint64(n)*25 + 3*wave
	s.Retries = s.Conflicts - wave
	s.Attempts = s.Settled + s.Conflicts
	s.DuplicatesPrevented = uint64(n) * 3
	s.Abandoned, s.Requeued = uint64(n/40), uint64(n/40)
	s.AttemptDepth = []uint64{0, s.Attempts - s.Retries, s.Retries * 6 / 10,
		s.Retries * 3 / 10, s.Retries / 10}
	s.Recent, s.ConflictFeed = fixtureFeeds(n)
	s.TopAdvertisers = []store.Account{
		{ID: "adv-07", Kind: store.Advertiser, Balance: 18_204_110_000},
		{ID: "adv-31", Kind: store.Advertiser, Balance: 15_990_000_000},
		{ID: "adv-02", Kind: store.Advertiser, Balance: 12_002_500_000},
	}
	s.TopPublishers = []store.Account{
		{ID: "pub-04", Kind: store.Publisher, Balance: 1_208_340_000},
		{ID: "pub-11", Kind: store.Publisher, Balance: 998_120_000},
	}
	return s
}

// The fixture's slot ids are the engine's, slot-<seed>-<n>: a random seed
// has up to six digits, and the run opened 40 slots a second for the 90
// seconds before its first snapshot.
const (
	fixtureSeed        = 731942
	fixtureSlotsBefore = 3600
)

// fixtureFeeds are the latest settlements and conflicts of fixture(n).
func fixtureFeeds(n int) ([]store.Settlement, []store.ConflictEvent) {
	var recent []store.Settlement
	var feed []store.ConflictEvent
	regions := []string{"us-east-1", "eu-west-1", "ap-southeast-1"}
	for i := range 6 {
		slot := fmt.Sprintf("slot-%d-%d", fixtureSeed, fixtureSlotsBefore+n*10+i)
		recent = append(recent, store.Settlement{SlotID: slot,
			Region: regions[i%len(regions)], Advertiser: fmt.Sprintf("adv-%02d", 3+i*7),
			Publisher: fmt.Sprintf("pub-%02d", 1+i*3),
			Amount:    money.Micros(2_150_000 + i*310_000), Attempt: 1 + i%3})
		feed = append(feed, store.ConflictEvent{SlotID: slot, Attempt: 1 + i%2,
			Racer: i % 4, Code: "40001", Detail: []string{"", "OC000"}[i%2]})
	}
	return recent, feed
}

// update feeds msgs to m in order, as the program would, and returns the result.
func update(m Model, msgs ...tea.Msg) Model {
	for _, msg := range msgs {
		next, _ := m.Update(msg)
		m = next.(Model)
	}
	return m
}

// fed is a console at w×h that has seen snapshots 0..n of the fixture run.
func fed(ex Exchange, w, h, n int) Model {
	m := New(ex, Options{Backend: "bids: memory · ledger: memory", Version: "v0.1.0"})
	m = update(m, tea.WindowSizeMsg{Width: w, Height: h})
	for i := range n + 1 {
		m = update(m, snapshotMsg{snap: fixture(i)})
	}
	return m
}
