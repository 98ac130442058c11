// Package sqlstate names the SQLSTATE codes QEX tells apart, as PostgreSQL and
// Aurora DSQL report them, and reads them from errors.
package sqlstate

import (
	"errors"

	"github.com/jackc/pgx/v5/pgconn"
)

// SQLSTATE codes.
const (
	// SerializationFailure is every optimistic concurrency conflict on DSQL,
	// and a write-write conflict at REPEATABLE READ on PostgreSQL.
	SerializationFailure = "40001"
	Deadlock             = "40P01"
	LockNotAvailable     = "55P03" // lock_timeout ran out
	UniqueViolation      = "23505"
	DuplicateTable       = "42P07"
	DuplicateObject      = "42710"
	ConnectionFailure    = "08006"
)

// Of returns the SQLSTATE of the database error in err's chain, or "" when
// the database did not answer with one.
func Of(err error) string {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code
	}
	return ""
}

// SerializationFailed reports whether err is a serialization failure: a
// conflict that a fresh transaction may not meet.
func SerializationFailed(err error) bool { return Of(err) == SerializationFailure }
