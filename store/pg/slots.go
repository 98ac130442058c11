package pg

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/quantedge/qex/money"
	"github.com/quantedge/qex/store"
)

// maxRowsPerStatement keeps a multi-row write well under DSQL's limit of 3,000
// modified rows per transaction.
const maxRowsPerStatement = 1000

const closeSlots = `INSERT INTO ad_slots (slot_id, publisher_id, floor_micros, status, reason,
	winning_bid_id, winning_region, winning_advertiser_id, winning_bid_micros, winning_arrival,
	price_micros, run_id, closed_at)
SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::text[],
	$7::text[], $8::text[], $9::bigint[], $10::timestamptz[], $11::bigint[], $12::text[],
	$13::timestamptz[])
ON CONFLICT (slot_id) DO NOTHING`

// CloseSlots records closed auctions; a slot already recorded is left as it is.
func (l *Ledger) CloseSlots(ctx context.Context, slots []store.Slot) error {
	if err := store.CheckSlots(slots); err != nil {
		return err
	}
	for start := 0; start < len(slots); start += maxRowsPerStatement {
		chunk := slots[start:min(start+maxRowsPerStatement, len(slots))]
		if err := l.execRetrying(ctx, closeSlots, slotColumns(chunk)...); err != nil {
			return l.secrets.redact(fmt.Errorf("recording %d closed slots: %w", len(chunk), err))
		}
	}
	return nil
}

// slotColumns lays slots out as one array per column; a slot without a winner
// has NULLs in the winner's columns.
func slotColumns(slots []store.Slot) []any {
	n := len(slots)
	ids, pubs, statuses := make([]string, n), make([]string, n), make([]string, n)
	floors, prices := make([]int64, n), make([]int64, n)
	reasons, bidIDs, regions, advs := make([]*string, n), make([]*string, n), make([]*string, n),
		make([]*string, n)
	bidPrices, arrivals := make([]*int64, n), make([]*time.Time, n)
	runs, closed := make([]string, n), make([]time.Time, n)
	for i, s := range slots {
		ids[i], pubs[i], floors[i], statuses[i] = s.ID, s.Publisher, int64(s.Floor), string(s.Status)
		prices[i], runs[i], closed[i] = int64(s.Price), s.RunID, s.ClosedAt
		if s.Reason != "" {
			reasons[i] = &s.Reason
		}
		if w := s.Winner; w != nil {
			p := int64(w.Price)
			bidIDs[i], regions[i], advs[i], bidPrices[i], arrivals[i] = &w.ID, &w.Region,
				&w.Advertiser, &p, &w.Arrival
		}
	}
	return []any{ids, pubs, floors, statuses, reasons, bidIDs, regions, advs, bidPrices, arrivals,
		prices, runs, closed}
}

const slotColumnsSQL = `s.slot_id, s.status, coalesce(s.reason, ''), s.publisher_id,
	s.floor_micros, s.winning_bid_id, s.winning_region, s.winning_advertiser_id,
	s.winning_bid_micros, s.winning_arrival, s.price_micros, s.run_id, s.closed_at`

// scanSlot reads the columns of slotColumnsSQL, then any extra destinations.
func scanSlot(row pgx.Row, s *store.Slot, extra ...any) error {
	var status string
	var bidID, region, adv *string
	var bidPrice *int64
	var arrival *time.Time
	var floor, price int64
	dest := append([]any{&s.ID, &status, &s.Reason, &s.Publisher, &floor, &bidID, &region,
		&adv, &bidPrice, &arrival, &price, &s.RunID, &s.ClosedAt}, extra...)
	if err := row.Scan(dest...); err != nil {
		return err
	}
	s.Status, s.Floor, s.Price = store.SlotStatus(status), money.Micros(floor), money.Micros(price)
	if bidID != nil && adv != nil && bidPrice != nil && arrival != nil && region != nil {
		s.Winner = &store.Bid{ID: *bidID, SlotID: s.ID, Region: *region, Advertiser: *adv,
			Price: money.Micros(*bidPrice), Arrival: *arrival}
	}
	return nil
}

const pendingSlots = `SELECT ` + slotColumnsSQL + `
FROM ad_slots s
WHERE s.status = 'closed' AND s.closed_at < $1 AND ($2 = '' OR s.run_id = $2)
ORDER BY s.closed_at, s.slot_id`

// PendingSlots lists closed slots that still await settlement, oldest first.
func (l *Ledger) PendingSlots(ctx context.Context, f store.PendingFilter) ([]store.Slot, error) {
	query, args := pendingSlots, []any{f.ClosedBefore, f.RunID}
	if f.Limit > 0 {
		query, args = query+" LIMIT $3", append(args, f.Limit)
	}
	rows, err := l.pool.Query(ctx, query, args...)
	if err != nil {
		return nil, l.secrets.redact(fmt.Errorf("listing pending slots: %w", err))
	}
	defer rows.Close()
	var out []store.Slot
	for rows.Next() {
		var s store.Slot
		if err := scanSlot(rows, &s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, l.secrets.redact(rows.Err())
}
