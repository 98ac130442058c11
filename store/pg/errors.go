package pg

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"regexp"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/quantedge/qex/internal/sqlstate"
	"github.com/quantedge/qex/store"
)

// settlementKey is the constraint that keeps one settlement per slot.
const settlementKey = "settlements_pkey"

// dsqlConflictCode finds DSQL's own code in a 40001 message: OC000 (a row this
// transaction wrote changed) or OC001 (the schema cache went stale).
var dsqlConflictCode = regexp.MustCompile(`\bOC\d{3}\b`)

// classify turns a database error into the engine's terms: a conflict to retry,
// a settlement already made, or a real error.
func classify(slotID string, err error) error {
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) {
		return fmt.Errorf("settling slot %s: %w", slotID, err)
	}
	switch {
	case pgErr.Code == sqlstate.SerializationFailure || pgErr.Code == sqlstate.Deadlock ||
		pgErr.Code == sqlstate.LockNotAvailable:
		return &store.ConflictError{Code: pgErr.Code,
			Detail: dsqlConflictCode.FindString(pgErr.Message), Err: pgErr}
	case pgErr.Code == sqlstate.UniqueViolation && pgErr.ConstraintName == settlementKey:
		return fmt.Errorf("slot %s: %w: %w", slotID, store.ErrAlreadySettled, err)
	}
	return fmt.Errorf("settling slot %s: %w", slotID, err)
}

// outcomeUnknown reports whether err may have struck after the server received
// the COMMIT: the connection broke, timed out or was cut by a context ending. An
// answer from the server (a PgError) means it did not commit, and so does an
// error pgx knows struck before anything was sent, or one in encoding a value.
func outcomeUnknown(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) || pgconn.SafeToRetry(err) {
		return false
	}
	var netErr net.Error
	return errors.As(err, &netErr) || errors.Is(err, io.EOF) ||
		errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, net.ErrClosed) ||
		errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) ||
		pgconn.Timeout(err)
}
