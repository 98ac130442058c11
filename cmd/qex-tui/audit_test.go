package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/quantedge/qex/money"
	"github.com/quantedge/qex/store"
)

// TestAuditJSONHasEveryCheck: the JSON audit carries every counter the text
// audit prints, so a reader seeing "ok": false can find which check failed.
func TestAuditJSONHasEveryCheck(t *testing.T) {
	r := store.AuditReport{Accounts: 3, MismatchedEntries: 1, MisbookedAccounts: 2,
		NegativeBalances: 1, BalanceTotal: 5 * money.Dollar, InitialTotal: 5 * money.Dollar}
	var out bytes.Buffer
	printAudit(&out, "memory", r, true)
	var doc map[string]any
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatalf("%q: %v", out.String(), err)
	}
	want := map[string]any{"ledger": "memory", "ok": false, "accounts": 3.0,
		"mismatched_entries": 1.0, "misbooked_accounts": 2.0, "negative_balances": 1.0,
		"duplicate_settlements": 0.0, "orphan_entries": 0.0, "awaiting_settlement": 0.0,
		"ledger_balanced": false, "money_conserved": false, "balance_total_usd": "5.00",
		"seeded_total_usd": "5.00", "balance_total_micros": 5e6}
	for key, value := range want {
		if doc[key] != value {
			t.Errorf("%s = %v, want %v", key, doc[key], value)
		}
	}
}

func TestAuditBadFlags(t *testing.T) {
	for _, tt := range []struct {
		args []string
		says string
	}{
		{[]string{"extra"}, `unexpected argument "extra"`},
		{[]string{"--ledger", "memory"}, "the embedded ledger lives inside a run"},
		{[]string{"--json=maybe"}, `--json "maybe": want true or false`},
	} {
		code, _, stderr := runCmd(t, append([]string{"audit"}, tt.args...)...)
		if code != exitBadInput || !strings.Contains(stderr, tt.says) {
			t.Errorf("%v: exit %d, %q; want %q", tt.args, code, stderr, tt.says)
		}
	}
}
