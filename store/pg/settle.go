package pg

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/quantedge/qex/money"
	"github.com/quantedge/qex/store"
)

// readSlot reads, in the attempt's snapshot, the slot as recorded, the winning
// advertiser's balance and whether the publisher exists.
const readSlot = `SELECT ` + slotColumnsSQL + `,
	a.balance_micros, p.account_id IS NOT NULL
FROM ad_slots s
LEFT JOIN enterprise_accounts a ON a.account_id = s.winning_advertiser_id
LEFT JOIN enterprise_accounts p ON p.account_id = s.publisher_id
WHERE s.slot_id = $1`

const (
	markSettled = `UPDATE ad_slots SET status = 'settled', version = version + 1,
	updated_at = now() WHERE slot_id = $1 AND status = 'closed'`
	markUnsold = `UPDATE ad_slots SET status = 'unsold', reason = $2, version = version + 1,
	updated_at = now() WHERE slot_id = $1 AND status = 'closed'`
	debit = `UPDATE enterprise_accounts SET balance_micros = balance_micros - $2,
	version = version + 1, updated_at = now() WHERE account_id = $1 AND balance_micros >= $2`
	credit = `UPDATE enterprise_accounts SET balance_micros = balance_micros + $2,
	version = version + 1, updated_at = now() WHERE account_id = $1`
	insertSettlement = `INSERT INTO settlements (slot_id, settlement_id, bid_id, advertiser_id,
	publisher_id, amount_micros, run_id, racer, attempt) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`
	insertEntries = `INSERT INTO financial_ledger (settlement_id, slot_id, account_id, amount_micros)
	VALUES ($1, $2, $3, -$5::bigint), ($1, $2, $4, $5::bigint)`
	insertWinningBid = `INSERT INTO ad_bids (slot_id, bid_id, region, advertiser_id, price_micros,
	arrival) VALUES ($1, $2, $3, $4, $5, $6)`
)

// snapshot is what an attempt read at its start.
type snapshot struct {
	slot         store.Slot
	balance      *int64
	hasPublisher bool
}

// Settle makes one settlement attempt in one transaction.
func (l *Ledger) Settle(ctx context.Context, req store.SettleRequest) (store.SettleResult, error) {
	conn, err := l.pool.Acquire(ctx)
	if err != nil {
		return store.SettleResult{}, l.secrets.redact(fmt.Errorf("settling slot %s: %w",
			req.Slot.ID, err))
	}
	defer conn.Release()
	res, err := l.attempt(ctx, conn.Conn(), req)
	if err != nil {
		err = l.secrets.redact(err)
	}
	return res, err
}

func (l *Ledger) attempt(ctx context.Context, conn *pgx.Conn, req store.SettleRequest) (
	store.SettleResult, error) {
	snap, err := l.begin(ctx, conn, req.Slot.ID)
	if err != nil {
		l.rollback(conn)
		return store.SettleResult{}, classify(req.Slot.ID, err)
	}
	s := snap.slot
	switch {
	case s.Status == store.SlotSettled:
		l.rollback(conn)
		return store.SettleResult{}, fmt.Errorf("slot %s: %w", s.ID, store.ErrAlreadySettled)
	case s.Status == store.SlotUnsold:
		l.rollback(conn)
		return store.SettleResult{}, fmt.Errorf("slot %s: %w", s.ID, store.ErrAlreadyUnsold)
	case s.Winner == nil:
		l.rollback(conn)
		return store.SettleResult{}, fmt.Errorf("slot %s is closed without a winner", s.ID)
	case snap.balance == nil:
		l.rollback(conn)
		return store.SettleResult{}, fmt.Errorf("advertiser %s: %w", s.Winner.Advertiser,
			store.ErrUnknownAccount)
	case !snap.hasPublisher:
		l.rollback(conn)
		return store.SettleResult{}, fmt.Errorf("publisher %s: %w", s.Publisher,
			store.ErrUnknownAccount)
	}
	if money.Micros(*snap.balance) < s.Price {
		return l.finish(ctx, conn, req, s, unsoldWrites(s),
			store.SettleResult{Status: store.SlotUnsold, Reason: store.ReasonInsufficientFunds, Slot: s})
	}
	id := uuid.New()
	s.Status = store.SlotSettled
	return l.finish(ctx, conn, req, s, settleWrites(s, id, req),
		store.SettleResult{Status: store.SlotSettled, SettlementID: id.String(), Slot: s})
}

// begin opens the transaction and reads the snapshot in one round trip.
func (l *Ledger) begin(ctx context.Context, conn *pgx.Conn, slotID string) (snapshot, error) {
	b := &pgx.Batch{}
	b.Queue("BEGIN ISOLATION LEVEL " + string(l.isolation))
	b.Queue(readSlot, slotID)
	br := conn.SendBatch(ctx, b)
	defer br.Close()
	if _, err := br.Exec(); err != nil {
		return snapshot{}, err
	}
	snap := snapshot{slot: store.Slot{ID: slotID}}
	err := scanSlot(br.QueryRow(), &snap.slot, &snap.balance, &snap.hasPublisher)
	if errors.Is(err, pgx.ErrNoRows) {
		return snapshot{}, fmt.Errorf("slot %s: %w", slotID, store.ErrUnknownSlot)
	}
	return snap, err
}

// writes is an attempt's statements ending in COMMIT, with the number of rows
// each must touch.
type writes struct {
	batch pgx.Batch
	rows  []int64
}

func (w *writes) queue(rows int64, sql string, args ...any) {
	w.batch.Queue(sql, args...)
	w.rows = append(w.rows, rows)
}

func unsoldWrites(s store.Slot) *writes {
	w := &writes{}
	w.queue(1, markUnsold, s.ID, store.ReasonInsufficientFunds)
	w.queue(0, "COMMIT")
	return w
}

func settleWrites(s store.Slot, id uuid.UUID, req store.SettleRequest) *writes {
	bid := s.Winner
	price := int64(s.Price)
	w := &writes{}
	w.queue(1, markSettled, s.ID)
	w.queue(1, debit, bid.Advertiser, price)
	w.queue(1, credit, s.Publisher, price)
	w.queue(1, insertSettlement, s.ID, id, bid.ID, bid.Advertiser, s.Publisher, price, req.RunID,
		req.Racer, req.Attempt)
	w.queue(2, insertEntries, id, s.ID, bid.Advertiser, s.Publisher, price)
	w.queue(1, insertWinningBid, s.ID, bid.ID, bid.Region, bid.Advertiser, int64(bid.Price),
		bid.Arrival)
	w.queue(0, "COMMIT")
	return w
}

// finish sends the writes and COMMIT. A failed statement leaves the transaction
// aborted, so it is rolled back and its error kept. A connection lost while the
// COMMIT was in flight leaves the outcome unknown: the settlement is read back
// before anything is decided.
func (l *Ledger) finish(ctx context.Context, conn *pgx.Conn, req store.SettleRequest,
	s store.Slot, w *writes, want store.SettleResult) (store.SettleResult, error) {
	tags, err := l.commit(ctx, conn, &w.batch)
	switch {
	case err == nil:
		return want, w.check(s.ID, tags)
	case outcomeUnknown(err):
		l.log.Warn("connection lost during commit; reading the outcome back",
			"slot", s.ID, "err", l.secrets.redact(err))
		return l.readBack(ctx, req, want, err)
	}
	l.rollback(conn)
	return store.SettleResult{}, classify(s.ID, err)
}

// check confirms each write touched the rows it should. The snapshot makes
// anything else impossible; a mismatch means the schema or the data were changed
// behind the ledger's back, and the audit will say how.
func (w *writes) check(slotID string, tags []pgconn.CommandTag) error {
	for i, tag := range tags {
		if tag.RowsAffected() != w.rows[i] {
			return fmt.Errorf("slot %s: statement %d of the settlement touched %d rows, want %d",
				slotID, i+1, tag.RowsAffected(), w.rows[i])
		}
	}
	return nil
}

// rollback ends a failed transaction; a connection that cannot is closed, so the
// pool never hands out one inside a transaction.
func (l *Ledger) rollback(conn *pgx.Conn) {
	ctx, cancel := context.WithTimeout(context.Background(), rollbackTimeout)
	defer cancel()
	if _, err := conn.Exec(ctx, "ROLLBACK"); err != nil {
		_ = conn.Close(ctx)
	}
}

const rollbackTimeout = 5 * time.Second
