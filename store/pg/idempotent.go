package pg

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

// Retrying idempotent writes: up to idempotentAttempts, waiting uniformly up to
// idempotentWait·2^n between them.
const (
	idempotentAttempts = 6
	idempotentWait     = 20 * time.Millisecond
)

// execIdempotent runs a write that is safe to repeat (an insert that ignores
// rows already there), retrying serialization conflicts: on DSQL, two processes
// inserting one key both write it, and the later commit fails with 40001 where
// PostgreSQL would have waited and skipped the row.
func (l *Ledger) execIdempotent(ctx context.Context, sql string, args ...any) error {
	var err error
	for attempt := range idempotentAttempts {
		if _, err = l.pool.Exec(ctx, sql, args...); err == nil || !serializationFailure(err) {
			return err
		}
		wait := time.Duration(rand.Int64N(int64(idempotentWait << attempt)))
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(wait):
		}
	}
	return err
}

func serializationFailure(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == codeSerializationFailure
}
