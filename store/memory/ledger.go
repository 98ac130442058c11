package memory

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/quantedge/qex/internal/pause"
	"github.com/quantedge/qex/internal/sqlstate"
	"github.com/quantedge/qex/money"
	"github.com/quantedge/qex/store"
)

// DefaultConflictHistory is how many conflict events the embedded ledger keeps.
const DefaultConflictHistory = 10_000

// LedgerOptions configures a Ledger. Zero values take the defaults.
type LedgerOptions struct {
	// CommitLatency is a pause between an attempt's snapshot and its commit. It
	// models the round trip of a cross-region commit: the longer it is, the more
	// concurrent settlers overlap and conflict.
	CommitLatency time.Duration
	// ConflictHistory is how many conflict events are kept; older ones are dropped.
	ConflictHistory int
	// Now is the clock; tests replace it.
	Now func() time.Time
}

// Ledger is the embedded ledger with optimistic concurrency: an attempt reads a
// snapshot of the rows it needs, and its commit is refused with a conflict if any
// row it writes changed since. First committer wins.
type Ledger struct {
	latency time.Duration
	now     func() time.Time

	mu           sync.RWMutex
	accounts     map[string]*accountRow
	slots        map[string]*slotRow
	pending      map[string]struct{} // slots closed with a winner, not yet settled
	settlements  []store.Settlement
	settledSlots map[string]struct{} // slots with a settlement: its unique index
	entries      []entry
	conflicts    *ring[store.ConflictEvent]
	runs         map[string]store.Run
}

type accountRow struct {
	account store.Account
	version int64
}

type slotRow struct {
	slot    store.Slot
	version int64
}

// entry is one row of the double-entry ledger: a signed amount on one account.
type entry struct {
	settlement int // position in settlements
	account    string
	amount     money.Micros
}

// Entries are the debit then the credit: a settlement's first and second.
const (
	debitEntry  = 0
	creditEntry = 1
)

// NewLedger returns an empty ledger.
func NewLedger(opts LedgerOptions) *Ledger {
	if opts.ConflictHistory <= 0 {
		opts.ConflictHistory = DefaultConflictHistory
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Ledger{
		latency:      opts.CommitLatency,
		now:          opts.Now,
		accounts:     make(map[string]*accountRow),
		slots:        make(map[string]*slotRow),
		pending:      make(map[string]struct{}),
		settledSlots: make(map[string]struct{}),
		conflicts:    newRing[store.ConflictEvent](opts.ConflictHistory),
		runs:         make(map[string]store.Run),
	}
}

// SeedAccounts creates the accounts that do not exist yet.
func (l *Ledger) SeedAccounts(ctx context.Context, accounts []store.Account) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, a := range accounts {
		if _, ok := l.accounts[a.ID]; ok {
			continue
		}
		a.Balance = a.Initial
		l.accounts[a.ID] = &accountRow{account: a}
	}
	return nil
}

// CloseSlots records closed auctions; a slot already recorded is left as it is.
func (l *Ledger) CloseSlots(ctx context.Context, slots []store.Slot) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := store.CheckSlots(slots); err != nil {
		return err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, s := range slots {
		if _, ok := l.slots[s.ID]; ok {
			continue
		}
		l.slots[s.ID] = &slotRow{slot: copySlot(s)}
		if s.Status == store.SlotClosed {
			l.pending[s.ID] = struct{}{}
		}
	}
	return nil
}

// copySlot copies a slot and its winner, so that no caller shares a row's bid.
func copySlot(s store.Slot) store.Slot {
	if s.Winner != nil {
		w := *s.Winner
		s.Winner = &w
	}
	return s
}

// snapshot is what one settlement attempt read: the rows and their versions.
type snapshot struct {
	slot                   store.Slot
	slotVersion            int64
	balance                money.Micros
	advVersion, pubVersion int64
}

// Settle makes one settlement attempt: read a snapshot, decide, wait out the
// commit latency, then commit if no row it writes changed meanwhile.
func (l *Ledger) Settle(ctx context.Context, req store.SettleRequest) (store.SettleResult, error) {
	snap, err := l.read(req.Slot)
	if err != nil {
		return store.SettleResult{}, err
	}
	switch snap.slot.Status {
	case store.SlotSettled:
		return store.SettleResult{}, fmt.Errorf("slot %s: %w", req.Slot.ID, store.ErrAlreadySettled)
	case store.SlotUnsold:
		return store.SettleResult{}, fmt.Errorf("slot %s: %w", req.Slot.ID, store.ErrAlreadyUnsold)
	}
	if err := pause.For(ctx, l.latency); err != nil {
		return store.SettleResult{}, err
	}
	if snap.balance < snap.slot.Price {
		return l.commitUnsold(snap)
	}
	return l.commitSettlement(snap, req)
}

func (l *Ledger) read(s store.Slot) (snapshot, error) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	row, ok := l.slots[s.ID]
	if !ok {
		return snapshot{}, fmt.Errorf("slot %s: %w", s.ID, store.ErrUnknownSlot)
	}
	snap := snapshot{slot: copySlot(row.slot), slotVersion: row.version}
	if row.slot.Status != store.SlotClosed {
		return snap, nil
	}
	if row.slot.Winner == nil {
		return snapshot{}, fmt.Errorf("slot %s is closed without a winner", s.ID)
	}
	adv, ok := l.accounts[row.slot.Winner.Advertiser]
	if !ok {
		return snapshot{}, fmt.Errorf("advertiser %s: %w", row.slot.Winner.Advertiser,
			store.ErrUnknownAccount)
	}
	pub, ok := l.accounts[row.slot.Publisher]
	if !ok {
		return snapshot{}, fmt.Errorf("publisher %s: %w", row.slot.Publisher, store.ErrUnknownAccount)
	}
	snap.balance, snap.advVersion, snap.pubVersion = adv.account.Balance, adv.version, pub.version
	return snap, nil
}

// conflict is a lost race on a row, with the code a database gives a
// serialization failure so that both are shown and counted alike. Detail names
// the kind of row, so a feed of conflicts shows whether racers collide on slots
// or on hot accounts.
func conflict(what, id string) error {
	return &store.ConflictError{
		Code:   sqlstate.SerializationFailure,
		Detail: what + " row",
		Err:    fmt.Errorf("%s %s changed since the attempt's snapshot", what, id),
	}
}

func (l *Ledger) commitUnsold(snap snapshot) (store.SettleResult, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	// The decision rests on the advertiser's balance, so that read is validated
	// too, not only the slot row written.
	row, adv := l.slots[snap.slot.ID], l.accounts[snap.slot.Winner.Advertiser]
	switch {
	case row.version != snap.slotVersion:
		return store.SettleResult{}, conflict("slot", snap.slot.ID)
	case adv.version != snap.advVersion:
		return store.SettleResult{}, conflict("account", adv.account.ID)
	}
	row.slot.Status, row.slot.Reason = store.SlotUnsold, store.ReasonInsufficientFunds
	row.version++
	delete(l.pending, snap.slot.ID)
	return store.SettleResult{Status: store.SlotUnsold, Reason: store.ReasonInsufficientFunds,
		Slot: copySlot(row.slot)}, nil
}

func (l *Ledger) commitSettlement(snap snapshot, req store.SettleRequest) (
	store.SettleResult, error) {
	s := snap.slot
	id := uuid.NewString()
	l.mu.Lock()
	defer l.mu.Unlock()
	row, adv, pub := l.slots[s.ID], l.accounts[s.Winner.Advertiser], l.accounts[s.Publisher]
	switch {
	case row.version != snap.slotVersion:
		return store.SettleResult{}, conflict("slot", s.ID)
	case adv.version != snap.advVersion:
		return store.SettleResult{}, conflict("account", adv.account.ID)
	case pub.version != snap.pubVersion:
		return store.SettleResult{}, conflict("account", pub.account.ID)
	}
	if _, dup := l.settledSlots[s.ID]; dup {
		// The slot row's version guards this too; the unique index is the last word.
		return store.SettleResult{}, fmt.Errorf("slot %s: %w", s.ID, store.ErrAlreadySettled)
	}
	adv.account.Balance -= s.Price
	adv.version++
	pub.account.Balance += s.Price
	pub.version++
	row.slot.Status = store.SlotSettled
	row.version++
	delete(l.pending, s.ID)

	at := len(l.settlements)
	l.settlements = append(l.settlements, store.Settlement{
		ID: id, SlotID: s.ID, BidID: s.Winner.ID, Region: s.Winner.Region,
		Advertiser: adv.account.ID, Publisher: pub.account.ID, Amount: s.Price,
		RunID: req.RunID, Racer: req.Racer, Attempt: req.Attempt, SettledAt: l.now(),
	})
	l.settledSlots[s.ID] = struct{}{}
	l.entries = append(l.entries,
		entry{settlement: at, account: adv.account.ID, amount: -s.Price},
		entry{settlement: at, account: pub.account.ID, amount: s.Price})
	return store.SettleResult{Status: store.SlotSettled, SettlementID: id,
		Slot: copySlot(row.slot)}, nil
}

// PendingSlots lists closed slots awaiting settlement, oldest first.
func (l *Ledger) PendingSlots(ctx context.Context, f store.PendingFilter) ([]store.Slot, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	l.mu.RLock()
	out := make([]store.Slot, 0, len(l.pending))
	for id := range l.pending {
		s := l.slots[id].slot
		if s.ClosedAt.Before(f.ClosedBefore) && (f.RunID == "" || f.RunID == s.RunID) {
			out = append(out, copySlot(s))
		}
	}
	l.mu.RUnlock()
	slices.SortFunc(out, func(a, b store.Slot) int {
		return cmp.Or(a.ClosedAt.Compare(b.ClosedAt), cmp.Compare(a.ID, b.ID))
	})
	if f.Limit > 0 && len(out) > f.Limit {
		out = out[:f.Limit]
	}
	return out, nil
}

// RecordConflicts keeps the latest conflict events.
func (l *Ledger) RecordConflicts(ctx context.Context, events []store.ConflictEvent) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, e := range events {
		l.conflicts.push(e)
	}
	return nil
}

// Conflicts returns the kept conflict events, oldest first, and how many were
// ever recorded.
func (l *Ledger) Conflicts() ([]store.ConflictEvent, int) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.conflicts.items(), l.conflicts.total
}

// RecordRun creates or replaces a run record.
func (l *Ledger) RecordRun(ctx context.Context, run store.Run) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.runs[run.ID] = run
	return nil
}

// TopAccounts returns up to n accounts of a kind, largest balance first; none
// when n is zero or less.
func (l *Ledger) TopAccounts(ctx context.Context, kind store.AccountKind, n int) (
	[]store.Account, error) {
	if err := ctx.Err(); err != nil || n <= 0 {
		return nil, err
	}
	l.mu.RLock()
	var out []store.Account
	for _, row := range l.accounts {
		if row.account.Kind == kind {
			out = append(out, row.account)
		}
	}
	l.mu.RUnlock()
	slices.SortFunc(out, func(a, b store.Account) int {
		return cmp.Or(cmp.Compare(b.Balance, a.Balance), cmp.Compare(a.ID, b.ID))
	})
	if len(out) > n {
		out = out[:n]
	}
	return out, nil
}

// Close does nothing: the embedded ledger holds no outside resources.
func (l *Ledger) Close() error { return nil }
