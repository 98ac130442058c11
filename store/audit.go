package store

import (
	"fmt"
	"strings"

	"github.com/quantedge/qex/money"
)

// AuditReport is what an audit of a ledger found. Counts of violations are zero in
// a healthy ledger.
type AuditReport struct {
	Accounts int `json:"accounts"`
	Slots    int `json:"slots"`
	Settled  int `json:"settled"`
	Unsold   int `json:"unsold"`
	// AwaitingSettlement counts slots closed with a winner, not yet settled.
	AwaitingSettlement int `json:"awaiting_settlement"`
	Settlements        int `json:"settlements"`
	Entries            int `json:"entries"`

	// DuplicateSettlements counts slots with more than one settlement.
	DuplicateSettlements int `json:"duplicate_settlements"`
	// UnbalancedSettlements counts settlements without exactly two ledger
	// entries summing to zero.
	UnbalancedSettlements int `json:"unbalanced_settlements"`
	// SettledWithoutSettlement counts slots marked settled with no settlement.
	SettledWithoutSettlement int `json:"settled_without_settlement"`
	// SettlementsNotSettled counts settlements of slots that are not marked
	// settled (unsold, still closed, or unknown).
	SettlementsNotSettled int `json:"settlements_not_settled"`
	// OrphanEntries counts ledger entries that belong to no settlement.
	OrphanEntries int `json:"orphan_entries"`
	// MismatchedEntries counts settlements whose entries do not debit its
	// advertiser and credit its publisher by its amount.
	MismatchedEntries int `json:"mismatched_entries"`
	// MisbookedAccounts counts accounts whose balance is not their seed plus
	// their ledger entries.
	MisbookedAccounts int `json:"misbooked_accounts"`
	// NegativeBalances counts accounts overdrawn.
	NegativeBalances int `json:"negative_balances"`

	BalanceTotal money.Micros `json:"balance_total_micros"`
	InitialTotal money.Micros `json:"seeded_total_micros"`
}

// LedgerBalanced reports whether every settlement is one settlement of one slot
// with two entries summing to zero, and slot statuses agree with settlements.
func (r AuditReport) LedgerBalanced() bool {
	return r.DuplicateSettlements == 0 && r.UnbalancedSettlements == 0 &&
		r.SettledWithoutSettlement == 0 && r.SettlementsNotSettled == 0 && r.OrphanEntries == 0 &&
		r.MismatchedEntries == 0
}

// MoneyConserved reports whether the balances sum to what was seeded, each
// balance is its seed plus its entries, and none is negative.
func (r AuditReport) MoneyConserved() bool {
	return r.BalanceTotal == r.InitialTotal && r.MisbookedAccounts == 0 && r.NegativeBalances == 0
}

// OK reports whether every invariant holds.
func (r AuditReport) OK() bool { return r.LedgerBalanced() && r.MoneyConserved() }

// String lists each check with its result, one per line.
func (r AuditReport) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "accounts %d, slots %d (settled %d, unsold %d, awaiting settlement %d)\n",
		r.Accounts, r.Slots, r.Settled, r.Unsold, r.AwaitingSettlement)
	fmt.Fprintf(&b, "settlements %d, ledger entries %d\n", r.Settlements, r.Entries)
	check := func(ok bool, format string, args ...any) {
		mark := "ok  "
		if !ok {
			mark = "FAIL"
		}
		fmt.Fprintf(&b, "%s "+format+"\n", append([]any{mark}, args...)...)
	}
	check(r.DuplicateSettlements == 0,
		"no slot settled twice (%d slots with more than one settlement)", r.DuplicateSettlements)
	check(r.UnbalancedSettlements == 0,
		"each settlement has two ledger entries summing to zero (%d do not)", r.UnbalancedSettlements)
	check(r.SettledWithoutSettlement == 0, "each settled slot has its settlement (%d missing)",
		r.SettledWithoutSettlement)
	check(r.SettlementsNotSettled == 0, "no settlement of an unsold or unsettled slot (%d found)",
		r.SettlementsNotSettled)
	check(r.OrphanEntries == 0, "every ledger entry belongs to a settlement (%d do not)",
		r.OrphanEntries)
	check(r.MismatchedEntries == 0,
		"each settlement's entries debit its advertiser and credit its publisher by its "+
			"amount (%d do not)", r.MismatchedEntries)
	check(r.MisbookedAccounts == 0,
		"each balance is its seed plus its ledger entries (%d accounts are not)",
		r.MisbookedAccounts)
	check(r.NegativeBalances == 0, "no account is overdrawn (%d are)", r.NegativeBalances)
	check(r.BalanceTotal == r.InitialTotal, "balances sum to the seeded total (%s, seeded %s)",
		r.BalanceTotal.Dollars(), r.InitialTotal.Dollars())
	return b.String()
}
