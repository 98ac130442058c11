package memory

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/quantedge/qex/money"
	"github.com/quantedge/qex/store"
)

var closedAt = time.Date(2026, 1, 1, 0, 0, 1, 0, time.UTC)

func seeded(t *testing.T, opts LedgerOptions, budget money.Micros) *Ledger {
	t.Helper()
	l := NewLedger(opts)
	err := l.SeedAccounts(context.Background(), []store.Account{
		{ID: "adv-1", Kind: store.Advertiser, Initial: budget},
		{ID: "adv-2", Kind: store.Advertiser, Initial: budget},
		{ID: "pub-1", Kind: store.Publisher},
	})
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func closedSlot(id, advertiser string, price money.Micros) store.Slot {
	return store.Slot{ID: id, Publisher: "pub-1", ClosedAt: closedAt, Status: store.SlotClosed,
		Price: price, RunID: "run-1",
		Winner: &store.Bid{ID: "bid-" + id, SlotID: id, Region: "us-east-1",
			Advertiser: advertiser, Price: price}}
}

func closeSlots(t *testing.T, l *Ledger, slots ...store.Slot) {
	t.Helper()
	if err := l.CloseSlots(context.Background(), slots); err != nil {
		t.Fatal(err)
	}
}

func audit(t *testing.T, l *Ledger) store.AuditReport {
	t.Helper()
	r, err := l.Audit(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !r.OK() {
		t.Fatalf("audit failed:\n%s", r)
	}
	return r
}

func TestSettleMovesMoney(t *testing.T) {
	ctx := context.Background()
	l := seeded(t, LedgerOptions{}, 10*money.Dollar)
	closeSlots(t, l, closedSlot("s1", "adv-1", 3*money.Dollar))

	res, err := l.Settle(ctx, store.SettleRequest{Slot: closedSlot("s1", "adv-1", 0), Attempt: 1})
	if err != nil || res.Status != store.SlotSettled || res.SettlementID == "" {
		t.Fatalf("Settle = %+v, %v; want settled", res, err)
	}
	top, _ := l.TopAccounts(ctx, store.Advertiser, 10)
	if top[0].ID != "adv-2" || top[0].Balance != 10*money.Dollar ||
		top[1].ID != "adv-1" || top[1].Balance != 7*money.Dollar {
		t.Fatalf("advertiser balances = %+v, want adv-2 $10, adv-1 $7", top)
	}
	pubs, _ := l.TopAccounts(ctx, store.Publisher, 1)
	if pubs[0].Balance != 3*money.Dollar {
		t.Fatalf("publisher balance = %s, want 3.00", pubs[0].Balance)
	}
	r := audit(t, l)
	if r.Settled != 1 || r.Settlements != 1 || r.Entries != 2 {
		t.Fatalf("audit counts %+v", r)
	}

	_, err = l.Settle(ctx, store.SettleRequest{Slot: closedSlot("s1", "adv-1", 0), Attempt: 2})
	if !errors.Is(err, store.ErrAlreadySettled) {
		t.Fatalf("second Settle: %v, want ErrAlreadySettled", err)
	}
	later := store.PendingFilter{ClosedBefore: closedAt.Add(time.Hour)}
	if pending, _ := l.PendingSlots(ctx, later); len(pending) != 0 {
		t.Fatalf("a settled slot is still pending: %+v", pending)
	}
}

// TestSettleUsesTheRecordedWinner: a settler's request may carry a different
// evaluation (another process's); the slot's recorded winner and price rule.
func TestSettleUsesTheRecordedWinner(t *testing.T) {
	l := seeded(t, LedgerOptions{}, 10*money.Dollar)
	closeSlots(t, l, closedSlot("s1", "adv-1", 2*money.Dollar))
	closeSlots(t, l, closedSlot("s1", "adv-2", 9*money.Dollar)) // ignored: already closed
	if _, err := l.Settle(context.Background(),
		store.SettleRequest{Slot: closedSlot("s1", "adv-2", 9*money.Dollar)}); err != nil {
		t.Fatal(err)
	}
	top, _ := l.TopAccounts(context.Background(), store.Advertiser, 10)
	if top[1].ID != "adv-1" || top[1].Balance != 8*money.Dollar {
		t.Fatalf("balances %+v: want adv-1 to have paid $2", top)
	}
}

func TestSettleInsufficientFunds(t *testing.T) {
	ctx := context.Background()
	l := seeded(t, LedgerOptions{}, 5*money.Dollar)
	closeSlots(t, l, closedSlot("s1", "adv-1", 3*money.Dollar), closedSlot("s2", "adv-1", 3*money.Dollar))
	if _, err := l.Settle(ctx, store.SettleRequest{Slot: closedSlot("s1", "", 0)}); err != nil {
		t.Fatal(err)
	}
	res, err := l.Settle(ctx, store.SettleRequest{Slot: closedSlot("s2", "", 0)})
	if err != nil || res.Status != store.SlotUnsold || res.Reason != store.ReasonInsufficientFunds {
		t.Fatalf("Settle = %+v, %v; want unsold for insufficient funds", res, err)
	}
	_, err = l.Settle(ctx, store.SettleRequest{Slot: closedSlot("s2", "", 0)})
	if !errors.Is(err, store.ErrAlreadyUnsold) {
		t.Fatalf("settling an unsold slot again: %v, want ErrAlreadyUnsold", err)
	}
	r := audit(t, l)
	if r.Settled != 1 || r.Unsold != 1 || r.AwaitingSettlement != 0 {
		t.Fatalf("audit counts %+v", r)
	}
}

func TestSettleUnknown(t *testing.T) {
	ctx := context.Background()
	l := seeded(t, LedgerOptions{}, money.Dollar)
	_, err := l.Settle(ctx, store.SettleRequest{Slot: closedSlot("nope", "adv-1", 1)})
	if !errors.Is(err, store.ErrUnknownSlot) {
		t.Fatalf("unknown slot: %v", err)
	}
	closeSlots(t, l, closedSlot("s1", "adv-9", 1))
	_, err = l.Settle(ctx, store.SettleRequest{Slot: closedSlot("s1", "", 0)})
	if !errors.Is(err, store.ErrUnknownAccount) {
		t.Fatalf("unknown advertiser: %v", err)
	}
}

// TestFirstCommitterWins interleaves two attempts by hand: both read the same
// snapshot, the first commits, the second must get a conflict and change nothing.
func TestFirstCommitterWins(t *testing.T) {
	l := seeded(t, LedgerOptions{}, 10*money.Dollar)
	closeSlots(t, l, closedSlot("s1", "adv-1", money.Dollar), closedSlot("s2", "adv-1", money.Dollar))
	req := store.SettleRequest{Slot: closedSlot("s1", "", 0)}

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
	other := store.SettleRequest{Slot: closedSlot("s2", "", 0)}
	snapC, _ := l.read(other.Slot)
	snapC.advVersion-- // as if read before the first commit bumped the account
	if _, err := l.commitSettlement(snapC, other); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("stale account version: %v, want a conflict", err)
	}
	r := audit(t, l)
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
	closeSlots(t, l, closedSlot("s1", "adv-1", money.Dollar))
	errs := make(chan error, racers)
	start := make(chan struct{})
	for r := range racers {
		go func() {
			<-start
			_, err := l.Settle(context.Background(),
				store.SettleRequest{Slot: closedSlot("s1", "", 0), Racer: r})
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
	audit(t, l)
}

func TestPendingSlots(t *testing.T) {
	ctx := context.Background()
	l := seeded(t, LedgerOptions{}, money.Dollar)
	a, b, c := closedSlot("a", "adv-1", 1), closedSlot("b", "adv-1", 1), closedSlot("c", "adv-1", 1)
	b.ClosedAt, c.ClosedAt, c.RunID = closedAt.Add(-time.Second), closedAt.Add(time.Hour), "run-2"
	unsold := store.Slot{ID: "u", Status: store.SlotUnsold, ClosedAt: closedAt}
	closeSlots(t, l, a, b, c, unsold)

	got, _ := l.PendingSlots(ctx, store.PendingFilter{ClosedBefore: closedAt.Add(time.Minute)})
	if len(got) != 2 || got[0].ID != "b" || got[1].ID != "a" {
		t.Fatalf("pending = %v, want [b a] (oldest first, c too new, u unsold)", got)
	}
	got, _ = l.PendingSlots(ctx, store.PendingFilter{ClosedBefore: closedAt.Add(2 * time.Hour),
		RunID: "run-2"})
	if len(got) != 1 || got[0].ID != "c" {
		t.Fatalf("pending of run-2 = %v, want [c]", got)
	}
	got, _ = l.PendingSlots(ctx, store.PendingFilter{ClosedBefore: closedAt.Add(2 * time.Hour), Limit: 1})
	if len(got) != 1 || got[0].ID != "b" {
		t.Fatalf("limited pending = %v, want [b]", got)
	}
}

func TestSeedAccountsIsIdempotent(t *testing.T) {
	ctx := context.Background()
	l := seeded(t, LedgerOptions{}, 10*money.Dollar)
	closeSlots(t, l, closedSlot("s1", "adv-1", money.Dollar))
	if _, err := l.Settle(ctx, store.SettleRequest{Slot: closedSlot("s1", "", 0)}); err != nil {
		t.Fatal(err)
	}
	// Seeding again, even with other budgets, leaves existing accounts alone.
	if err := l.SeedAccounts(ctx, []store.Account{{ID: "adv-1", Kind: store.Advertiser,
		Initial: 99 * money.Dollar}}); err != nil {
		t.Fatal(err)
	}
	top, _ := l.TopAccounts(ctx, store.Advertiser, 10)
	if top[1].ID != "adv-1" || top[1].Balance != 9*money.Dollar {
		t.Fatalf("balances after re-seeding: %+v", top)
	}
	audit(t, l)
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
	closeSlots(t, l, closedSlot("s1", "adv-1", money.Dollar), closedSlot("s2", "adv-1", money.Dollar),
		closedSlot("s3", "adv-1", money.Dollar), closedSlot("s4", "adv-1", money.Dollar))
	for _, id := range []string{"s1", "s2", "s3"} {
		if _, err := l.Settle(ctx, store.SettleRequest{Slot: closedSlot(id, "", 0)}); err != nil {
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
	closeSlots(t, l, closedSlot("s1", "adv-1", money.Dollar))
	if _, err := l.Settle(ctx, store.SettleRequest{Slot: closedSlot("s1", "", 0)}); err != nil {
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
