package memory

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/quantedge/qex/money"
	"github.com/quantedge/qex/store"
	"github.com/quantedge/qex/store/storetest"
)

func TestLedgerContract(t *testing.T) {
	storetest.LedgerContract(t, func(*testing.T) store.Ledger { return NewLedger(LedgerOptions{}) })
}

// seeded is a ledger seeded as storetest.Seed does.
func seeded(t *testing.T, opts LedgerOptions, budget money.Micros) *Ledger {
	t.Helper()
	l := NewLedger(opts)
	storetest.Seed(t, l, budget)
	return l
}

// TestFirstCommitterWins interleaves two attempts by hand: both read the same
// snapshot, the first commits, the second must get a conflict and change nothing.
func TestFirstCommitterWins(t *testing.T) {
	l := seeded(t, LedgerOptions{}, 10*money.Dollar)
	storetest.CloseWon(t, l, "adv-1", money.Dollar, "s1", "s2")
	req := store.SettleRequest{Slot: store.Slot{ID: "s1"}}

	snapA, err := l.read(req.Slot)
	if err != nil {
		t.Fatal(err)
	}
	snapB, _ := l.read(req.Slot)
	if _, err := l.commitSettlement(snapA, req); err != nil {
		t.Fatalf("first committer: %v", err)
	}
	_, err = l.commitSettlement(snapB, req)
	var ce *store.ConflictError
	if !errors.Is(err, store.ErrConflict) || !errors.As(err, &ce) || ce.Code != "40001" {
		t.Fatalf("second committer: %v, want a 40001 conflict", err)
	}

	// A different slot of the same advertiser collides on the account row.
	other := store.SettleRequest{Slot: store.Slot{ID: "s2"}}
	snapC, _ := l.read(other.Slot)
	snapC.advVersion-- // as if read before the first commit bumped the account
	if _, err := l.commitSettlement(snapC, other); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("stale account version: %v, want a conflict", err)
	}
	r := storetest.CleanAudit(t, l)
	if r.Settlements != 1 {
		t.Fatalf("settlements = %d, want 1", r.Settlements)
	}
}

// TestCommitLatencyMakesRacesOverlap: with a commit latency, settlers started
// together read before any of them commits, so one wins and the others conflict
// (a racer the scheduler started after the winner's commit would find the slot
// settled instead, which is why the latency is long).
func TestCommitLatencyMakesRacesOverlap(t *testing.T) {
	const racers = 6
	l := seeded(t, LedgerOptions{CommitLatency: 200 * time.Millisecond}, 10*money.Dollar)
	storetest.CloseWon(t, l, "adv-1", money.Dollar, "s1")
	errs := make(chan error, racers)
	start := make(chan struct{})
	for r := range racers {
		go func() {
			<-start
			_, err := l.Settle(context.Background(),
				store.SettleRequest{Slot: store.Slot{ID: "s1"}, Racer: r})
			errs <- err
		}()
	}
	close(start)
	won, conflicts, late := 0, 0, 0
	for range racers {
		switch err := <-errs; {
		case err == nil:
			won++
		case errors.Is(err, store.ErrConflict):
			conflicts++
		case errors.Is(err, store.ErrAlreadySettled):
			late++
		default:
			t.Fatalf("unexpected error: %v", err)
		}
	}
	if won != 1 || conflicts == 0 || won+conflicts+late != racers {
		t.Fatalf("won %d, conflicts %d, late %d; want one winner and conflicts", won, conflicts, late)
	}
	storetest.CleanAudit(t, l)
}

func TestConflictHistoryIsBounded(t *testing.T) {
	l := NewLedger(LedgerOptions{ConflictHistory: 3})
	for i := range 5 {
		_ = l.RecordConflicts(context.Background(), []store.ConflictEvent{{Attempt: i}})
	}
	kept, total := l.Conflicts()
	if total != 5 || len(kept) != 3 || kept[0].Attempt != 2 || kept[2].Attempt != 4 {
		t.Fatalf("kept %+v of %d, want attempts 2..4 of 5", kept, total)
	}
}

// TestAuditCatchesViolations breaks the ledger's rows behind its back and checks
// the audit notices each kind of damage.
func TestAuditCatchesViolations(t *testing.T) {
	ctx := context.Background()
	l := seeded(t, LedgerOptions{}, 10*money.Dollar)
	storetest.CloseWon(t, l, "adv-1", money.Dollar, "s1", "s2", "s3", "s4")
	for _, id := range []string{"s1", "s2", "s3"} {
		if _, err := storetest.Settle(l, id); err != nil {
			t.Fatal(err)
		}
	}
	l.settlements = append(l.settlements, l.settlements[0]) // s1 settled twice
	l.entries[3].amount++                                   // s2's entries no longer sum to zero
	l.accounts["pub-1"].account.Balance += 5                // money made
	l.slots["s3"].slot.Status = store.SlotUnsold            // a settlement of an unsold slot
	l.slots["s4"].slot.Status = store.SlotSettled           // settled without a settlement
	r, err := l.Audit(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if r.DuplicateSettlements != 1 || r.UnbalancedSettlements != 2 || r.MoneyConserved() ||
		r.SettlementsNotSettled != 1 || r.SettledWithoutSettlement != 1 || r.OK() {
		t.Fatalf("audit missed damage: %+v\n%s", r, r)
	}
}

// TestAuditCatchesMisbooking: money moved to the wrong account, or an account
// overdrawn, with every total still right.
func TestAuditCatchesMisbooking(t *testing.T) {
	ctx := context.Background()
	l := seeded(t, LedgerOptions{}, 10*money.Dollar)
	storetest.CloseWon(t, l, "adv-1", money.Dollar, "s1")
	if _, err := storetest.Settle(l, "s1"); err != nil {
		t.Fatal(err)
	}
	l.entries[creditEntry].account = "adv-2" // the credit booked to the wrong account
	l.accounts["adv-1"].account.Balance -= 20 * money.Dollar
	l.accounts["adv-2"].account.Balance += 20 * money.Dollar // the sum is unchanged
	r, err := l.Audit(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if r.MismatchedEntries != 1 || r.NegativeBalances != 1 || r.MisbookedAccounts != 3 ||
		r.BalanceTotal != r.InitialTotal || r.MoneyConserved() || r.OK() {
		t.Fatalf("audit missed misbooking: %+v\n%s", r, r)
	}
}
