package ui

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/quantedge/qex/engine"
	"github.com/quantedge/qex/store/memory"
)

// Smoke test timing: snapshots come every smokeInterval until a settlement shows,
// for at most smokeDeadline.
const (
	smokeInterval = 100 * time.Millisecond
	smokeDeadline = 10 * time.Second
	smokeLatency  = 2 * time.Millisecond
)

// TestRealEngine runs the console against a real engine on the embedded stores.
func TestRealEngine(t *testing.T) {
	if testing.Short() {
		t.Skip("runs an engine for a few seconds")
	}
	bids := memory.NewBidStore(memory.BidOptions{})
	defer bids.Close()
	ledger := memory.NewLedger(memory.LedgerOptions{CommitLatency: smokeLatency})
	defer ledger.Close()
	eng, err := engine.New(engine.DefaultConfig(), bids, ledger)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := eng.Run(ctx)
		done <- err
	}()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("engine run: %v", err)
		}
	}()

	m := New(eng, Options{Backend: "bids: memory · ledger: memory", Tick: smokeInterval})
	m = update(m, tea.WindowSizeMsg{Width: 120, Height: 40}, m.Init()())
	deadline := time.Now().Add(smokeDeadline)
	for ticks := 0; ticks < 2 || m.snap.Settled == 0; ticks++ {
		if time.Now().After(deadline) {
			t.Fatalf("no settlement within %s", smokeDeadline)
		}
		time.Sleep(smokeInterval) // rates need time between two snapshots
		m = update(m, m.fetch()())
	}
	m = update(m, press("W"), press("+"))

	view := m.View()
	for _, title := range paneTitles {
		if !strings.Contains(view, title) {
			t.Errorf("pane %q missing:\n%s", title, view)
		}
	}
	for _, figure := range []string{`bids [1-9][0-9,]*`, `settled [1-9][0-9,]*`,
		`bids/s [1-9][0-9,]*`, `W=17`, `us-east-1 +500 `, `slot-\d+-\d+`} {
		if !regexp.MustCompile(figure).MatchString(view) {
			t.Errorf("no %q on the screen:\n%s", figure, view)
		}
	}
	if s := eng.Settings(); s.Workers != engine.DefaultWorkers+1 {
		t.Errorf("engine has %d workers after W, want %d", s.Workers, engine.DefaultWorkers+1)
	}
}
