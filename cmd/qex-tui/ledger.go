package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"time"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/smithy-go/logging"

	"github.com/quantedge/qex/store"
	"github.com/quantedge/qex/store/memory"
	"github.com/quantedge/qex/store/pg"
)

// Ledger kinds.
const (
	ledgerMemory   = "memory"
	ledgerPostgres = "postgres"
	ledgerDSQL     = "dsql"
)

// Ledger connection defaults.
const (
	// extraLedgerConns serve the closer, the reconciler, the conflict writer
	// and the console's snapshots beside the settlement workers.
	extraLedgerConns = 4
	maxLedgerConns   = 10_000
	awsConfigTimeout = 10 * time.Second
)

// ledgerOptions say where the ledger lives.
type ledgerOptions struct {
	kind         string
	pgDSN        string
	serializable bool
	maxConns     int
	dsqlEndpoint string
	dsqlRole     string
}

func addLedgerFlags(fs *flag.FlagSet, l *ledgerOptions) {
	l.kind = ledgerMemory
	fs.StringVar(&l.kind, "ledger", l.kind, "where settlements go: memory, postgres or dsql")
	fs.StringVar(&l.pgDSN, "pg-dsn", "", "PostgreSQL connection `url` (else $DATABASE_URL, "+
		"else the PG* variables)")
	fs.BoolVar(&l.serializable, "pg-serializable", false,
		"settle at SERIALIZABLE instead of REPEATABLE READ (PostgreSQL only)")
	fs.IntVar(&l.maxConns, "pg-max-conns", 0, "ledger connections (default: workers + 4)")
	fs.StringVar(&l.dsqlEndpoint, "dsql-endpoint", "", "Aurora DSQL cluster `host` "+
		"(credentials and region from the standard AWS settings)")
	fs.StringVar(&l.dsqlRole, "dsql-role", pg.AdminRole, "DSQL database role to connect as")
}

// defaultDSN takes $DATABASE_URL when no DSN was given; pgx reads the PG*
// variables itself.
func (l *ledgerOptions) defaultDSN(getenv func(string) string) {
	if l.pgDSN == "" {
		l.pgDSN = getenv("DATABASE_URL")
	}
}

// check refuses ledger settings that cannot work together, and flags given for
// a ledger other than the one chosen (which would be ignored without a word).
func (l *ledgerOptions) check(given map[string]bool) error {
	switch l.kind {
	case ledgerMemory:
		for _, name := range []string{"pg-dsn", "pg-serializable", "pg-max-conns", "dsql-role"} {
			if given[name] {
				return fmt.Errorf("--%s is for a database ledger: add --ledger postgres or dsql",
					name)
			}
		}
	case ledgerPostgres:
		if err := pg.CheckDSN(l.pgDSN); err != nil {
			return fmt.Errorf("--pg-dsn: %w", err)
		}
	case ledgerDSQL:
		if l.dsqlEndpoint == "" {
			return errors.New("--ledger dsql needs --dsql-endpoint")
		}
		if l.serializable {
			return errors.New("--pg-serializable: Aurora DSQL runs every transaction at " +
				"REPEATABLE READ")
		}
	default:
		return fmt.Errorf("--ledger %q: want memory, postgres or dsql", l.kind)
	}
	if l.dsqlEndpoint != "" && l.kind != ledgerDSQL {
		return errors.New("--dsql-endpoint is set but --ledger is not dsql")
	}
	if l.maxConns < 0 || l.maxConns > maxLedgerConns {
		return fmt.Errorf("--pg-max-conns must be in [0, %d], got %d", maxLedgerConns, l.maxConns)
	}
	return nil
}

// openLedger connects to the ledger the options name and says where it is.
// applySchema creates missing tables (a run does; the audit only reads).
func openLedger(ctx context.Context, l ledgerOptions, workers int, commitLatency time.Duration,
	log *slog.Logger, applySchema bool) (store.Ledger, string, error) {
	if l.kind == ledgerMemory {
		return memory.NewLedger(memory.LedgerOptions{CommitLatency: commitLatency}), "memory", nil
	}
	opts := pg.Options{DSN: l.pgDSN, Serializable: l.serializable, Logger: log,
		MaxConns: int32(l.maxConns), ApplySchema: applySchema}
	if opts.MaxConns == 0 {
		opts.MaxConns = int32(workers + extraLedgerConns)
	}
	if l.kind == ledgerDSQL {
		dsql, err := dsqlOptions(ctx, l)
		if err != nil {
			return nil, "", err
		}
		opts.DSQL = dsql
	}
	ledger, err := pg.Open(ctx, opts)
	if err != nil {
		return nil, "", err
	}
	return ledger, ledger.Where(), nil
}

// dsqlOptions takes credentials and region from the standard AWS chain
// (environment, shared config and profiles, instance roles).
func dsqlOptions(ctx context.Context, l ledgerOptions) (*pg.DSQLOptions, error) {
	ctx, cancel := context.WithTimeout(ctx, awsConfigTimeout)
	defer cancel()
	aws, err := config.LoadDefaultConfig(ctx, config.WithLogger(logging.Nop{}))
	if err != nil {
		return nil, fmt.Errorf("loading AWS settings for DSQL: %w", err)
	}
	if _, err := aws.Credentials.Retrieve(ctx); err != nil {
		return nil, fmt.Errorf("no AWS credentials for DSQL: set AWS_PROFILE, or "+
			"AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run with an instance role (%w)", err)
	}
	return &pg.DSQLOptions{Endpoint: l.dsqlEndpoint, Region: aws.Region, Role: l.dsqlRole,
		Credentials: aws.Credentials}, nil
}
