package store

import (
	"errors"
	"fmt"
)

// Errors a ledger returns that callers test with errors.Is.
var (
	// ErrConflict: the attempt lost an optimistic concurrency race; retry it
	// whole, in a fresh transaction.
	ErrConflict = errors.New("store: serialization conflict")
	// ErrAlreadySettled: the slot was settled before the attempt began; a
	// duplicate settlement was prevented.
	ErrAlreadySettled = errors.New("store: slot already settled")
	// ErrAlreadyUnsold: the slot was closed unsold (its advertiser could not
	// pay) before the attempt began.
	ErrAlreadyUnsold = errors.New("store: slot already closed unsold")
	// ErrUnknownSlot: the slot was never closed in this ledger.
	ErrUnknownSlot = errors.New("store: unknown slot")
	// ErrUnknownAccount: a settlement names an account the ledger does not have.
	ErrUnknownAccount = errors.New("store: unknown account")
	// ErrInvalidSlot: a slot to record is not a closed auction's outcome.
	ErrInvalidSlot = errors.New("store: invalid slot")
)

// ConflictError is a conflict with the code the backend gave it: SQLSTATE 40001
// from a database, with DSQL's OC000 or OC001 in Detail where it sent one.
type ConflictError struct {
	Code   string
	Detail string
	Err    error
}

// Error says what conflicted and with which code.
func (e *ConflictError) Error() string {
	msg := "serialization conflict (" + e.Code
	if e.Detail != "" {
		msg += " " + e.Detail
	}
	msg += ")"
	if e.Err != nil {
		msg = fmt.Sprintf("%s: %v", msg, e.Err)
	}
	return msg
}

// Is makes every ConflictError match ErrConflict.
func (e *ConflictError) Is(target error) bool { return target == ErrConflict }

// Unwrap returns the backend's own error.
func (e *ConflictError) Unwrap() error { return e.Err }
