// Package schema holds the ledger's SQL DDL, embedded in the binary, and the code
// that applies it. The DDL is written once, in the form Aurora DSQL accepts, and
// runs unchanged on PostgreSQL but for CREATE INDEX ASYNC, which PostgreSQL spells
// CREATE INDEX. Every statement is idempotent and applied in a transaction of its
// own, as DSQL requires.
package schema

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/quantedge/qex/internal/retry"
	"github.com/quantedge/qex/internal/sqlstate"
)

//go:embed ledger/*.sql
var ledgerFiles embed.FS

// Dialect is the database a statement is written for.
type Dialect int

// Dialects.
const (
	PostgreSQL Dialect = iota
	DSQL
)

// String names the dialect.
func (d Dialect) String() string {
	if d == DSQL {
		return "Aurora DSQL"
	}
	return "PostgreSQL"
}

// Statement is one DDL statement and the file it came from.
type Statement struct {
	File string
	SQL  string // as written, for DSQL
}

// For returns the statement in the dialect's form.
func (s Statement) For(d Dialect) string {
	if d == PostgreSQL {
		return strings.Replace(s.SQL, "INDEX ASYNC", "INDEX", 1)
	}
	return s.SQL
}

// Ledger returns the ledger's DDL statements in the order they apply.
func Ledger() ([]Statement, error) {
	names, err := fs.Glob(ledgerFiles, "ledger/*.sql")
	if err != nil {
		return nil, err
	}
	slices.Sort(names)
	out := make([]Statement, 0, len(names))
	for _, name := range names {
		raw, err := ledgerFiles.ReadFile(name)
		if err != nil {
			return nil, err
		}
		out = append(out, Statement{File: path.Base(name), SQL: stripComments(string(raw))})
	}
	return out, nil
}

// stripComments drops "--" comment lines and surrounding space; statements keep
// no trailing semicolon.
func stripComments(sql string) string {
	var kept []string
	for line := range strings.SplitSeq(sql, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(line), "--") {
			kept = append(kept, line)
		}
	}
	return strings.TrimSuffix(strings.TrimSpace(strings.Join(kept, "\n")), ";")
}

// Execer runs a statement: a pool or a connection.
type Execer interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
}

// applyRetry is how a statement a concurrent schema change failed is tried
// again.
var applyRetry = retry.Policy{Attempts: 8,
	Backoff: retry.Backoff{Base: 50 * time.Millisecond, Cap: 2 * time.Second}}

// Apply runs every ledger statement, each in its own transaction. A statement
// that fails with a serialization conflict (a DSQL schema change invalidates
// cached catalogs) or with a duplicate-object error (PostgreSQL, when another
// process creates the same table at the same moment) is tried again.
func Apply(ctx context.Context, db Execer, d Dialect) error {
	stmts, err := Ledger()
	if err != nil {
		return fmt.Errorf("reading the embedded schema: %w", err)
	}
	for _, s := range stmts {
		if err := applyOne(ctx, db, s.For(d)); err != nil {
			return fmt.Errorf("applying %s: %w", s.File, err)
		}
	}
	return nil
}

func applyOne(ctx context.Context, db Execer, sql string) error {
	return applyRetry.Do(ctx, retryable, func() error {
		_, err := db.Exec(ctx, sql)
		return err
	})
}

// retryable reports the errors a concurrent schema change can raise that a
// retry resolves. A unique violation is a pg_type entry created by a concurrent
// CREATE TABLE.
func retryable(err error) bool {
	switch sqlstate.Of(err) {
	case sqlstate.SerializationFailure, sqlstate.UniqueViolation, sqlstate.DuplicateTable,
		sqlstate.DuplicateObject:
		return true
	}
	return false
}
