package pg

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/quantedge/qex/money"
	"github.com/quantedge/qex/schema"
	"github.com/quantedge/qex/store"
	"github.com/quantedge/qex/store/pg/pgtest"
)

var closedAt = time.Date(2026, 1, 1, 0, 0, 1, 0, time.UTC)

// open gives a test a ledger on a database of its own, seeded with two
// advertisers and a publisher.
func open(t *testing.T, budget money.Micros) *Ledger {
	t.Helper()
	ctx := context.Background()
	l, err := Open(ctx, Options{DSN: pgtest.NewDatabase(t), ApplySchema: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = l.Close() })
	err = l.SeedAccounts(ctx, []store.Account{
		{ID: "adv-1", Kind: store.Advertiser, Initial: budget},
		{ID: "adv-2", Kind: store.Advertiser, Initial: budget},
		{ID: "pub-1", Kind: store.Publisher},
	})
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func closedSlot(id, advertiser string, price money.Micros) store.Slot {
	return store.Slot{ID: id, Publisher: "pub-1", Floor: 10 * money.Cent, ClosedAt: closedAt,
		Status: store.SlotClosed, Price: price, RunID: "run-1",
		Winner: &store.Bid{ID: "bid-" + id, SlotID: id, Region: "us-east-1", Advertiser: advertiser,
			Price: price, Arrival: closedAt.Add(-time.Second)}}
}

func mustClose(t *testing.T, l *Ledger, slots ...store.Slot) {
	t.Helper()
	if err := l.CloseSlots(context.Background(), slots); err != nil {
		t.Fatal(err)
	}
}

func cleanAudit(t *testing.T, l *Ledger) store.AuditReport {
	t.Helper()
	r, err := l.Audit(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !r.OK() {
		t.Fatalf("audit failed:\n%s", r)
	}
	return r
}

func settle(l *Ledger, id string) (store.SettleResult, error) {
	return l.Settle(context.Background(), store.SettleRequest{Slot: store.Slot{ID: id},
		RunID: "run-1", Attempt: 1, Racer: 1})
}

func TestSchemaAppliesTwice(t *testing.T) {
	l := open(t, money.Dollar)
	for range 2 {
		if err := schema.Apply(context.Background(), l.pool, schema.PostgreSQL); err != nil {
			t.Fatalf("applying the schema again: %v", err)
		}
	}
}

func TestSettle(t *testing.T) {
	ctx := context.Background()
	l := open(t, 10*money.Dollar)
	mustClose(t, l, closedSlot("s1", "adv-1", 3*money.Dollar))
	mustClose(t, l, closedSlot("s1", "adv-2", 9*money.Dollar)) // ignored: already closed

	res, err := settle(l, "s1")
	if err != nil || res.Status != store.SlotSettled || res.SettlementID == "" {
		t.Fatalf("Settle = %+v, %v", res, err)
	}
	if w := res.Slot.Winner; w == nil || w.Advertiser != "adv-1" || res.Slot.Price != 3*money.Dollar {
		t.Fatalf("settled %+v, want the recorded winner adv-1 at $3", res.Slot)
	}
	top, err := l.TopAccounts(ctx, store.Advertiser, 5)
	if err != nil {
		t.Fatal(err)
	}
	if top[0].ID != "adv-2" || top[1].ID != "adv-1" || top[1].Balance != 7*money.Dollar ||
		top[1].Initial != 10*money.Dollar {
		t.Fatalf("balances %+v", top)
	}
	if _, err := settle(l, "s1"); !errors.Is(err, store.ErrAlreadySettled) {
		t.Fatalf("second Settle: %v, want ErrAlreadySettled", err)
	}
	r := cleanAudit(t, l)
	if r.Settled != 1 || r.Settlements != 1 || r.Entries != 2 || r.BalanceTotal != 20*money.Dollar {
		t.Fatalf("audit %+v", r)
	}
	var bidID string
	err = l.pool.QueryRow(ctx, `SELECT bid_id FROM ad_bids WHERE slot_id = 's1'`).Scan(&bidID)
	if err != nil || bidID != "bid-s1" {
		t.Fatalf("winning bid row: %q, %v", bidID, err)
	}
}

func TestSettleInsufficientFundsAndUnknowns(t *testing.T) {
	l := open(t, 5*money.Dollar)
	mustClose(t, l, closedSlot("s1", "adv-1", 3*money.Dollar), closedSlot("s2", "adv-1", 3*money.Dollar),
		closedSlot("ghost", "adv-9", money.Dollar))
	if _, err := settle(l, "s1"); err != nil {
		t.Fatal(err)
	}
	res, err := settle(l, "s2")
	if err != nil || res.Status != store.SlotUnsold || res.Reason != store.ReasonInsufficientFunds {
		t.Fatalf("Settle = %+v, %v; want unsold, insufficient funds", res, err)
	}
	if _, err := settle(l, "s2"); !errors.Is(err, store.ErrAlreadyUnsold) {
		t.Fatalf("settling an unsold slot again: %v, want ErrAlreadyUnsold", err)
	}
	if _, err := settle(l, "nope"); !errors.Is(err, store.ErrUnknownSlot) {
		t.Fatalf("unknown slot: %v", err)
	}
	if _, err := settle(l, "ghost"); !errors.Is(err, store.ErrUnknownAccount) {
		t.Fatalf("unknown advertiser: %v", err)
	}
	r := cleanAudit(t, l)
	if r.Settled != 1 || r.Unsold != 1 || r.AwaitingSettlement != 1 {
		t.Fatalf("audit %+v", r)
	}
}

// TestFirstCommitterWins holds the slot's row in another transaction, as a
// racer a moment ahead would, starts a settlement that must wait for it, then
// commits the other transaction first: the settlement gets SQLSTATE 40001 as the
// engine's conflict, leaves nothing behind, and its connection is clean after.
func TestFirstCommitterWins(t *testing.T) {
	ctx := context.Background()
	l := open(t, 10*money.Dollar)
	mustClose(t, l, closedSlot("s1", "adv-1", money.Dollar))
	ahead, err := l.pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ahead.Exec(ctx, `UPDATE ad_slots SET version = version + 1
		WHERE slot_id = 's1'`); err != nil {
		t.Fatal(err)
	}
	errc := make(chan error, 1)
	go func() {
		_, err := settle(l, "s1")
		errc <- err
	}()
	waitForLockWait(t, l)
	if err := ahead.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	err = <-errc
	var ce *store.ConflictError
	if !errors.Is(err, store.ErrConflict) || !errors.As(err, &ce) || ce.Code != "40001" {
		t.Fatalf("the settlement behind: %v, want a 40001 conflict", err)
	}
	if r := cleanAudit(t, l); r.Settlements != 0 || r.AwaitingSettlement != 1 {
		t.Fatalf("after the conflict: %+v", r)
	}
	// The retry, in a fresh transaction, settles.
	res, err := settle(l, "s1")
	if err != nil || res.Status != store.SlotSettled || res.Slot.ID != "s1" ||
		res.Slot.Winner == nil || res.Slot.Winner.SlotID != "s1" {
		t.Fatalf("retry: %+v, %v", res, err)
	}
	cleanAudit(t, l)
	// No connection went back to the pool inside the failed transaction.
	for range 8 {
		var one int
		if err := l.pool.QueryRow(ctx, "SELECT 1").Scan(&one); err != nil {
			t.Fatalf("a pooled connection is unusable: %v", err)
		}
	}
}

// TestAdvertiserIsItsOwnPublisher: an account on both sides of a settlement is
// debited and credited by two entries; nothing collides.
func TestAdvertiserIsItsOwnPublisher(t *testing.T) {
	l := open(t, 10*money.Dollar)
	s := closedSlot("s1", "adv-1", money.Dollar)
	s.Publisher = "adv-1"
	mustClose(t, l, s)
	if res, err := settle(l, "s1"); err != nil || res.Status != store.SlotSettled {
		t.Fatalf("Settle = %+v, %v", res, err)
	}
	if r := cleanAudit(t, l); r.Entries != 2 || r.BalanceTotal != r.InitialTotal {
		t.Fatalf("audit %+v", r)
	}
}

// TestManySlotsAtOnce closes more slots in one call than one statement takes.
func TestManySlotsAtOnce(t *testing.T) {
	ctx := context.Background()
	l := open(t, money.Dollar)
	slots := make([]store.Slot, 2*maxRowsPerStatement+500)
	for i := range slots {
		slots[i] = closedSlot(fmt.Sprintf("s%d", i), "adv-1", 1)
	}
	mustClose(t, l, slots...)
	mustClose(t, l, slots...) // again: nothing changes
	pending, err := l.PendingSlots(ctx, store.PendingFilter{ClosedBefore: closedAt.Add(time.Hour)})
	if err != nil || len(pending) != len(slots) {
		t.Fatalf("%d pending, want %d (%v)", len(pending), len(slots), err)
	}
}

// waitForLockWait waits until some backend waits on a row lock.
func waitForLockWait(t *testing.T, l *Ledger) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		var waiting int
		err := l.pool.QueryRow(context.Background(), `SELECT count(*) FROM pg_stat_activity
			WHERE datname = current_database() AND wait_event_type = 'Lock'`).Scan(&waiting)
		if err != nil {
			t.Fatal(err)
		}
		if waiting > 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("the settlement never waited for the row")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestLostCommit loses the connection around the COMMIT, before and after the
// server ran it, and checks the attempt reads the truth back.
func TestLostCommit(t *testing.T) {
	lost := io.ErrUnexpectedEOF // as pgx reports a connection that broke mid-answer
	tests := []struct {
		name      string
		serverRan bool
		wantErr   bool
	}{
		{"lost after the commit", true, false},
		{"lost before the commit", false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := open(t, 10*money.Dollar)
			mustClose(t, l, closedSlot("s1", "adv-1", money.Dollar))
			l.send = func(ctx context.Context, conn *pgx.Conn, b *pgx.Batch) (attemptResult, error) {
				if tt.serverRan {
					if _, err := sendAttempt(ctx, conn, b); err != nil {
						t.Fatal(err)
					}
				}
				_ = conn.Close(ctx)
				return attemptResult{}, lost
			}
			res, err := settle(l, "s1")
			var ce *store.ConflictError
			if tt.wantErr {
				if !errors.As(err, &ce) || ce.Code != "08006" || !errors.Is(err, lost) {
					t.Fatalf("Settle = %+v, %v; want a retryable 08006 conflict", res, err)
				}
			} else if err != nil || res.Status != store.SlotSettled || res.SettlementID == "" {
				t.Fatalf("Settle = %+v, %v; want settled (the commit went through)", res, err)
			}
			r := cleanAudit(t, l)
			if want := map[bool]int{true: 1, false: 0}[tt.serverRan]; r.Settlements != want {
				t.Fatalf("%d settlements, want %d", r.Settlements, want)
			}
			l.send = sendAttempt
			if _, err := settle(l, "s1"); tt.serverRan != errors.Is(err, store.ErrAlreadySettled) {
				t.Fatalf("settling again: %v", err)
			}
		})
	}
}

func TestPendingSlots(t *testing.T) {
	ctx := context.Background()
	l := open(t, money.Dollar)
	a, b, c := closedSlot("a", "adv-1", 1), closedSlot("b", "adv-1", 1), closedSlot("c", "adv-1", 1)
	b.ClosedAt, c.ClosedAt, c.RunID = closedAt.Add(-time.Second), closedAt.Add(time.Hour), "run-2"
	unsold := store.Slot{ID: "u", Publisher: "pub-1", Status: store.SlotUnsold,
		Reason: store.ReasonNoEligibleBid, ClosedAt: closedAt, RunID: "run-1"}
	mustClose(t, l, a, b, c, unsold)

	got, err := l.PendingSlots(ctx, store.PendingFilter{ClosedBefore: closedAt.Add(time.Minute)})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].ID != "b" || got[1].ID != "a" {
		t.Fatalf("pending = %+v, want [b a]", got)
	}
	if w := got[1].Winner; w == nil || w.ID != "bid-a" || !w.Arrival.Equal(a.Winner.Arrival) ||
		got[1].Price != 1 || got[1].Floor != a.Floor || got[1].RunID != "run-1" {
		t.Fatalf("pending slot read back as %+v (winner %+v)", got[1], got[1].Winner)
	}
	got, _ = l.PendingSlots(ctx, store.PendingFilter{ClosedBefore: closedAt.Add(2 * time.Hour),
		RunID: "run-2"})
	if len(got) != 1 || got[0].ID != "c" {
		t.Fatalf("pending of run-2 = %+v", got)
	}
	got, _ = l.PendingSlots(ctx, store.PendingFilter{ClosedBefore: closedAt.Add(2 * time.Hour), Limit: 1})
	if len(got) != 1 || got[0].ID != "b" {
		t.Fatalf("limited = %+v", got)
	}
}

func TestRecordsAndSeeding(t *testing.T) {
	ctx := context.Background()
	l := open(t, money.Dollar)
	events := []store.ConflictEvent{
		{SlotID: "s1", RunID: "r", Attempt: 1, Racer: 2, Code: "40001", Detail: "OC000", At: closedAt},
		{SlotID: "s1", RunID: "r", Attempt: 2, Racer: 3, Code: "40001", At: closedAt},
	}
	if err := l.RecordConflicts(ctx, events); err != nil {
		t.Fatal(err)
	}
	run := store.Run{ID: "r", StartedAt: closedAt, Config: `{"seed":1}`}
	if err := l.RecordRun(ctx, run); err != nil {
		t.Fatal(err)
	}
	run.EndedAt, run.Summary = closedAt.Add(time.Minute), `{"settled":3}`
	if err := l.RecordRun(ctx, run); err != nil {
		t.Fatal(err)
	}
	var n int
	var summary string
	err := l.pool.QueryRow(ctx, `SELECT count(*) FROM conflict_events WHERE detail = 'OC000'`).
		Scan(&n)
	if err != nil || n != 1 {
		t.Fatalf("conflict events with OC000: %d, %v", n, err)
	}
	err = l.pool.QueryRow(ctx, `SELECT summary FROM simulation_runs WHERE run_id = 'r'`).
		Scan(&summary)
	if err != nil || summary != run.Summary {
		t.Fatalf("run summary %q, %v", summary, err)
	}
	// Seeding again, with other budgets, keeps the accounts as they are.
	if err := l.SeedAccounts(ctx, []store.Account{{ID: "adv-1", Kind: store.Advertiser,
		Initial: 99 * money.Dollar}}); err != nil {
		t.Fatal(err)
	}
	if r := cleanAudit(t, l); r.Accounts != 3 || r.InitialTotal != 2*money.Dollar {
		t.Fatalf("audit after re-seeding: %+v", r)
	}
}

// TestAuditCatchesMisbooking moves money between the wrong accounts with every
// total still right, and overdraws one.
func TestAuditCatchesMisbooking(t *testing.T) {
	ctx := context.Background()
	l := open(t, 10*money.Dollar)
	mustClose(t, l, closedSlot("s1", "adv-1", money.Dollar))
	if _, err := settle(l, "s1"); err != nil {
		t.Fatal(err)
	}
	for _, sql := range []string{
		`UPDATE financial_ledger SET account_id = 'adv-2' WHERE side = 'credit'`,
		`UPDATE enterprise_accounts SET balance_micros = balance_micros - 20000000
		 WHERE account_id = 'adv-1'`,
		`UPDATE enterprise_accounts SET balance_micros = balance_micros + 20000000
		 WHERE account_id = 'adv-2'`,
	} {
		if _, err := l.pool.Exec(ctx, sql); err != nil {
			t.Fatal(err)
		}
	}
	r, err := l.Audit(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if r.MismatchedEntries != 1 || r.NegativeBalances != 1 || r.MisbookedAccounts != 3 ||
		r.BalanceTotal != r.InitialTotal || r.OK() {
		t.Fatalf("audit missed misbooking: %+v\n%s", r, r)
	}
}

// TestAuditCatchesDamage breaks the ledger's rows behind its back and checks
// the audit names each kind of damage.
func TestAuditCatchesDamage(t *testing.T) {
	ctx := context.Background()
	l := open(t, 10*money.Dollar)
	mustClose(t, l, closedSlot("s1", "adv-1", money.Dollar), closedSlot("s2", "adv-1", money.Dollar),
		closedSlot("s3", "adv-1", money.Dollar))
	for _, id := range []string{"s1", "s2"} {
		if _, err := settle(l, id); err != nil {
			t.Fatal(err)
		}
	}
	for _, sql := range []string{
		`UPDATE financial_ledger SET amount_micros = amount_micros + 1
		 WHERE slot_id = 's1' AND amount_micros > 0`,
		`UPDATE enterprise_accounts SET balance_micros = balance_micros + 5 WHERE account_id = 'pub-1'`,
		`UPDATE ad_slots SET status = 'unsold' WHERE slot_id = 's2'`,
		`UPDATE ad_slots SET status = 'settled' WHERE slot_id = 's3'`,
		`INSERT INTO financial_ledger (settlement_id, side, slot_id, account_id, amount_micros)
		 VALUES (gen_random_uuid(), 'credit', 'x', 'pub-1', 0)`,
	} {
		if _, err := l.pool.Exec(ctx, sql); err != nil {
			t.Fatal(err)
		}
	}
	r, err := l.Audit(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if r.UnbalancedSettlements != 1 || r.MoneyConserved() || r.SettlementsNotSettled != 1 ||
		r.SettledWithoutSettlement != 1 || r.OrphanEntries != 1 || r.MisbookedAccounts != 1 ||
		r.MismatchedEntries != 1 || r.OK() {
		t.Fatalf("audit missed damage: %+v\n%s", r, r)
	}
}

func TestOpenErrors(t *testing.T) {
	dsn := "postgres://nobody:hunter2@127.0.0.1:1/x?connect_timeout=2"
	_, err := Open(context.Background(), Options{DSN: dsn})
	if err == nil {
		t.Fatal("opened a ledger on a closed port")
	}
	msg := err.Error()
	if !strings.Contains(msg, "connecting to PostgreSQL") || strings.Contains(msg, "hunter2") {
		t.Fatalf("error %q: want what failed, without the password", msg)
	}
	_, err = Open(context.Background(), Options{DSQL: &DSQLOptions{Endpoint: testEndpoint,
		Credentials: staticCreds()}, Serializable: true})
	if err == nil || !strings.Contains(err.Error(), "REPEATABLE READ") {
		t.Fatalf("serializable on DSQL: %v", err)
	}
}
