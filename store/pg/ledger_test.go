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
	"github.com/quantedge/qex/store/storetest"
)

// open gives a test a ledger on a database of its own.
func open(t *testing.T) *Ledger {
	t.Helper()
	return openWith(t, Options{})
}

func openWith(t *testing.T, opts Options) *Ledger {
	t.Helper()
	opts.DSN, opts.ApplySchema = pgtest.NewDatabase(t), true
	l, err := Open(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = l.Close() })
	return l
}

// seeded is a ledger seeded as storetest.Seed does.
func seeded(t *testing.T, budget money.Micros) *Ledger {
	t.Helper()
	l := open(t)
	storetest.Seed(t, l, budget)
	return l
}

// TestLedgerContract runs the contract on the PostgreSQL ledger, and with its
// statements described first, as on DSQL.
func TestLedgerContract(t *testing.T) {
	for name, opts := range map[string]Options{
		"prepared":  {},
		"described": {DescribeStatements: true},
	} {
		t.Run(name, func(t *testing.T) {
			storetest.LedgerContract(t, func(t *testing.T) store.Ledger { return openWith(t, opts) })
		})
	}
}

func TestSchemaAppliesTwice(t *testing.T) {
	l := open(t)
	for range 2 {
		if err := schema.Apply(context.Background(), l.pool, schema.PostgreSQL); err != nil {
			t.Fatalf("applying the schema again: %v", err)
		}
	}
}

// TestWinningBidIsStored: the settled slot's winning bid has its row.
func TestWinningBidIsStored(t *testing.T) {
	l := seeded(t, 10*money.Dollar)
	storetest.CloseWon(t, l, "adv-1", 3*money.Dollar, "s1")
	if res, err := storetest.Settle(l, "s1"); err != nil || res.Status != store.SlotSettled {
		t.Fatalf("Settle = %+v, %v", res, err)
	}
	var bidID string
	err := l.pool.QueryRow(context.Background(), `SELECT bid_id FROM ad_bids WHERE slot_id = 's1'`).
		Scan(&bidID)
	if err != nil || bidID != "bid-s1" {
		t.Fatalf("winning bid row: %q, %v", bidID, err)
	}
}

// TestFirstCommitterWins holds the slot's row in another transaction, as a
// racer a moment ahead would, starts a settlement that must wait for it, then
// commits the other transaction first: the settlement gets SQLSTATE 40001 as the
// engine's conflict, leaves nothing behind, and its connection is clean after.
func TestFirstCommitterWins(t *testing.T) {
	ctx := context.Background()
	l := seeded(t, 10*money.Dollar)
	storetest.CloseWon(t, l, "adv-1", money.Dollar, "s1")
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
		_, err := storetest.Settle(l, "s1")
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
	if r := storetest.CleanAudit(t, l); r.Settlements != 0 || r.AwaitingSettlement != 1 {
		t.Fatalf("after the conflict: %+v", r)
	}
	// The retry, in a fresh transaction, settles.
	res, err := storetest.Settle(l, "s1")
	if err != nil || res.Status != store.SlotSettled || res.Slot.ID != "s1" ||
		res.Slot.Winner == nil || res.Slot.Winner.SlotID != "s1" {
		t.Fatalf("retry: %+v, %v", res, err)
	}
	storetest.CleanAudit(t, l)
	// No connection went back to the pool inside the failed transaction.
	for range 8 {
		var one int
		if err := l.pool.QueryRow(ctx, "SELECT 1").Scan(&one); err != nil {
			t.Fatalf("a pooled connection is unusable: %v", err)
		}
	}
}

// TestManySlotsAtOnce closes more slots in one call than one statement takes.
func TestManySlotsAtOnce(t *testing.T) {
	ctx := context.Background()
	l := seeded(t, money.Dollar)
	slots := make([]store.Slot, 2*maxRowsPerStatement+500)
	for i := range slots {
		slots[i] = storetest.ClosedSlot(fmt.Sprintf("s%d", i), "adv-1", 1)
	}
	storetest.MustClose(t, l, slots...)
	storetest.MustClose(t, l, slots...) // again: nothing changes
	later := store.PendingFilter{ClosedBefore: storetest.ClosedAt.Add(time.Hour)}
	pending, err := l.PendingSlots(ctx, later)
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
			l := seeded(t, 10*money.Dollar)
			storetest.CloseWon(t, l, "adv-1", money.Dollar, "s1")
			l.send = func(ctx context.Context, conn *pgx.Conn, b *pgx.Batch) (attemptResult, error) {
				if tt.serverRan {
					if _, err := sendAttempt(ctx, conn, b); err != nil {
						t.Fatal(err)
					}
				}
				_ = conn.Close(ctx)
				return attemptResult{}, lost
			}
			res, err := storetest.Settle(l, "s1")
			var ce *store.ConflictError
			if tt.wantErr {
				if !errors.As(err, &ce) || ce.Code != "08006" || !errors.Is(err, lost) {
					t.Fatalf("Settle = %+v, %v; want a retryable 08006 conflict", res, err)
				}
			} else if err != nil || res.Status != store.SlotSettled || res.SettlementID == "" ||
				res.Slot.ID != "s1" || res.Slot.Winner == nil || res.Slot.Winner.SlotID != "s1" {
				t.Fatalf("Settle = %+v, %v; want s1 settled (the commit went through)", res, err)
			}
			r := storetest.CleanAudit(t, l)
			if want := map[bool]int{true: 1, false: 0}[tt.serverRan]; r.Settlements != want {
				t.Fatalf("%d settlements, want %d", r.Settlements, want)
			}
			l.send = sendAttempt
			if _, err := storetest.Settle(l, "s1"); tt.serverRan != errors.Is(err, store.ErrAlreadySettled) {
				t.Fatalf("settling again: %v", err)
			}
		})
	}
}

func TestRecords(t *testing.T) {
	ctx := context.Background()
	l := open(t)
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	events := []store.ConflictEvent{
		{SlotID: "s1", RunID: "r", Attempt: 1, Racer: 2, Code: "40001", Detail: "OC000", At: at},
		{SlotID: "s1", RunID: "r", Attempt: 2, Racer: 3, Code: "40001", At: at},
	}
	if err := l.RecordConflicts(ctx, events); err != nil {
		t.Fatal(err)
	}
	run := store.Run{ID: "r", StartedAt: at, Config: `{"seed":1}`}
	if err := l.RecordRun(ctx, run); err != nil {
		t.Fatal(err)
	}
	run.EndedAt, run.Summary = at.Add(time.Minute), `{"settled":3}`
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
}

// TestAuditCatchesMisbooking moves money between the wrong accounts with every
// total still right, and overdraws one.
func TestAuditCatchesMisbooking(t *testing.T) {
	ctx := context.Background()
	l := seeded(t, 10*money.Dollar)
	storetest.CloseWon(t, l, "adv-1", money.Dollar, "s1")
	if _, err := storetest.Settle(l, "s1"); err != nil {
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
	l := seeded(t, 10*money.Dollar)
	storetest.CloseWon(t, l, "adv-1", money.Dollar, "s1", "s2", "s3")
	for _, id := range []string{"s1", "s2"} {
		if _, err := storetest.Settle(l, id); err != nil {
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

// TestUnparsableDSNHidesPassword: a connection string pgx cannot parse is not
// quoted back, since pgx masks only the part of a malformed password it can
// delimit; the error still says what is wrong.
func TestUnparsableDSNHidesPassword(t *testing.T) {
	for _, dsn := range []string{
		`postgres://qex:hunter@2secret@127.0.0.1:notaport/qex`,
		`host=127.0.0.1 user=qex password=hunter\ 2secret port=notaport`,
	} {
		_, err := Open(context.Background(), Options{DSN: dsn})
		if err == nil || !strings.Contains(err.Error(), "invalid port") {
			t.Fatalf("DSN %q: %v, want the reason it cannot be parsed", dsn, err)
		}
		if strings.Contains(err.Error(), "2secret") {
			t.Fatalf("DSN %q: the password shows in %q", dsn, err)
		}
	}
}

// TestAttemptIsolation: an attempt's transaction opens at REPEATABLE READ, or
// SERIALIZABLE when asked, on PostgreSQL; on DSQL, at its one level, and asking
// for another is an error.
func TestAttemptIsolation(t *testing.T) {
	ctx := context.Background()
	l := open(t)
	for _, serializable := range []bool{false, true} {
		begin, err := beginAttempt(schema.PostgreSQL, serializable)
		if err != nil {
			t.Fatal(err)
		}
		var level string
		conn, err := l.pool.Acquire(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := conn.Exec(ctx, begin); err != nil {
			t.Fatalf("%s: %v", begin, err)
		}
		err = conn.QueryRow(ctx, "SHOW transaction_isolation").Scan(&level)
		if _, rerr := conn.Exec(ctx, "ROLLBACK"); err == nil {
			err = rerr
		}
		conn.Release()
		want := map[bool]string{false: "repeatable read", true: "serializable"}[serializable]
		if err != nil || level != want {
			t.Fatalf("%s: transaction at %q, %v; want %q", begin, level, err, want)
		}
	}
	if begin, err := beginAttempt(schema.DSQL, false); err != nil || begin != "BEGIN" {
		t.Fatalf("DSQL: %q, %v; want a plain BEGIN", begin, err)
	}
	if _, err := beginAttempt(schema.DSQL, true); err == nil {
		t.Fatal("DSQL accepted SERIALIZABLE")
	}
}
