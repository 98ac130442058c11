package schema

import (
	"regexp"
	"strings"
	"testing"
)

// TestStatementsFollowDSQLRules checks every DDL statement against what Aurora
// DSQL accepts: one statement per file (so one per transaction), idempotent, no
// foreign keys, triggers, sequences or SERIAL, temporary tables, extensions,
// TRUNCATE, SAVEPOINT or advisory locks, no DML, and asynchronous indexes.
func TestStatementsFollowDSQLRules(t *testing.T) {
	stmts, err := Ledger()
	if err != nil {
		t.Fatal(err)
	}
	if len(stmts) < 7 {
		t.Fatalf("only %d statements", len(stmts))
	}
	forbidden := map[string]*regexp.Regexp{
		"foreign key":      regexp.MustCompile(`(?i)\b(foreign\s+key|references)\b`),
		"trigger":          regexp.MustCompile(`(?i)\btrigger\b`),
		"sequence":         regexp.MustCompile(`(?i)\b(sequence|nextval|serial|bigserial|smallserial|identity)\b`),
		"temporary table":  regexp.MustCompile(`(?i)\b(temp|temporary)\b`),
		"extension":        regexp.MustCompile(`(?i)\bextension\b`),
		"truncate":         regexp.MustCompile(`(?i)\btruncate\b`),
		"savepoint":        regexp.MustCompile(`(?i)\bsavepoint\b`),
		"advisory lock":    regexp.MustCompile(`(?i)pg_\w*advisory`),
		"DML":              regexp.MustCompile(`(?i)^\s*(insert|update|delete|select)\b`),
		"json column":      regexp.MustCompile(`(?i)\bjsonb?\b`),
		"partition":        regexp.MustCompile(`(?i)\bpartition\b`),
		"transaction":      regexp.MustCompile(`(?i)\b(begin|commit|rollback)\b`),
		"collation":        regexp.MustCompile(`(?i)\bcollate\b`),
		"table from query": regexp.MustCompile(`(?i)\bas\s+select\b`),
	}
	tables := map[string]bool{}
	for _, s := range stmts {
		t.Run(s.File, func(t *testing.T) {
			if strings.Count(s.SQL, ";") != 0 {
				t.Errorf("more than one statement (a ';' inside)")
			}
			for what, re := range forbidden {
				if re.MatchString(s.SQL) {
					t.Errorf("uses %s: %q", what, re.FindString(s.SQL))
				}
			}
			if !strings.Contains(s.SQL, "IF NOT EXISTS") {
				t.Errorf("not idempotent: no IF NOT EXISTS")
			}
			switch {
			case strings.HasPrefix(s.SQL, "CREATE TABLE"):
				tables[strings.Fields(s.SQL)[5]] = true
			case strings.HasPrefix(s.SQL, "CREATE INDEX"), strings.HasPrefix(s.SQL, "CREATE UNIQUE INDEX"):
				if !strings.Contains(s.SQL, "INDEX ASYNC") {
					t.Errorf("a secondary index must be CREATE INDEX ASYNC on DSQL")
				}
				if pg := s.For(PostgreSQL); strings.Contains(pg, "ASYNC") {
					t.Errorf("PostgreSQL form keeps ASYNC: %s", pg)
				}
			default:
				t.Errorf("neither CREATE TABLE nor CREATE INDEX: %.40s", s.SQL)
			}
		})
	}
	for _, want := range []string{"enterprise_accounts", "ad_slots", "ad_bids", "settlements",
		"financial_ledger", "conflict_events", "simulation_runs"} {
		if !tables[want] {
			t.Errorf("no table %s", want)
		}
	}
}

// TestLedgerColumns checks the columns outside tools and the audit rely on.
func TestLedgerColumns(t *testing.T) {
	stmts, err := Ledger()
	if err != nil {
		t.Fatal(err)
	}
	all := ""
	for _, s := range stmts {
		all += s.SQL + "\n"
	}
	for _, want := range []string{
		`(?s)CREATE TABLE IF NOT EXISTS settlements \(\s*slot_id\s+text PRIMARY KEY`,
		`(?s)financial_ledger \(\s*settlement_id\s+uuid NOT NULL`,
		`(?s)financial_ledger \(.*amount_micros\s+bigint NOT NULL`,
		`(?s)enterprise_accounts \(.*balance_micros\s+bigint NOT NULL`,
	} {
		if !regexp.MustCompile(want).MatchString(all) {
			t.Errorf("schema lacks %s", want)
		}
	}
}
