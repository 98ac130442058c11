package pg

import (
	"context"
	"errors"
	"fmt"
	"io"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/quantedge/qex/store"
)

func TestClassify(t *testing.T) {
	tests := []struct {
		name     string
		err      error
		conflict string // the conflict's code, "" if not a conflict
		settled  bool
	}{
		{"serialization failure", &pgconn.PgError{Code: "40001",
			Message: "change conflicts with another transaction, retry as needed (OC000)"}, "40001", false},
		{"deadlock", &pgconn.PgError{Code: "40P01"}, "40P01", false},
		{"lock timeout", &pgconn.PgError{Code: "55P03"}, "55P03", false},
		{"second settlement", &pgconn.PgError{Code: "23505", ConstraintName: "settlements_pkey"},
			"", true},
		{"other key violation", &pgconn.PgError{Code: "23505", ConstraintName: "ad_bids_pkey"},
			"", false},
		{"syntax", &pgconn.PgError{Code: "42601"}, "", false},
		{"not from the server", errors.New("boom"), "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := classify("s1", tt.err)
			var ce *store.ConflictError
			isConflict := errors.As(err, &ce)
			if isConflict != (tt.conflict != "") || (isConflict && ce.Code != tt.conflict) {
				t.Fatalf("classify(%v) = %v; want conflict %q", tt.err, err, tt.conflict)
			}
			if errors.Is(err, store.ErrAlreadySettled) != tt.settled {
				t.Fatalf("classify(%v) = %v; already settled should be %v", tt.err, err, tt.settled)
			}
			if !errors.Is(err, tt.err) {
				t.Fatalf("classify lost the cause: %v", err)
			}
		})
	}
	var ce *store.ConflictError
	if err := classify("s1", tests[0].err); !errors.As(err, &ce) || ce.Detail != "OC000" {
		t.Fatalf("DSQL's code not carried: %v", err)
	}
}

func TestOutcomeUnknown(t *testing.T) {
	tests := []struct {
		err     error
		unknown bool
	}{
		{&pgconn.PgError{Code: "40001"}, false},
		{io.ErrUnexpectedEOF, true},
		{fmt.Errorf("read: %w", io.EOF), true},
		{context.Canceled, true},
		{context.DeadlineExceeded, true},
		{errors.New("failed to encode args[1]"), false},
	}
	for _, tt := range tests {
		if got := outcomeUnknown(tt.err); got != tt.unknown {
			t.Errorf("outcomeUnknown(%v) = %v, want %v", tt.err, got, tt.unknown)
		}
	}
}
