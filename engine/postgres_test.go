package engine

import (
	"context"
	"testing"
	"time"

	"github.com/quantedge/qex/store/pg"
	"github.com/quantedge/qex/store/pg/pgtest"
)

// openPostgres gives a test a PostgreSQL ledger on a database of its own.
func openPostgres(t *testing.T, opts pg.Options) *pg.Ledger {
	t.Helper()
	opts.DSN, opts.ApplySchema = pgtest.NewDatabase(t), true
	ledger, err := pg.Open(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ledger.Close() })
	return ledger
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
		t.Run(tt.name, func(t *testing.T) {
			tt.opts.MaxConns = 40
			ledger := openPostgres(t, tt.opts)
			cfg := DefaultConfig()
			cfg.Contention, cfg.Workers = 8, 32
			cfg.DrainTimeout = 2 * time.Minute
			r, got := replay(t, cfg, nil, ledger, syntheticTraffic(tt.slots, 10))
			checkRace(t, r, got, tt.slots)
			var recorded uint64
			err := ledger.Pool().QueryRow(context.Background(), `SELECT count(*)
				FROM conflict_events WHERE run_id = $1`, got.runID()).Scan(&recorded)
			if err != nil {
				t.Fatal(err)
			}
			checkRecorded(t, r, recorded)
		})
	}
}

// TestLiveLabOnPostgres runs the retry lab's experiment against PostgreSQL: the
// clients' writes all touch two account rows, so they collide there.
func TestLiveLabOnPostgres(t *testing.T) {
	ledger := openPostgres(t, pg.Options{MaxConns: 30})
	cfg := DefaultLabConfig()
	cfg.Clients, cfg.Repetitions, cfg.Cap = []int{5, 20}, 1, 100*time.Millisecond
	cfg.Strategies = []Strategy{StrategyFullJitter, StrategyExponential}
	r, err := RunLiveLab(context.Background(), ledger, cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range r.Points {
		if p.MeanAttempts < float64(p.Clients) || p.MeanCompletion <= 0 {
			t.Errorf("%s at %d clients: %.1f attempts in %s", p.Strategy, p.Clients,
				p.MeanAttempts, p.MeanCompletion)
		}
	}
	audit, err := ledger.Audit(context.Background())
	if err != nil || !audit.OK() || audit.Settled != 2*(5+20) {
		t.Fatalf("audit after the lab: %v\n%s", err, audit)
	}
	if p, _ := r.Point(StrategyExponential, 20); p.MeanAttempts <= 20 {
		t.Fatalf("20 clients on two rows never conflicted: %+v", p)
	}
}
