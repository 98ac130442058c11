package pg

import (
	"context"
	"errors"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/quantedge/qex/internal/sqlstate"
)

// TestExecRetriesConflicts: a statement that keeps failing with 40001 is
// tried execRetry.Attempts times and fails with that error; any other
// error is not tried again. A sequence counts the tries: nextval survives the
// rollback of the statement that called it.
func TestExecRetriesConflicts(t *testing.T) {
	ctx := context.Background()
	l := open(t)
	if _, err := l.pool.Exec(ctx, `CREATE SEQUENCE tries`); err != nil {
		t.Fatal(err)
	}
	failWith := func(code string) string {
		return `DO $$ BEGIN PERFORM nextval('tries');
			RAISE EXCEPTION 'failing' USING ERRCODE = '` + code + `'; END $$`
	}
	tries := func() int {
		var n int
		if err := l.pool.QueryRow(ctx, `SELECT last_value FROM tries`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	tests := []struct {
		code      string
		wantTries int
	}{
		{sqlstate.SerializationFailure, execRetry.Attempts},
		{sqlstate.UniqueViolation, execRetry.Attempts + 1},
	}
	for _, tt := range tests {
		err := l.execRetrying(ctx, failWith(tt.code))
		var pgErr *pgconn.PgError
		if !errors.As(err, &pgErr) || pgErr.Code != tt.code || tries() != tt.wantTries {
			t.Fatalf("SQLSTATE %s: %v after %d tries in all, want it after %d", tt.code, err,
				tries(), tt.wantTries)
		}
	}
}
