// Package pg is the ledger on PostgreSQL and on Amazon Aurora DSQL, through pgx.
//
// Each settlement attempt is one transaction at REPEATABLE READ, the only level
// DSQL has: a concurrent settler's write to a row this attempt also writes fails
// it with SQLSTATE 40001, which the engine retries as a conflict. The attempt's
// statements go as one batch, which also says why a slot it did not decide
// stayed undecided: one round trip on PostgreSQL, whose prepared statements pgx
// caches; two on DSQL, where each batch is described first because cached
// statements break when DSQL's schema changes. An attempt that fails costs one
// more, for its ROLLBACK.
package pg

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgconn/ctxwatch"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/quantedge/qex/schema"
)

// Pool defaults.
const (
	DefaultMaxConns = 24
	// maxConnLifetime recycles connections well before DSQL's 60-minute limit;
	// pgxpool adds jitter so they do not all reconnect at once.
	maxConnLifetime       = 50 * time.Minute
	maxConnLifetimeJitter = 5 * time.Minute
	connectTimeout        = 15 * time.Second
	// lockTimeout bounds how long a PostgreSQL statement waits for a row lock: a
	// settler stuck behind one whose connection vanished gives up as a conflict.
	lockTimeout = "10s"
	// cancelDeadline is how long a cancelled statement waits for the server to
	// answer the cancel request before its connection is dropped.
	cancelDeadline = 2 * time.Second
)

// Options configures a Ledger.
type Options struct {
	// DSN is a PostgreSQL connection string (URL or key=value). Empty means the
	// standard PG* environment variables alone. Ignored with DSQL.
	DSN string
	// DSQL, when set, connects to an Aurora DSQL cluster with IAM tokens.
	DSQL *DSQLOptions
	// Serializable runs settlements at SERIALIZABLE instead of REPEATABLE READ
	// (PostgreSQL only: DSQL has one level).
	Serializable bool
	// DescribeStatements describes each statement before running it instead of
	// caching prepared statements, as on DSQL (always) or behind a pooler that
	// cannot keep them.
	DescribeStatements bool
	// MaxConns bounds the pool; zero means DefaultMaxConns.
	MaxConns int32
	// ApplySchema creates the ledger's tables and indexes if they are missing.
	ApplySchema bool
	// Logger receives connection events; nil discards them.
	Logger *slog.Logger
}

// Ledger is the ledger in a PostgreSQL-compatible database.
type Ledger struct {
	pool    *pgxpool.Pool
	dialect schema.Dialect
	log     *slog.Logger
	secrets redactor

	// begin opens an attempt's transaction (see beginAttempt).
	begin string
	// send runs an attempt's batch; tests replace it to lose the connection at
	// the worst moment.
	send func(ctx context.Context, conn *pgx.Conn, b *pgx.Batch) (attemptResult, error)
}

// Open connects, checks the connection, and applies the schema when asked.
func Open(ctx context.Context, opts Options) (*Ledger, error) {
	l := &Ledger{log: opts.Logger}
	if l.log == nil {
		l.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	l.send = sendAttempt
	cfg, err := l.poolConfig(ctx, opts)
	if err != nil {
		return nil, l.secrets.redact(err)
	}
	if l.begin, err = beginAttempt(l.dialect, opts.Serializable); err != nil {
		return nil, err
	}
	if err := l.connect(ctx, cfg); err != nil {
		return nil, err
	}
	if opts.ApplySchema {
		if err := schema.Apply(ctx, l.pool, l.dialect); err != nil {
			l.pool.Close()
			return nil, l.secrets.redact(fmt.Errorf("applying the ledger schema: %w", err))
		}
	}
	return l, nil
}

// beginAttempt is the statement that opens an attempt's transaction: at the
// chosen level on PostgreSQL, plain on DSQL, which has one level and documents
// no other form.
func beginAttempt(d schema.Dialect, serializable bool) (string, error) {
	switch {
	case d == schema.DSQL && serializable:
		return "", errors.New("Aurora DSQL runs every transaction at REPEATABLE READ: " +
			"drop the serializable setting")
	case d == schema.DSQL:
		return "BEGIN", nil
	case serializable:
		return "BEGIN ISOLATION LEVEL " + string(pgx.Serializable), nil
	}
	return "BEGIN ISOLATION LEVEL " + string(pgx.RepeatableRead), nil
}

// connect opens the pool and makes one connection, to fail early and clearly.
func (l *Ledger) connect(ctx context.Context, cfg *pgxpool.Config) error {
	ctx, cancel := context.WithTimeout(ctx, connectTimeout)
	defer cancel()
	var err error
	if l.pool, err = pgxpool.NewWithConfig(ctx, cfg); err != nil {
		return l.secrets.redact(fmt.Errorf("connecting to %s: %w", l.dialect, err))
	}
	if err := l.pool.Ping(ctx); err != nil {
		l.pool.Close()
		return l.secrets.redact(fmt.Errorf("connecting to %s at %s: %w", l.dialect,
			cfg.ConnConfig.Host, err))
	}
	return nil
}

func (l *Ledger) poolConfig(ctx context.Context, opts Options) (*pgxpool.Config, error) {
	var cfg *pgxpool.Config
	var err error
	if opts.DSQL != nil {
		l.dialect = schema.DSQL
		cfg, err = l.dsqlConfig(ctx, *opts.DSQL)
	} else {
		cfg, err = pgxpool.ParseConfig(opts.DSN)
		if err != nil {
			return nil, unparsableDSN(err)
		}
		l.secrets.password = cfg.ConnConfig.Password
		postgresSettings(cfg)
	}
	if err != nil {
		return nil, err
	}
	cfg.MaxConns = opts.MaxConns
	if cfg.MaxConns <= 0 {
		cfg.MaxConns = DefaultMaxConns
	}
	cfg.MaxConnLifetime, cfg.MaxConnLifetimeJitter = maxConnLifetime, maxConnLifetimeJitter
	if opts.DescribeStatements {
		cfg.ConnConfig.DefaultQueryExecMode = pgx.QueryExecModeDescribeExec
	}
	return cfg, nil
}

// postgresSettings bounds lock waits, and has a cancelled statement ask the
// server to stop it (rather than only dropping the connection), so that the
// server's answer says whether a cancelled COMMIT happened.
func postgresSettings(cfg *pgxpool.Config) {
	cfg.ConnConfig.RuntimeParams["lock_timeout"] = lockTimeout
	cfg.ConnConfig.BuildContextWatcherHandler = func(c *pgconn.PgConn) ctxwatch.Handler {
		return &pgconn.CancelRequestContextWatcherHandler{Conn: c, DeadlineDelay: cancelDeadline}
	}
}

// Dialect says which database the ledger is on.
func (l *Ledger) Dialect() schema.Dialect { return l.dialect }

// Where names the server and database, without credentials, for people to read.
func (l *Ledger) Where() string {
	cc := l.pool.Config().ConnConfig
	return fmt.Sprintf("%s %s/%s", l.dialect, cc.Host, cc.Database)
}

// Pool is the connection pool, for tools that read the ledger directly.
func (l *Ledger) Pool() *pgxpool.Pool { return l.pool }

// Close closes every connection.
func (l *Ledger) Close() error {
	l.pool.Close()
	return nil
}
