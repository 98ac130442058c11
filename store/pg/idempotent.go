package pg

import (
	"context"
	"time"

	"github.com/quantedge/qex/internal/retry"
	"github.com/quantedge/qex/internal/sqlstate"
)

// idempotentRetry is how a write that is safe to repeat is tried again after a
// serialization conflict.
var idempotentRetry = retry.Policy{Attempts: 6,
	Backoff: retry.Backoff{Base: 20 * time.Millisecond, Cap: time.Second}}

// execIdempotent runs a write that is safe to repeat (an insert that ignores
// rows already there), retrying serialization conflicts: on DSQL, two processes
// inserting one key both write it, and the later commit fails with 40001 where
// PostgreSQL would have waited and skipped the row.
func (l *Ledger) execIdempotent(ctx context.Context, sql string, args ...any) error {
	return idempotentRetry.Do(ctx, sqlstate.SerializationFailed, func() error {
		_, err := l.pool.Exec(ctx, sql, args...)
		return err
	})
}
