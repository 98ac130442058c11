package pg

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgtype"

	"github.com/quantedge/qex/store"
)

const readBackTimeout = 10 * time.Second

const readOutcome = `SELECT s.status, coalesce(s.reason, ''), st.settlement_id
FROM ad_slots s LEFT JOIN settlements st ON st.slot_id = s.slot_id
WHERE s.slot_id = $1`

// readBack decides an attempt whose COMMIT may or may not have happened, on a
// fresh connection. The settlement row is keyed by the slot and carries the id
// the attempt chose, so finding it says exactly whose commit it was.
func (l *Ledger) readBack(ctx context.Context, req store.SettleRequest, want store.SettleResult,
	lost error) (store.SettleResult, error) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), readBackTimeout)
	defer cancel()
	var status, reason string
	var settlementID pgtype.UUID
	err := l.pool.QueryRow(ctx, readOutcome, req.Slot.ID).Scan(&status, &reason, &settlementID)
	if err != nil {
		return store.SettleResult{}, fmt.Errorf(
			"settling slot %s: the connection was lost during commit (%v) and reading the outcome "+
				"back failed: %w", req.Slot.ID, lost, err)
	}
	switch {
	case settlementID.Valid && settlementID.String() == want.SettlementID:
		return want, nil // the commit went through
	case settlementID.Valid:
		return store.SettleResult{}, fmt.Errorf("slot %s: %w", req.Slot.ID, store.ErrAlreadySettled)
	case store.SlotStatus(status) == store.SlotUnsold && want.Status == store.SlotUnsold:
		return want, nil // this attempt's decision, or the same one made by another
	case store.SlotStatus(status) == store.SlotUnsold:
		return store.SettleResult{}, fmt.Errorf("slot %s: %w", req.Slot.ID, store.ErrAlreadyUnsold)
	}
	return store.SettleResult{}, fmt.Errorf("settling slot %s: the connection was lost during "+
		"commit and the transaction did not commit: %w", req.Slot.ID, lost)
}
