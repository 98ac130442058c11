package pg

import (
	"context"
	"fmt"

	"github.com/quantedge/qex/money"
	"github.com/quantedge/qex/store"
)

const seedAccounts = `INSERT INTO enterprise_accounts (account_id, kind, balance_micros,
	initial_balance_micros)
SELECT id, kind, amount, amount
FROM unnest($1::text[], $2::text[], $3::bigint[]) AS a(id, kind, amount)
ON CONFLICT (account_id) DO NOTHING`

// SeedAccounts creates the accounts that do not exist yet; existing accounts keep
// their balances, so seeding is safe to repeat and to race.
func (l *Ledger) SeedAccounts(ctx context.Context, accounts []store.Account) error {
	for start := 0; start < len(accounts); start += maxRowsPerStatement {
		chunk := accounts[start:min(start+maxRowsPerStatement, len(accounts))]
		ids, kinds, amounts := make([]string, len(chunk)), make([]string, len(chunk)),
			make([]int64, len(chunk))
		for i, a := range chunk {
			ids[i], kinds[i], amounts[i] = a.ID, string(a.Kind), int64(a.Initial)
		}
		if err := l.execRetrying(ctx, seedAccounts, ids, kinds, amounts); err != nil {
			return l.secrets.redact(fmt.Errorf("seeding %d accounts: %w", len(chunk), err))
		}
	}
	return nil
}

const topAccounts = `SELECT account_id, balance_micros, initial_balance_micros
FROM enterprise_accounts WHERE kind = $1
ORDER BY balance_micros DESC, account_id LIMIT $2`

// TopAccounts returns up to n accounts of a kind, largest balance first; none
// when n is zero or less.
func (l *Ledger) TopAccounts(ctx context.Context, kind store.AccountKind, n int) (
	[]store.Account, error) {
	if n <= 0 {
		return nil, nil
	}
	rows, err := l.pool.Query(ctx, topAccounts, string(kind), n)
	if err != nil {
		return nil, l.secrets.redact(fmt.Errorf("reading balances: %w", err))
	}
	defer rows.Close()
	var out []store.Account
	for rows.Next() {
		a := store.Account{Kind: kind}
		var balance, initial int64
		if err := rows.Scan(&a.ID, &balance, &initial); err != nil {
			return nil, err
		}
		a.Balance, a.Initial = money.Micros(balance), money.Micros(initial)
		out = append(out, a)
	}
	return out, l.secrets.redact(rows.Err())
}
