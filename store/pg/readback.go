package pg

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/quantedge/qex/internal/sqlstate"
	"github.com/quantedge/qex/schema"
	"github.com/quantedge/qex/store"
)

const readBackTimeout = 30 * time.Second

const readOutcome = `SELECT ` + slotColumnsSQL + `, s.decided_by
FROM ad_slots s WHERE s.slot_id = $1`

// readBack decides an attempt whose COMMIT may or may not have happened, on a
// fresh connection. The slot row carries the id of the attempt that decided it,
// so reading it says exactly whose commit it was. On PostgreSQL the read locks
// the row, and so waits for the lost attempt's transaction, if its backend still
// runs, to commit or abort first. A slot still undecided after that can be
// tried again: the attempt is returned as a conflict with the SQLSTATE of a
// broken connection.
func (l *Ledger) readBack(ctx context.Context, req store.SettleRequest, id uuid.UUID,
	lost error) (store.SettleResult, error) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), readBackTimeout)
	defer cancel()
	var s store.Slot
	var decidedBy pgtype.UUID
	query := readOutcome
	if l.dialect == schema.PostgreSQL {
		query += " FOR UPDATE"
	}
	err := pgx.BeginFunc(ctx, l.pool, func(tx pgx.Tx) error {
		return scanSlot(tx.QueryRow(ctx, query, req.Slot.ID), &s, &decidedBy)
	})
	if err != nil {
		return store.SettleResult{}, fmt.Errorf(
			"settling slot %s: the connection was lost during commit (%v) and reading the outcome "+
				"back failed: %w", req.Slot.ID, lost, err)
	}
	ours := decidedBy.Valid && decidedBy.Bytes == id
	switch {
	case ours && s.Status == store.SlotSettled:
		return store.SettleResult{Status: store.SlotSettled, SettlementID: id.String(), Slot: s}, nil
	case ours:
		return store.SettleResult{Status: s.Status, Reason: s.Reason, Slot: s}, nil
	case s.Status == store.SlotSettled:
		return store.SettleResult{}, fmt.Errorf("slot %s: %w", req.Slot.ID, store.ErrAlreadySettled)
	case s.Status == store.SlotUnsold:
		return store.SettleResult{}, fmt.Errorf("slot %s: %w", req.Slot.ID, store.ErrAlreadyUnsold)
	}
	return store.SettleResult{}, &store.ConflictError{Code: sqlstate.ConnectionFailure,
		Detail: "not committed",
		Err: fmt.Errorf("slot %s: the connection was lost and the attempt did not commit: %w",
			req.Slot.ID, lost)}
}
