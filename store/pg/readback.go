package pg

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/quantedge/qex/store"
)

const readBackTimeout = 10 * time.Second

const readOutcome = `SELECT ` + slotColumnsSQL + `, s.decided_by
FROM ad_slots s WHERE s.slot_id = $1`

// readBack decides an attempt whose COMMIT may or may not have happened, on a
// fresh connection. The slot row carries the id of the attempt that decided it,
// so reading it says exactly whose commit it was.
func (l *Ledger) readBack(ctx context.Context, req store.SettleRequest, id uuid.UUID,
	lost error) (store.SettleResult, error) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), readBackTimeout)
	defer cancel()
	s := store.Slot{ID: req.Slot.ID}
	var decidedBy pgtype.UUID
	err := scanSlot(l.pool.QueryRow(ctx, readOutcome, req.Slot.ID), &s, &decidedBy)
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
	return store.SettleResult{}, fmt.Errorf("settling slot %s: the connection was lost during "+
		"commit and the transaction did not commit: %w", req.Slot.ID, lost)
}
