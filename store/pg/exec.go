package pg

import (
	"context"
	"time"

	"github.com/quantedge/qex/internal/retry"
	"github.com/quantedge/qex/internal/sqlstate"
)

// execRetry is how a statement of its own is tried again after a
// serialization conflict.
var execRetry = retry.Policy{Attempts: 6,
	Backoff: retry.Backoff{Base: 20 * time.Millisecond, Cap: time.Second}}

// execRetrying runs one statement in a transaction of its own, retrying
// serialization conflicts. A statement that failed with 40001 did not commit,
// so running it again writes nothing twice, whatever it is. On DSQL, two
// processes inserting one key with ON CONFLICT DO NOTHING both write it, and the
// later commit fails with 40001 where PostgreSQL would have waited and skipped
// the row.
func (l *Ledger) execRetrying(ctx context.Context, sql string, args ...any) error {
	return execRetry.Do(ctx, sqlstate.SerializationFailed, func() error {
		_, err := l.pool.Exec(ctx, sql, args...)
		return err
	})
}
