package pg_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/quantedge/qex/engine"
	"github.com/quantedge/qex/money"
	"github.com/quantedge/qex/store"
	"github.com/quantedge/qex/store/memory"
	"github.com/quantedge/qex/store/pg"
	"github.com/quantedge/qex/store/pg/pgtest"
)

var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// traffic makes n slots, each with a bid from every default region by a few
// shared advertisers, so racers collide on slots and on accounts.
func traffic(n, advertisers int) *engine.Traffic {
	t := &engine.Traffic{Advertisers: map[string]money.Micros{}}
	for i := range n {
		id := fmt.Sprintf("slot-%d", i)
		t.Slots = append(t.Slots, engine.TrafficSlot{ID: id, Publisher: fmt.Sprintf("pub-%d", i%5),
			Floor: 50 * money.Cent, Close: t0.Add(time.Second)})
		for r, region := range engine.DefaultRegions() {
			t.Bids = append(t.Bids, store.Bid{
				ID: fmt.Sprintf("%s-b%d", id, r), SlotID: id, Region: region.Name,
				Advertiser: fmt.Sprintf("adv-%d", (i+r)%advertisers),
				Price:      money.Micros(100+(i*7+r*13)%400) * money.Cent,
				Arrival:    t0.Add(time.Duration(r) * time.Millisecond),
			})
		}
	}
	return t
}

// TestRacingSettlersOnPostgres runs K=8 racers per slot against a real
// PostgreSQL server and checks that the race was real (conflicts counted by the
// engine and recorded in the database, agreeing) and that the ledger's
// invariants hold: at REPEATABLE READ over 2,000 slots, and over fewer at
// SERIALIZABLE and with statements described as on DSQL.
func TestRacingSettlersOnPostgres(t *testing.T) {
	tests := []struct {
		name  string
		slots int
		opts  pg.Options
	}{
		{"repeatable read", 2000, pg.Options{}},
		{"serializable", 400, pg.Options{Serializable: true}},
		{"described statements", 400, pg.Options{DescribeStatements: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { raceSettlers(t, tt.slots, tt.opts) })
	}
}

func raceSettlers(t *testing.T, slots int, opts pg.Options) {
	ctx := context.Background()
	opts.DSN, opts.ApplySchema, opts.MaxConns = pgtest.NewDatabase(t), true, 40
	ledger, err := pg.Open(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer ledger.Close()
	bids := memory.NewBidStore(memory.BidOptions{})
	defer bids.Close()
	cfg := engine.DefaultConfig()
	cfg.Contention, cfg.Workers = 8, 32
	cfg.DrainTimeout = 2 * time.Minute
	e, err := engine.New(cfg, bids, ledger)
	if err != nil {
		t.Fatal(err)
	}
	r, err := e.Replay(ctx, traffic(slots, 10))
	if err != nil {
		t.Fatal(err)
	}

	a := r.Audit
	if !r.Drained || !r.OK() {
		t.Fatalf("drained %v, unsettled %d:\n%s", r.Drained, r.Unsettled, a)
	}
	if a.Settled+a.Unsold != slots || a.Settlements != a.Settled || a.Entries != 2*a.Settlements ||
		a.DuplicateSettlements != 0 {
		t.Fatalf("slots %d: settled %d, unsold %d, settlements %d, entries %d, duplicates %d",
			slots, a.Settled, a.Unsold, a.Settlements, a.Entries, a.DuplicateSettlements)
	}
	s := r.Snapshot
	if s.Conflicts == 0 || s.DuplicatesPrevented == 0 {
		t.Fatalf("conflicts %d, duplicates prevented %d: the racers never collided",
			s.Conflicts, s.DuplicatesPrevented)
	}
	var recorded uint64
	err = ledger.Pool().QueryRow(ctx, `SELECT count(*) FROM conflict_events
		WHERE run_id = $1`, e.RunID()).Scan(&recorded)
	if err != nil {
		t.Fatal(err)
	}
	if recorded+s.ConflictsDropped != s.Conflicts {
		t.Fatalf("engine counted %d conflicts, the database holds %d events (+%d dropped)",
			s.Conflicts, recorded, s.ConflictsDropped)
	}
	if s.SettleErrors != 0 {
		t.Fatalf("%d settlement errors: %s", s.SettleErrors, s.LastError)
	}
	t.Logf("%d settled, %d unsold, %d conflicts (%d in the database), %d retries, "+
		"%d duplicates prevented, %d abandoned, %d re-queued", a.Settled, a.Unsold, s.Conflicts,
		recorded, s.Retries, s.DuplicatesPrevented, s.Abandoned, s.Requeued)
}

// TestLiveLabOnPostgres runs the retry lab's experiment against PostgreSQL: the
// clients' writes all touch two account rows, so they collide there.
func TestLiveLabOnPostgres(t *testing.T) {
	ctx := context.Background()
	ledger, err := pg.Open(ctx, pg.Options{DSN: pgtest.NewDatabase(t), ApplySchema: true,
		MaxConns: 30})
	if err != nil {
		t.Fatal(err)
	}
	defer ledger.Close()
	cfg := engine.DefaultLabConfig()
	cfg.Clients, cfg.Repetitions, cfg.Cap = []int{5, 20}, 1, 100*time.Millisecond
	cfg.Strategies = []engine.Strategy{engine.StrategyFullJitter, engine.StrategyExponential}
	r, err := engine.RunLiveLab(ctx, ledger, cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range r.Points {
		if p.MeanAttempts < float64(p.Clients) || p.MeanCompletion <= 0 {
			t.Errorf("%s at %d clients: %.1f attempts in %s", p.Strategy, p.Clients,
				p.MeanAttempts, p.MeanCompletion)
		}
	}
	audit, err := ledger.Audit(ctx)
	if err != nil || !audit.OK() || audit.Settled != 2*(5+20) {
		t.Fatalf("audit after the lab: %v\n%s", err, audit)
	}
	if p, _ := r.Point(engine.StrategyExponential, 20); p.MeanAttempts <= 20 {
		t.Fatalf("20 clients on two rows never conflicted: %+v", p)
	}
}
