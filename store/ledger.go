package store

import (
	"context"
	"fmt"
	"time"

	"github.com/quantedge/qex/money"
)

// AccountKind says which side of a settlement an account is on.
type AccountKind string

// Account kinds.
const (
	Advertiser AccountKind = "advertiser"
	Publisher  AccountKind = "publisher"
)

// Account is an enterprise account: an advertiser who pays or a publisher who is paid.
// Initial is the balance it was seeded with, so that conservation can be checked
// from the ledger alone.
type Account struct {
	ID      string
	Kind    AccountKind
	Balance money.Micros
	Initial money.Micros
}

// SlotStatus is where a slot is in its life after its auction closed.
type SlotStatus string

// Slot statuses.
const (
	// SlotClosed: the auction has a winner that is not yet settled.
	SlotClosed SlotStatus = "closed"
	// SlotSettled: the winner paid; exactly one settlement exists.
	SlotSettled SlotStatus = "settled"
	// SlotUnsold: no settlement will ever exist; Reason says why.
	SlotUnsold SlotStatus = "unsold"
)

// Reasons a slot closes unsold.
const (
	ReasonNoEligibleBid     = "no_eligible_bid"
	ReasonInsufficientFunds = "insufficient_funds"
)

// Slot is a closed auction as the ledger records it. A slot closed with a winner
// carries the winning bid and the price it pays, so that any process can settle
// it later from the ledger alone.
type Slot struct {
	ID        string
	Publisher string
	Floor     money.Micros
	ClosedAt  time.Time
	Status    SlotStatus
	Reason    string
	Winner    *Bid
	Price     money.Micros
	RunID     string
}

// Check reports whether the slot is what CloseSlots records: closed with a
// winner that pays no more than it bid, or unsold with a reason.
func (s Slot) Check() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("slot %q: %s: %w", s.ID, fmt.Sprintf(format, args...), ErrInvalidSlot)
	}
	switch {
	case s.ID == "" || s.Publisher == "":
		return bad("no id or publisher")
	case s.Floor < 0 || s.Price < 0:
		return bad("floor %s, price %s: negative", s.Floor, s.Price)
	}
	switch s.Status {
	case SlotClosed:
		if s.Winner == nil || s.Winner.Advertiser == "" {
			return bad("closed without a winner")
		}
		if s.Price > s.Winner.Price {
			return bad("price %s above the winning bid %s", s.Price, s.Winner.Price)
		}
	case SlotUnsold:
		if s.Reason == "" {
			return bad("unsold without a reason")
		}
	default:
		return bad("status %q: want %q or %q", s.Status, SlotClosed, SlotUnsold)
	}
	return nil
}

// CheckSlots checks every slot, so that a ledger records all or none.
func CheckSlots(slots []Slot) error {
	for _, s := range slots {
		if err := s.Check(); err != nil {
			return err
		}
	}
	return nil
}

// SettleRequest is one settlement attempt of one racer for one closed slot.
// RunID names the settling run, which may not be the run that closed the slot.
type SettleRequest struct {
	Slot    Slot
	RunID   string
	Attempt int
	Racer   int
}

// SettleResult is what a committed settlement attempt did: settled the slot, or
// closed it unsold because the advertiser could not pay. Slot is the slot as the
// ledger recorded it, whose winner and price are the ones settled: another
// process may have closed it with a different evaluation than the request's.
type SettleResult struct {
	Status       SlotStatus
	Reason       string
	SettlementID string
	Slot         Slot
}

// PendingFilter narrows PendingSlots: slots closed before ClosedBefore, of one run
// when RunID is set, at most Limit of them when Limit is positive.
type PendingFilter struct {
	ClosedBefore time.Time
	RunID        string
	Limit        int
}

// Settlement is the single record of a slot's winner paying its publisher, made
// by racer Racer of run RunID on its Attempt-th try.
type Settlement struct {
	ID         string
	SlotID     string
	BidID      string
	Region     string
	Advertiser string
	Publisher  string
	Amount     money.Micros
	RunID      string
	Racer      int
	Attempt    int
	SettledAt  time.Time
}

// ConflictEvent records one attempt that lost an optimistic concurrency race.
type ConflictEvent struct {
	SlotID  string
	RunID   string
	Attempt int
	Racer   int
	Code    string
	Detail  string
	At      time.Time
}

// Run is the record of one simulation run: what it was asked to do and, once it
// ends, what it did. Config and Summary are JSON documents.
type Run struct {
	ID        string
	StartedAt time.Time
	EndedAt   time.Time
	Config    string
	Summary   string
}

// Ledger is the strictly consistent half of QEX. Each Settle call is one
// transaction; concurrent settlers of one slot collide on rows they both write,
// and the loser gets an error that wraps ErrConflict.
type Ledger interface {
	// SeedAccounts creates the accounts that do not exist yet; existing accounts
	// keep their balances.
	SeedAccounts(ctx context.Context, accounts []Account) error
	// CloseSlots records closed auctions. A slot already recorded is left as it is.
	CloseSlots(ctx context.Context, slots []Slot) error
	// Settle makes one settlement attempt in one transaction. It returns an error
	// wrapping ErrConflict when the attempt lost a race (retry with a fresh
	// attempt), ErrAlreadySettled or ErrAlreadyUnsold when the slot was decided
	// before it began.
	Settle(ctx context.Context, req SettleRequest) (SettleResult, error)
	// PendingSlots lists closed slots that still await settlement, oldest first.
	PendingSlots(ctx context.Context, f PendingFilter) ([]Slot, error)
	// RecordConflicts stores conflict events, outside any settlement transaction.
	RecordConflicts(ctx context.Context, events []ConflictEvent) error
	// RecordRun creates or updates a run record.
	RecordRun(ctx context.Context, run Run) error
	// TopAccounts returns up to n accounts of a kind with the largest balances,
	// largest first, ties by account id; none when n is zero or less.
	TopAccounts(ctx context.Context, kind AccountKind, n int) ([]Account, error)
	// Audit checks the ledger's invariants.
	Audit(ctx context.Context) (AuditReport, error)
	// Close releases what the ledger holds.
	Close() error
}
