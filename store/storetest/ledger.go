// Package storetest holds what every store.Ledger must do, as tests each
// implementation runs against itself, and the helpers those tests share.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/quantedge/qex/money"
	"github.com/quantedge/qex/store"
)

// ClosedAt is when the helpers' slots closed.
var ClosedAt = time.Date(2026, 1, 1, 0, 0, 1, 0, time.UTC)

// OpenLedger gives a test an empty ledger of its own, released when the test ends.
type OpenLedger func(t *testing.T) store.Ledger

// Seed gives the ledger two advertisers, adv-1 and adv-2, with budget each,
// and a publisher, pub-1.
func Seed(t *testing.T, l store.Ledger, budget money.Micros) {
	t.Helper()
	err := l.SeedAccounts(context.Background(), []store.Account{
		{ID: "adv-1", Kind: store.Advertiser, Initial: budget},
		{ID: "adv-2", Kind: store.Advertiser, Initial: budget},
		{ID: "pub-1", Kind: store.Publisher},
	})
	if err != nil {
		t.Fatal(err)
	}
}

// ClosedSlot is slot id of pub-1, won by advertiser at price.
func ClosedSlot(id, advertiser string, price money.Micros) store.Slot {
	return store.Slot{ID: id, Publisher: "pub-1", Floor: 10 * money.Cent, ClosedAt: ClosedAt,
		Status: store.SlotClosed, Price: price, RunID: "run-1",
		Winner: &store.Bid{ID: "bid-" + id, SlotID: id, Region: "us-east-1", Advertiser: advertiser,
			Price: price, Arrival: ClosedAt.Add(-time.Second)}}
}

// MustClose records closed slots.
func MustClose(t *testing.T, l store.Ledger, slots ...store.Slot) {
	t.Helper()
	if err := l.CloseSlots(context.Background(), slots); err != nil {
		t.Fatal(err)
	}
}

// CloseWon records closed slots ids, each won by advertiser at price.
func CloseWon(t *testing.T, l store.Ledger, advertiser string, price money.Micros, ids ...string) {
	t.Helper()
	slots := make([]store.Slot, len(ids))
	for i, id := range ids {
		slots[i] = ClosedSlot(id, advertiser, price)
	}
	MustClose(t, l, slots...)
}

// CleanAudit audits the ledger and fails the test unless every invariant holds.
func CleanAudit(t *testing.T, l store.Ledger) store.AuditReport {
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

// Settle makes one settlement attempt on slot id, as racer 1 of run-1.
func Settle(l store.Ledger, id string) (store.SettleResult, error) {
	return l.Settle(context.Background(), store.SettleRequest{Slot: store.Slot{ID: id},
		RunID: "run-1", Attempt: 1, Racer: 1})
}

// LedgerContract runs, against ledgers open gives, the tests every ledger passes.
func LedgerContract(t *testing.T, open OpenLedger) {
	tests := []struct {
		name string
		test func(*testing.T, store.Ledger)
	}{
		{"settling moves money once", settleMovesMoneyOnce},
		{"the recorded winner pays", recordedWinnerPays},
		{"insufficient funds and unknowns", insufficientFundsAndUnknowns},
		{"an advertiser is its own publisher", ownPublisher},
		{"pending slots", pendingSlots},
		{"seeding again keeps balances", seedingKeepsBalances},
		{"top accounts", topAccounts},
		{"invalid slots are refused whole", invalidSlotsRefused},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.test(t, open(t)) })
	}
}

func settleMovesMoneyOnce(t *testing.T, l store.Ledger) {
	ctx := context.Background()
	Seed(t, l, 10*money.Dollar)
	CloseWon(t, l, "adv-1", 3*money.Dollar, "s1")

	res, err := Settle(l, "s1")
	if err != nil || res.Status != store.SlotSettled || res.SettlementID == "" {
		t.Fatalf("Settle = %+v, %v; want settled", res, err)
	}
	top, err := l.TopAccounts(ctx, store.Advertiser, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(top) != 2 || top[0].ID != "adv-2" || top[0].Balance != 10*money.Dollar ||
		top[1].ID != "adv-1" || top[1].Balance != 7*money.Dollar || top[1].Initial != 10*money.Dollar {
		t.Fatalf("advertisers %+v, want adv-2 at $10, adv-1 at $7 of $10", top)
	}
	pubs, err := l.TopAccounts(ctx, store.Publisher, 1)
	if err != nil || len(pubs) != 1 || pubs[0].Balance != 3*money.Dollar {
		t.Fatalf("publishers %+v, %v; want pub-1 at $3", pubs, err)
	}
	if _, err := Settle(l, "s1"); !errors.Is(err, store.ErrAlreadySettled) {
		t.Fatalf("second Settle: %v, want ErrAlreadySettled", err)
	}
	r := CleanAudit(t, l)
	if r.Settled != 1 || r.Settlements != 1 || r.Entries != 2 || r.BalanceTotal != 20*money.Dollar {
		t.Fatalf("audit counts %+v", r)
	}
	later := store.PendingFilter{ClosedBefore: ClosedAt.Add(time.Hour)}
	if pending, err := l.PendingSlots(ctx, later); err != nil || len(pending) != 0 {
		t.Fatalf("pending after settling: %+v, %v; want none", pending, err)
	}
}

// recordedWinnerPays: a second close of a slot and a settler's request may
// carry another evaluation (another process's); the slot's recorded winner and
// price rule.
func recordedWinnerPays(t *testing.T, l store.Ledger) {
	Seed(t, l, 10*money.Dollar)
	CloseWon(t, l, "adv-1", 2*money.Dollar, "s1")
	CloseWon(t, l, "adv-2", 9*money.Dollar, "s1") // ignored: already closed
	res, err := l.Settle(context.Background(),
		store.SettleRequest{Slot: ClosedSlot("s1", "adv-2", 9*money.Dollar)})
	if err != nil {
		t.Fatal(err)
	}
	w := res.Slot.Winner
	if w == nil || w.Advertiser != "adv-1" || w.SlotID != "s1" || res.Slot.ID != "s1" ||
		res.Slot.Price != 2*money.Dollar {
		t.Fatalf("settled %+v, want slot s1 and its recorded winner adv-1 at $2", res.Slot)
	}
	top, err := l.TopAccounts(context.Background(), store.Advertiser, 10)
	if err != nil || len(top) != 2 || top[1].ID != "adv-1" || top[1].Balance != 8*money.Dollar {
		t.Fatalf("advertisers %+v, %v; want adv-1 to have paid $2", top, err)
	}
}

func insufficientFundsAndUnknowns(t *testing.T, l store.Ledger) {
	Seed(t, l, 5*money.Dollar)
	CloseWon(t, l, "adv-1", 3*money.Dollar, "s1", "s2")
	CloseWon(t, l, "adv-9", money.Dollar, "ghost")
	if _, err := Settle(l, "s1"); err != nil {
		t.Fatal(err)
	}
	res, err := Settle(l, "s2")
	if err != nil || res.Status != store.SlotUnsold || res.Reason != store.ReasonInsufficientFunds {
		t.Fatalf("Settle = %+v, %v; want unsold for insufficient funds", res, err)
	}
	if _, err := Settle(l, "s2"); !errors.Is(err, store.ErrAlreadyUnsold) {
		t.Fatalf("settling an unsold slot again: %v, want ErrAlreadyUnsold", err)
	}
	if _, err := Settle(l, "nope"); !errors.Is(err, store.ErrUnknownSlot) {
		t.Fatalf("unknown slot: %v, want ErrUnknownSlot", err)
	}
	if _, err := Settle(l, "ghost"); !errors.Is(err, store.ErrUnknownAccount) {
		t.Fatalf("unknown advertiser: %v, want ErrUnknownAccount", err)
	}
	r := CleanAudit(t, l)
	if r.Settled != 1 || r.Unsold != 1 || r.AwaitingSettlement != 1 {
		t.Fatalf("audit counts %+v", r)
	}
}

// ownPublisher: an account on both sides of a settlement is debited and
// credited by two entries; nothing collides.
func ownPublisher(t *testing.T, l store.Ledger) {
	Seed(t, l, 10*money.Dollar)
	s := ClosedSlot("s1", "adv-1", money.Dollar)
	s.Publisher = "adv-1"
	MustClose(t, l, s)
	if res, err := Settle(l, "s1"); err != nil || res.Status != store.SlotSettled {
		t.Fatalf("Settle = %+v, %v", res, err)
	}
	if r := CleanAudit(t, l); r.Entries != 2 || r.BalanceTotal != r.InitialTotal {
		t.Fatalf("audit counts %+v", r)
	}
}

func pendingSlots(t *testing.T, l store.Ledger) {
	ctx := context.Background()
	Seed(t, l, money.Dollar)
	a, b, c := ClosedSlot("a", "adv-1", 1), ClosedSlot("b", "adv-1", 1), ClosedSlot("c", "adv-1", 1)
	b.ClosedAt, c.ClosedAt, c.RunID = ClosedAt.Add(-time.Second), ClosedAt.Add(time.Hour), "run-2"
	unsold := store.Slot{ID: "u", Publisher: "pub-1", Status: store.SlotUnsold,
		Reason: store.ReasonNoEligibleBid, ClosedAt: ClosedAt, RunID: "run-1"}
	MustClose(t, l, a, b, c, unsold)

	got, err := l.PendingSlots(ctx, store.PendingFilter{ClosedBefore: ClosedAt.Add(time.Minute)})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].ID != "b" || got[1].ID != "a" {
		t.Fatalf("pending = %+v, want [b a] (oldest first, c too new, u unsold)", got)
	}
	if w := got[1].Winner; w == nil || w.ID != "bid-a" || w.SlotID != "a" ||
		!w.Arrival.Equal(a.Winner.Arrival) || got[1].Price != 1 || got[1].Floor != a.Floor ||
		got[1].RunID != "run-1" {
		t.Fatalf("pending slot read back as %+v (winner %+v)", got[1], got[1].Winner)
	}
	got, err = l.PendingSlots(ctx, store.PendingFilter{ClosedBefore: ClosedAt.Add(2 * time.Hour),
		RunID: "run-2"})
	if err != nil || len(got) != 1 || got[0].ID != "c" {
		t.Fatalf("pending of run-2 = %+v, %v; want [c]", got, err)
	}
	got, err = l.PendingSlots(ctx, store.PendingFilter{ClosedBefore: ClosedAt.Add(2 * time.Hour),
		Limit: 1})
	if err != nil || len(got) != 1 || got[0].ID != "b" {
		t.Fatalf("limited pending = %+v, %v; want [b]", got, err)
	}
}

func seedingKeepsBalances(t *testing.T, l store.Ledger) {
	ctx := context.Background()
	Seed(t, l, 10*money.Dollar)
	CloseWon(t, l, "adv-1", money.Dollar, "s1")
	if _, err := Settle(l, "s1"); err != nil {
		t.Fatal(err)
	}
	// Seeding again, even with other budgets, leaves existing accounts alone.
	if err := l.SeedAccounts(ctx, []store.Account{{ID: "adv-1", Kind: store.Advertiser,
		Initial: 99 * money.Dollar}}); err != nil {
		t.Fatal(err)
	}
	top, err := l.TopAccounts(ctx, store.Advertiser, 10)
	if err != nil || len(top) != 2 || top[1].ID != "adv-1" || top[1].Balance != 9*money.Dollar ||
		top[1].Initial != 10*money.Dollar {
		t.Fatalf("advertisers after re-seeding: %+v, %v", top, err)
	}
	if r := CleanAudit(t, l); r.Accounts != 3 || r.InitialTotal != 20*money.Dollar {
		t.Fatalf("audit after re-seeding: %+v", r)
	}
}

// topAccounts: up to n accounts of a kind, largest balance first, ties by id;
// none for n of zero or less.
func topAccounts(t *testing.T, l store.Ledger) {
	ctx := context.Background()
	err := l.SeedAccounts(ctx, []store.Account{
		{ID: "adv-b", Kind: store.Advertiser, Initial: 5 * money.Dollar},
		{ID: "adv-a", Kind: store.Advertiser, Initial: 5 * money.Dollar},
		{ID: "adv-c", Kind: store.Advertiser, Initial: 9 * money.Dollar},
		{ID: "pub-1", Kind: store.Publisher},
	})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		n    int
		want string
	}{
		{10, "[adv-c adv-a adv-b]"},
		{2, "[adv-c adv-a]"},
		{0, "[]"},
		{-1, "[]"},
	}
	for _, tt := range tests {
		top, err := l.TopAccounts(ctx, store.Advertiser, tt.n)
		ids := make([]string, len(top))
		for i, a := range top {
			ids[i] = a.ID
		}
		if err != nil || fmt.Sprint(ids) != tt.want {
			t.Errorf("TopAccounts(advertiser, %d) = %v, %v; want %s", tt.n, ids, err, tt.want)
		}
	}
}

// invalidSlotsRefused: a batch with one slot that is not a closed auction's
// outcome is refused, and none of it is recorded.
func invalidSlotsRefused(t *testing.T, l store.Ledger) {
	Seed(t, l, 10*money.Dollar)
	bad := func(change func(*store.Slot)) store.Slot {
		s := ClosedSlot("bad", "adv-1", money.Dollar)
		change(&s)
		return s
	}
	tests := map[string]store.Slot{
		"no status":         bad(func(s *store.Slot) { s.Status = "" }),
		"unknown status":    bad(func(s *store.Slot) { s.Status = "Closed" }),
		"already settled":   bad(func(s *store.Slot) { s.Status = store.SlotSettled }),
		"closed, no winner": bad(func(s *store.Slot) { s.Winner = nil }),
		"no advertiser":     bad(func(s *store.Slot) { s.Winner.Advertiser = "" }),
		"negative price":    bad(func(s *store.Slot) { s.Price = -1 }),
		"price above bid":   bad(func(s *store.Slot) { s.Price = s.Winner.Price + 1 }),
		"unsold, no reason": bad(func(s *store.Slot) { s.Status, s.Winner = store.SlotUnsold, nil }),
		"no id":             bad(func(s *store.Slot) { s.ID = "" }),
		"no publisher":      bad(func(s *store.Slot) { s.Publisher = "" }),
		"negative floor":    bad(func(s *store.Slot) { s.Floor = -1 }),
	}
	for name, slot := range tests {
		batch := []store.Slot{ClosedSlot("good", "adv-1", money.Dollar), slot}
		if err := l.CloseSlots(context.Background(), batch); !errors.Is(err, store.ErrInvalidSlot) {
			t.Errorf("%s: %v, want ErrInvalidSlot", name, err)
		}
	}
	if _, err := Settle(l, "good"); !errors.Is(err, store.ErrUnknownSlot) {
		t.Fatalf("the good slot of a refused batch: %v, want ErrUnknownSlot", err)
	}
	if r := CleanAudit(t, l); r.Slots != 0 {
		t.Fatalf("%d slots recorded from refused batches", r.Slots)
	}
}
