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
	l.auditEntries(&r)
	l.auditAccounts(&r)
	return r, nil
}

// auditEntries checks each settlement's entries: two, summing to zero, the
// debit on its advertiser and the credit on its publisher, by its amount.
func (l *Ledger) auditEntries(r *store.AuditReport) {
	byStm := make([][]entry, len(l.settlements))
	for _, e := range l.entries {
		byStm[e.settlement] = append(byStm[e.settlement], e)
	}
	for i, s := range l.settlements {
		es := byStm[i]
		if len(es) != 2 || es[debitEntry].amount+es[creditEntry].amount != 0 {
			r.UnbalancedSettlements++
			continue
		}
		if es[debitEntry].account != s.Advertiser || es[debitEntry].amount != -s.Amount ||
			es[creditEntry].account != s.Publisher || es[creditEntry].amount != s.Amount {
			r.MismatchedEntries++
		}
	}
}

// auditAccounts checks each balance against its seed and its entries.
func (l *Ledger) auditAccounts(r *store.AuditReport) {
	booked := make(map[string]money.Micros, len(l.accounts))
	for _, e := range l.entries {
		booked[e.account] += e.amount
	}
	for id, row := range l.accounts {
		a := row.account
		if a.Balance != a.Initial+booked[id] {
			r.MisbookedAccounts++
		}
		if a.Balance < 0 {
			r.NegativeBalances++
		}
	}
}
