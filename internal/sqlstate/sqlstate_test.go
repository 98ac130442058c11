package sqlstate

import (
	"errors"
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
)

func TestOf(t *testing.T) {
	conflict := fmt.Errorf("settling: %w", &pgconn.PgError{Code: "40001"})
	tests := []struct {
		err        error
		code       string
		conflicted bool
	}{
		{conflict, SerializationFailure, true},
		{&pgconn.PgError{Code: UniqueViolation}, UniqueViolation, false},
		{errors.New("connection reset"), "", false},
		{nil, "", false},
	}
	for _, tt := range tests {
		if got := Of(tt.err); got != tt.code {
			t.Errorf("Of(%v) = %q, want %q", tt.err, got, tt.code)
		}
		if got := SerializationFailed(tt.err); got != tt.conflicted {
			t.Errorf("SerializationFailed(%v) = %v", tt.err, got)
		}
	}
}
