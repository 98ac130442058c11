package schema

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

// failingDB fails the first statement it is given with each of codes in turn,
// then runs everything.
type failingDB struct {
	mu    sync.Mutex
	codes []string
	calls int
}

func (db *failingDB) Exec(context.Context, string, ...any) (pgconn.CommandTag, error) {
	db.mu.Lock()
	defer db.mu.Unlock()
	db.calls++
	if db.calls <= len(db.codes) {
		return pgconn.CommandTag{}, &pgconn.PgError{Code: db.codes[db.calls-1]}
	}
	return pgconn.CommandTag{}, nil
}

func statements(t *testing.T) int {
	t.Helper()
	stmts, err := Ledger()
	if err != nil {
		t.Fatal(err)
	}
	return len(stmts)
}

// TestApplyRetries: what a concurrent schema change raises is tried again; any
// other error stops Apply at once, naming the file.
func TestApplyRetries(t *testing.T) {
	n := statements(t)
	db := &failingDB{codes: []string{"40001", "42P07", "42710", "23505"}}
	if err := Apply(context.Background(), db, PostgreSQL); err != nil {
		t.Fatalf("Apply after passing failures: %v", err)
	}
	if db.calls != n+4 {
		t.Fatalf("%d statements run, want %d: %d and the 4 failed tries", db.calls, n+4, n)
	}
	db = &failingDB{codes: []string{"42601"}}
	err := Apply(context.Background(), db, PostgreSQL)
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || pgErr.Code != "42601" || db.calls != 1 ||
		!strings.Contains(err.Error(), "001_enterprise_accounts.sql") {
		t.Fatalf("Apply = %v after %d statements; want the syntax error at once", err, db.calls)
	}
}

// TestApplyGivesUp: a statement that keeps failing is tried applyRetry.Attempts
// times, with capped waits between tries and none after the last, and Apply
// returns its error.
func TestApplyGivesUp(t *testing.T) {
	if testing.Short() {
		t.Skip("waits out a full retry policy")
	}
	always := make([]string, 100)
	for i := range always {
		always[i] = "40001"
	}
	db := &failingDB{codes: always}
	var most time.Duration // the longest all waits can take
	for n := range applyRetry.Attempts - 1 {
		most += min(applyRetry.Cap, applyRetry.Base<<n)
	}
	start := time.Now()
	err := Apply(context.Background(), db, PostgreSQL)
	took := time.Since(start)
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || pgErr.Code != "40001" || db.calls != applyRetry.Attempts {
		t.Fatalf("Apply = %v after %d tries, want 40001 after %d", err, db.calls,
			applyRetry.Attempts)
	}
	if took > most+time.Second {
		t.Fatalf("Apply took %s to give up; the waits between tries total at most %s", took, most)
	}
}
