package engine_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/quantedge/qex/engine"
	"github.com/quantedge/qex/money"
	"github.com/quantedge/qex/store"
	"github.com/quantedge/qex/store/memory"
	"github.com/quantedge/qex/store/pg"
	"github.com/quantedge/qex/store/pg/pgtest"
)

// benchClients is how many connections each side of a comparison uses: the
// settlement workers here, and pgbench's clients in `make bench`.
const benchClients = 8

// t0 is when the benchmarks' traffic starts.
var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// benchRun counts benchmark invocations, so that each replays slots of its own
// into the shared database.
var benchRun atomic.Int64

// slotTraffic makes slots of bidsPerSlot bids each, named for this invocation.
func slotTraffic(slots, bidsPerSlot int) *engine.Traffic {
	run := benchRun.Add(1)
	t := &engine.Traffic{Advertisers: map[string]money.Micros{}}
	regions := engine.DefaultRegions()
	for i := range slots {
		id := fmt.Sprintf("bench-%d-%d", run, i)
		t.Slots = append(t.Slots, engine.TrafficSlot{ID: id, Publisher: fmt.Sprintf("pub-%d", i%20),
			Floor: 10 * money.Cent, Close: t0.Add(time.Second)})
		for j := range bidsPerSlot {
			t.Bids = append(t.Bids, store.Bid{ID: fmt.Sprintf("%s-%d", id, j), SlotID: id,
				Region: regions[j%len(regions)].Name, Advertiser: fmt.Sprintf("adv-%d", (i+j)%50),
				Price:   money.Micros(100+(i*31+j*17)%900) * money.Cent,
				Arrival: t0.Add(time.Duration(j) * time.Microsecond)})
		}
	}
	return t
}

func benchLedger(b *testing.B) *pg.Ledger {
	b.Helper()
	l, err := pg.Open(context.Background(), pg.Options{DSN: pgtest.NewDatabase(b),
		ApplySchema: true, MaxConns: benchClients + 4})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = l.Close() })
	return l
}

// replay runs traffic through the engine with benchClients settlement workers
// and K racers per slot, and checks the ledger after.
func replay(b *testing.B, ledger store.Ledger, traffic *engine.Traffic, k int) engine.Report {
	b.Helper()
	bids := memory.NewBidStore(memory.BidOptions{})
	defer bids.Close()
	cfg := engine.DefaultConfig()
	cfg.Workers, cfg.Contention, cfg.DrainTimeout = benchClients, k, 10*time.Minute
	e, err := engine.New(cfg, bids, ledger)
	if err != nil {
		b.Fatal(err)
	}
	r, err := e.Replay(context.Background(), traffic)
	if err != nil {
		b.Fatal(err)
	}
	if !r.OK() || !r.Drained {
		b.Fatalf("invariants failed:\n%s", r.Audit)
	}
	return r
}

// BenchmarkSettlePostgres measures settlements per second into local PostgreSQL
// with benchClients workers, one bid per slot, at K=1 (every worker on a slot of
// its own) and K=8 (all eight racing for each slot). One op is one slot, from
// replay to drained; settlements/s is the steady rate, first commit to last, as
// pgbench reports its transactions.
func BenchmarkSettlePostgres(b *testing.B) {
	for _, k := range []int{1, 8} {
		b.Run(fmt.Sprintf("K=%d", k), func(b *testing.B) {
			ledger := benchLedger(b)
			traffic := slotTraffic(b.N, 1)
			b.ResetTimer()
			r := replay(b, ledger, traffic, k)
			b.StopTimer()
			span := settlingSpan(b, ledger, traffic.Slots[0].ID)
			b.ReportMetric(float64(r.Snapshot.Settled)/span.Seconds(), "settlements/s")
			b.ReportMetric(float64(r.Snapshot.Attempts)/span.Seconds(), "attempts/s")
			b.ReportMetric(float64(r.Snapshot.Conflicts)/float64(b.N), "conflicts/slot")
		})
	}
}

// settlingSpan is the time from the invocation's first settlement to its last.
func settlingSpan(b *testing.B, ledger *pg.Ledger, firstSlot string) time.Duration {
	b.Helper()
	prefix := firstSlot[:strings.LastIndex(firstSlot, "-")+1]
	var span time.Duration
	err := ledger.Pool().QueryRow(context.Background(), `SELECT max(settled_at) - min(settled_at)
		FROM settlements WHERE slot_id LIKE $1 || '%'`, prefix).Scan(&span)
	if err != nil {
		b.Fatal(err)
	}
	if span <= 0 { // one settlement: no span to measure a rate over
		return b.Elapsed()
	}
	return span
}

// bidsPerSlot is the traffic of one auction in the two-tier comparison.
const bidsPerSlot = 1000

// BenchmarkTwoTier measures bids handled per second the QEX way: every bid into
// the embedded bid store, only each slot's winner through a settlement in
// PostgreSQL. One op is one bid.
func BenchmarkTwoTier(b *testing.B) {
	ledger := benchLedger(b)
	traffic := slotTraffic(max(1, b.N/bidsPerSlot), bidsPerSlot)
	b.ResetTimer()
	r := replay(b, ledger, traffic, 1)
	b.StopTimer()
	b.ReportMetric(float64(r.Snapshot.Ingested)/b.Elapsed().Seconds(), "bids/s")
}

// BenchmarkSingleTier is the baseline: every bid written through its own
// SERIALIZABLE transaction in PostgreSQL (insert the bid, raise the slot's best
// price), retried on serialization failures, by benchClients clients. One op is
// one bid.
func BenchmarkSingleTier(b *testing.B) {
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, pgtest.NewDatabase(b))
	if err != nil {
		b.Fatal(err)
	}
	defer pool.Close()
	for _, ddl := range []string{
		`CREATE TABLE single_tier_bids (slot_id text, bid_id text, region text, advertiser_id text,
		 price_micros bigint, arrival timestamptz, PRIMARY KEY (slot_id, region, bid_id))`,
		`CREATE TABLE single_tier_best (slot_id text PRIMARY KEY, price_micros bigint NOT NULL)`,
	} {
		if _, err := pool.Exec(ctx, ddl); err != nil {
			b.Fatal(err)
		}
	}
	traffic := slotTraffic(max(1, b.N/bidsPerSlot), bidsPerSlot)
	bids := traffic.Bids[:min(b.N, len(traffic.Bids))]
	var next atomic.Int64
	var retries atomic.Int64
	var wg sync.WaitGroup
	b.ResetTimer()
	for range benchClients {
		wg.Go(func() {
			for i := next.Add(1) - 1; i < int64(len(bids)); i = next.Add(1) - 1 {
				if err := writeBid(ctx, pool, bids[i], &retries); err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	b.StopTimer()
	b.ReportMetric(float64(len(bids))/b.Elapsed().Seconds(), "bids/s")
	b.ReportMetric(float64(retries.Load())/float64(len(bids)), "retries/bid")
}

const (
	insertBid = `INSERT INTO single_tier_bids VALUES ($1, $2, $3, $4, $5, $6)`
	raiseBest = `INSERT INTO single_tier_best VALUES ($1, $2) ON CONFLICT (slot_id)
	DO UPDATE SET price_micros = greatest(single_tier_best.price_micros, excluded.price_micros)`
)

func writeBid(ctx context.Context, pool *pgxpool.Pool, bid store.Bid, retries *atomic.Int64) error {
	for {
		err := pgx.BeginTxFunc(ctx, pool, pgx.TxOptions{IsoLevel: pgx.Serializable},
			func(tx pgx.Tx) error {
				b := &pgx.Batch{}
				b.Queue(insertBid, bid.SlotID, bid.ID, bid.Region, bid.Advertiser, int64(bid.Price),
					bid.Arrival)
				b.Queue(raiseBest, bid.SlotID, int64(bid.Price))
				return tx.SendBatch(ctx, b).Close()
			})
		var pgErr *pgconn.PgError
		if errors.As(err, &pgErr) && (pgErr.Code == "40001" || pgErr.Code == "40P01") {
			retries.Add(1)
			continue
		}
		return err
	}
}
