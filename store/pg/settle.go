package pg

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/quantedge/qex/internal/sqlstate"
	"github.com/quantedge/qex/store"
)

// A settlement attempt is one transaction sent as one batch. The first statement
// decides the slot from the row as recorded: settled if its winner can pay,
// unsold if not, tagged with the attempt's id. The second reads, in the same
// snapshot, why a slot this attempt did not decide stayed undecided. Every later
// statement acts only on a slot this attempt decided settled, so a slot already
// decided, or one the winner cannot pay for, makes them touch nothing; then
// COMMIT.
const (
	decide = `UPDATE ad_slots s SET
	status = CASE WHEN a.balance_micros >= s.price_micros THEN 'settled' ELSE 'unsold' END,
	reason = CASE WHEN a.balance_micros >= s.price_micros THEN NULL ELSE 'insufficient_funds' END,
	decided_by = $2, version = s.version + 1, updated_at = now()
FROM enterprise_accounts a
WHERE s.slot_id = $1 AND s.status = 'closed' AND a.account_id = s.winning_advertiser_id
	AND EXISTS (SELECT 1 FROM enterprise_accounts p WHERE p.account_id = s.publisher_id)
RETURNING ` + slotColumnsSQL

	// undecided reads the slot unless this attempt decided it: its status, and
	// whether its winner and both accounts exist.
	undecided = `SELECT s.status, s.winning_bid_id IS NOT NULL,
	EXISTS (SELECT 1 FROM enterprise_accounts a WHERE a.account_id = s.winning_advertiser_id),
	EXISTS (SELECT 1 FROM enterprise_accounts p WHERE p.account_id = s.publisher_id)
FROM ad_slots s WHERE s.slot_id = $1 AND s.decided_by IS DISTINCT FROM $2`

	// decidedSettled selects the slot this attempt settled.
	decidedSettled = `FROM ad_slots s
WHERE s.slot_id = $1 AND s.decided_by = $2 AND s.status = 'settled'`

	debit = `UPDATE enterprise_accounts a SET balance_micros = a.balance_micros - s.price_micros,
	version = a.version + 1, updated_at = now()
` + decidedSettled + ` AND a.account_id = s.winning_advertiser_id`
	credit = `UPDATE enterprise_accounts a SET balance_micros = a.balance_micros + s.price_micros,
	version = a.version + 1, updated_at = now()
` + decidedSettled + ` AND a.account_id = s.publisher_id`
	insertSettlement = `INSERT INTO settlements (slot_id, settlement_id, bid_id, advertiser_id,
	publisher_id, amount_micros, run_id, racer, attempt)
SELECT s.slot_id, s.decided_by, s.winning_bid_id, s.winning_advertiser_id, s.publisher_id,
	s.price_micros, $3, $4, $5 ` + decidedSettled
	insertEntries = `INSERT INTO financial_ledger (settlement_id, side, account_id, slot_id,
	amount_micros)
SELECT s.decided_by, 'debit', s.winning_advertiser_id, s.slot_id, -s.price_micros
` + decidedSettled + `
UNION ALL
SELECT s.decided_by, 'credit', s.publisher_id, s.slot_id, s.price_micros ` + decidedSettled
	insertWinningBid = `INSERT INTO ad_bids (slot_id, bid_id, region, advertiser_id, price_micros,
	arrival)
SELECT s.slot_id, s.winning_bid_id, s.winning_region, s.winning_advertiser_id,
	s.winning_bid_micros, s.winning_arrival ` + decidedSettled
)

// settledRows is how many rows each write after the decision touches when the
// attempt settles the slot: debit, credit, settlement, two entries, bid.
var settledRows = []int64{1, 1, 1, 2, 1}

// attemptResult is what an attempt's batch did: the slot as it decided it (nil
// when the slot was not closed, or its accounts are missing), the slot as it
// found it otherwise (nil when there is no such slot), the tags of the writes
// after the decision, and COMMIT's.
type attemptResult struct {
	slot   *store.Slot
	found  *undecidedSlot
	writes []pgconn.CommandTag
	commit pgconn.CommandTag
}

// undecidedSlot is a slot an attempt did not decide, as the attempt saw it.
type undecidedSlot struct {
	status                                 store.SlotStatus
	hasWinner, hasAdvertiser, hasPublisher bool
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
	if err != nil && !decidedElsewhere(err) {
		// A lost race is the server's answer, which quotes no secret: the
		// common case skips the redactor.
		err = l.secrets.redact(err)
	}
	return res, err
}

func (l *Ledger) attempt(ctx context.Context, conn *pgx.Conn, req store.SettleRequest) (
	store.SettleResult, error) {
	id := uuid.New()
	out, err := l.send(ctx, conn, l.attemptBatch(req, id))
	switch {
	case err != nil && outcomeUnknown(err):
		l.log.Warn("connection lost during commit; reading the outcome back",
			"slot", req.Slot.ID, "err", l.secrets.redact(err))
		return l.readBack(ctx, req, id, err)
	case err != nil:
		l.rollback(conn)
		return store.SettleResult{}, classify(req.Slot.ID, err)
	case out.commit.String() != "COMMIT":
		return store.SettleResult{}, fmt.Errorf("slot %s: the transaction ended in %q, not COMMIT",
			req.Slot.ID, out.commit.String())
	case out.slot == nil:
		return store.SettleResult{}, explainUndecided(req.Slot.ID, out.found)
	}
	return decided(*out.slot, id, out.writes)
}

// attemptBatch is the attempt's transaction.
func (l *Ledger) attemptBatch(req store.SettleRequest, id uuid.UUID) *pgx.Batch {
	// The id as bytes: pgx sends them as a binary uuid, where uuid.UUID would
	// go through its text form.
	raw := [16]byte(id)
	b := &pgx.Batch{}
	b.Queue(l.begin)
	b.Queue(decide, req.Slot.ID, raw)
	b.Queue(undecided, req.Slot.ID, raw)
	b.Queue(debit, req.Slot.ID, raw)
	b.Queue(credit, req.Slot.ID, raw)
	b.Queue(insertSettlement, req.Slot.ID, raw, req.RunID, req.Racer, req.Attempt)
	b.Queue(insertEntries, req.Slot.ID, raw)
	b.Queue(insertWinningBid, req.Slot.ID, raw)
	b.Queue("COMMIT")
	return b
}

// sendAttempt runs an attempt's batch in one round trip. The server skips what
// follows a failed statement, so the first error is the one that matters, and a
// COMMIT after it never runs.
func sendAttempt(ctx context.Context, conn *pgx.Conn, b *pgx.Batch) (attemptResult, error) {
	br := conn.SendBatch(ctx, b)
	out, err := readAttempt(br)
	if cerr := br.Close(); err == nil {
		err = cerr
	}
	return out, err
}

// readAttempt reads the results of BEGIN, the decision, the read of an
// undecided slot, the writes and COMMIT.
func readAttempt(br pgx.BatchResults) (attemptResult, error) {
	var out attemptResult
	if _, err := br.Exec(); err != nil {
		return out, err
	}
	err := readRows(br, func(rows pgx.Rows) error {
		out.slot = &store.Slot{}
		return scanSlot(rows, out.slot)
	})
	if err != nil {
		return out, err
	}
	err = readRows(br, func(rows pgx.Rows) error {
		var status string
		out.found = &undecidedSlot{}
		err := rows.Scan(&status, &out.found.hasWinner, &out.found.hasAdvertiser,
			&out.found.hasPublisher)
		out.found.status = store.SlotStatus(status)
		return err
	})
	if err != nil {
		return out, err
	}
	for range settledRows {
		tag, err := br.Exec()
		if err != nil {
			return out, err
		}
		out.writes = append(out.writes, tag)
	}
	out.commit, err = br.Exec()
	return out, err
}

// readRows reads the next result of the batch, calling scan for each row.
func readRows(br pgx.BatchResults, scan func(pgx.Rows) error) error {
	rows, err := br.Query()
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// decided turns a committed decision into the engine's terms, checking each
// write touched the rows it should. The decision makes anything else
// impossible; a mismatch means the schema or the data were changed behind the
// ledger's back, and the audit will say how.
func decided(s store.Slot, id uuid.UUID, writes []pgconn.CommandTag) (store.SettleResult, error) {
	want := settledRows
	if s.Status != store.SlotSettled {
		want = make([]int64, len(settledRows))
	}
	for i, n := range want {
		if got := writes[i].RowsAffected(); got != n {
			return store.SettleResult{}, fmt.Errorf(
				"slot %s: write %d after the decision touched %d rows, want %d", s.ID, i+1, got, n)
		}
	}
	if s.Status == store.SlotUnsold {
		return store.SettleResult{Status: store.SlotUnsold, Reason: s.Reason, Slot: s}, nil
	}
	return store.SettleResult{Status: store.SlotSettled, SettlementID: id.String(), Slot: s}, nil
}

// explainUndecided explains an attempt that decided nothing from the slot as
// the attempt found it: already decided, unknown, or naming an account the
// ledger does not have.
func explainUndecided(slotID string, found *undecidedSlot) error {
	switch {
	case found == nil:
		return fmt.Errorf("slot %s: %w", slotID, store.ErrUnknownSlot)
	case found.status == store.SlotSettled:
		return fmt.Errorf("slot %s: %w", slotID, store.ErrAlreadySettled)
	case found.status == store.SlotUnsold:
		return fmt.Errorf("slot %s: %w", slotID, store.ErrAlreadyUnsold)
	case !found.hasWinner:
		return fmt.Errorf("slot %s is closed without a winner", slotID)
	case !found.hasAdvertiser:
		return fmt.Errorf("slot %s's advertiser: %w", slotID, store.ErrUnknownAccount)
	case !found.hasPublisher:
		return fmt.Errorf("slot %s's publisher: %w", slotID, store.ErrUnknownAccount)
	}
	// Closed and complete in the snapshot the decision read, yet undecided: no
	// statement of the attempt should allow this; trying again is safe.
	return &store.ConflictError{Code: sqlstate.SerializationFailure,
		Err: fmt.Errorf("slot %s was closed and complete, yet the attempt did not decide it",
			slotID)}
}

// decidedElsewhere reports the errors that are a normal part of racing.
func decidedElsewhere(err error) bool {
	return errors.Is(err, store.ErrConflict) || errors.Is(err, store.ErrAlreadySettled) ||
		errors.Is(err, store.ErrAlreadyUnsold)
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
