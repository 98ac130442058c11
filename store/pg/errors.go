package pg

import (
	"errors"
	"fmt"
	"regexp"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/quantedge/qex/store"
)

// SQLSTATEs the ledger tells apart.
const (
	codeSerializationFailure = "40001"
	codeDeadlock             = "40P01"
	codeUniqueViolation      = "23505"
)

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
	switch pgErr.Code {
	case codeSerializationFailure, codeDeadlock:
		return &store.ConflictError{Code: pgErr.Code,
			Detail: dsqlConflictCode.FindString(pgErr.Message), Err: pgErr}
	case codeUniqueViolation:
		return fmt.Errorf("slot %s: %w (%s)", slotID, store.ErrAlreadySettled, pgErr.ConstraintName)
	}
	return fmt.Errorf("settling slot %s: %w", slotID, err)
}

// outcomeUnknown reports whether err may have struck after the server received
// the COMMIT. An answer from the server (a PgError) means it did not commit; an
// error pgx knows struck before anything was sent means the same. Anything else
// (a broken connection, a context ended mid-flight) leaves it unknown.
func outcomeUnknown(err error) bool {
	var pgErr *pgconn.PgError
	return !errors.As(err, &pgErr) && !pgconn.SafeToRetry(err)
}
