package pg

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/quantedge/qex/money"
	"github.com/quantedge/qex/store"
)

// The audit's queries look at rows, not at constraints: a duplicate that the
// primary key somehow failed to stop would still be counted.
const (
	auditAccounts = `SELECT count(*), coalesce(sum(balance_micros), 0),
	coalesce(sum(initial_balance_micros), 0) FROM enterprise_accounts`
	auditSlots = `SELECT count(*), count(*) FILTER (WHERE status = 'settled'),
	count(*) FILTER (WHERE status = 'unsold'), count(*) FILTER (WHERE status = 'closed')
	FROM ad_slots`
	auditCounts = `SELECT (SELECT count(*) FROM settlements),
	(SELECT count(*) FROM financial_ledger)`
	auditDuplicates = `SELECT count(*) FROM
	(SELECT slot_id FROM settlements GROUP BY slot_id HAVING count(*) > 1) d`
	auditUnbalanced = `SELECT count(*) FROM settlements s
	LEFT JOIN (SELECT settlement_id, count(*) AS n, sum(amount_micros) AS total
	           FROM financial_ledger GROUP BY settlement_id) e ON e.settlement_id = s.settlement_id
	WHERE e.n IS DISTINCT FROM 2 OR e.total <> 0`
	auditOrphans = `SELECT count(*) FROM financial_ledger e
	WHERE NOT EXISTS (SELECT 1 FROM settlements s WHERE s.settlement_id = e.settlement_id)`
	auditSettledWithout = `SELECT count(*) FROM ad_slots a WHERE a.status = 'settled'
	AND NOT EXISTS (SELECT 1 FROM settlements s WHERE s.slot_id = a.slot_id)`
	auditNotSettled = `SELECT count(*) FROM settlements s LEFT JOIN ad_slots a ON a.slot_id = s.slot_id
	WHERE a.status IS DISTINCT FROM 'settled'`
)

// Audit checks the ledger's invariants in one read-only snapshot.
func (l *Ledger) Audit(ctx context.Context) (store.AuditReport, error) {
	var r store.AuditReport
	var total, initial int64
	queries := []struct {
		sql  string
		dest []any
	}{
		{auditAccounts, []any{&r.Accounts, &total, &initial}},
		{auditSlots, []any{&r.Slots, &r.Settled, &r.Unsold, &r.AwaitingSettlement}},
		{auditCounts, []any{&r.Settlements, &r.Entries}},
		{auditDuplicates, []any{&r.DuplicateSettlements}},
		{auditUnbalanced, []any{&r.UnbalancedSettlements}},
		{auditOrphans, []any{&r.OrphanEntries}},
		{auditSettledWithout, []any{&r.SettledWithoutSettlement}},
		{auditNotSettled, []any{&r.SettlementsNotSettled}},
	}
	opts := pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}
	err := pgx.BeginTxFunc(ctx, l.pool, opts, func(tx pgx.Tx) error {
		for _, q := range queries {
			if err := tx.QueryRow(ctx, q.sql).Scan(q.dest...); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return store.AuditReport{}, l.secrets.redact(fmt.Errorf("auditing the ledger: %w", err))
	}
	r.BalanceTotal, r.InitialTotal = money.Micros(total), money.Micros(initial)
	return r, nil
}
