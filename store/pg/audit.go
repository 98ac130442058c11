package pg

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/quantedge/qex/money"
	"github.com/quantedge/qex/schema"
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
	auditNotSettled = `SELECT count(*) FROM settlements s
	LEFT JOIN ad_slots a ON a.slot_id = s.slot_id
	WHERE a.status IS DISTINCT FROM 'settled'`
	auditMismatched = `SELECT count(*) FROM settlements s
	WHERE NOT EXISTS (SELECT 1 FROM financial_ledger e WHERE e.settlement_id = s.settlement_id
	    AND e.side = 'debit' AND e.account_id = s.advertiser_id
	    AND e.amount_micros = -s.amount_micros)
	OR NOT EXISTS (SELECT 1 FROM financial_ledger e WHERE e.settlement_id = s.settlement_id
	    AND e.side = 'credit' AND e.account_id = s.publisher_id
	    AND e.amount_micros = s.amount_micros)`
	auditMisbooked = `SELECT count(*) FROM enterprise_accounts a
	LEFT JOIN (SELECT account_id, sum(amount_micros) AS total FROM financial_ledger
	           GROUP BY account_id) e ON e.account_id = a.account_id
	WHERE a.balance_micros <> a.initial_balance_micros + coalesce(e.total, 0)`
	auditNegative = `SELECT count(*) FROM enterprise_accounts WHERE balance_micros < 0`
)

// Audit checks the ledger's invariants in one read-only snapshot. On DSQL, whole-
// table counts over a very large ledger can outlast its five-minute transaction
// limit; audit such a ledger from a PostgreSQL copy.
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
		{auditMismatched, []any{&r.MismatchedEntries}},
		{auditMisbooked, []any{&r.MisbookedAccounts}},
		{auditNegative, []any{&r.NegativeBalances}},
	}
	opts := pgx.TxOptions{AccessMode: pgx.ReadOnly}
	if l.dialect == schema.PostgreSQL { // DSQL has one level, and no clause to name it
		opts.IsoLevel = pgx.RepeatableRead
	}
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
