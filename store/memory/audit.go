package memory

import (
	"context"

	"github.com/quantedge/qex/money"
	"github.com/quantedge/qex/store"
)

// Audit checks the ledger's invariants from its rows, not from its indexes: a
// settlement the unique index failed to stop still shows up here.
func (l *Ledger) Audit(ctx context.Context) (store.AuditReport, error) {
	if err := ctx.Err(); err != nil {
		return store.AuditReport{}, err
	}
	l.mu.RLock()
	defer l.mu.RUnlock()
	var r store.AuditReport

	r.Accounts = len(l.accounts)
	for _, row := range l.accounts {
		r.BalanceTotal += row.account.Balance
		r.InitialTotal += row.account.Initial
	}

	r.Slots = len(l.slots)
	for _, row := range l.slots {
		switch row.slot.Status {
		case store.SlotSettled:
			r.Settled++
		case store.SlotUnsold:
			r.Unsold++
		case store.SlotClosed:
			r.AwaitingSettlement++
		}
	}

	perSlot := make(map[string]int, len(l.settlements))
	for _, s := range l.settlements {
		perSlot[s.SlotID]++
		if row, ok := l.slots[s.SlotID]; !ok || row.slot.Status != store.SlotSettled {
			r.SettlementsNotSettled++
		}
	}
	for _, n := range perSlot {
		if n > 1 {
			r.DuplicateSettlements++
		}
	}
	for id, row := range l.slots {
		if row.slot.Status == store.SlotSettled && perSlot[id] == 0 {
			r.SettledWithoutSettlement++
		}
	}

	r.Settlements, r.Entries = len(l.settlements), len(l.entries)
	count := make([]int, len(l.settlements))
	sum := make([]money.Micros, len(l.settlements))
	for _, e := range l.entries {
		count[e.settlement]++
		sum[e.settlement] += e.amount
	}
	for i := range l.settlements {
		if count[i] != 2 || sum[i] != 0 {
			r.UnbalancedSettlements++
		}
	}
	return r, nil
}
