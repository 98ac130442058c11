package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/quantedge/qex/store"
)

// auditTimeout bounds connecting to and reading the ledger.
const auditTimeout = 5 * time.Minute

// runAudit checks a ledger database's invariants and prints what it checked:
// qex-tui audit --ledger postgres --pg-dsn URL [--json]. It exits 1 when one fails.
func runAudit(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	var l ledgerOptions
	var asJSON bool
	fs := flag.NewFlagSet("qex-tui audit", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	addLedgerFlags(fs, &l)
	l.kind = ledgerPostgres // the embedded ledger has nothing to audit after its run
	fs.Lookup("ledger").DefValue = ledgerPostgres
	fs.BoolVar(&asJSON, "json", false, "print the report as one JSON object")
	given, err := parseFlags(fs, args, getenv)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(stdout, `Usage: qex-tui audit --ledger postgres|dsql [flags]

Checks a ledger database in one read-only snapshot: each settled slot has
exactly one settlement, with two ledger entries summing to zero that debit its
advertiser and credit its publisher; no settlement belongs to an unsold slot;
every entry belongs to a settlement; each balance is its seed plus its entries,
none is negative, and all sum to what was seeded.

Flags:
`)
		printFlags(stdout, fs, []string{"ledger", "pg-dsn", "dsql-endpoint", "dsql-role", "json"})
		fmt.Fprint(stdout, "\nExit status: 0 when every check passed, 1 when one failed or\n"+
			"the database could not be read, 2 for a bad flag.\n")
		return exitOK
	}
	l.defaultDSN(getenv)
	if err == nil {
		err = l.check(given)
	}
	if err == nil && l.kind == ledgerMemory {
		err = errors.New("the embedded ledger lives inside a run: audit a database with " +
			"--ledger postgres or --ledger dsql")
	}
	if err != nil {
		fmt.Fprintf(stderr, "qex-tui audit: %v\n", badInput(err))
		return exitBadInput
	}

	ctx, cancel := context.WithTimeout(context.Background(), auditTimeout)
	defer cancel()
	ledger, where, err := openLedger(ctx, l, 1, 0, nil, false)
	if err != nil {
		fmt.Fprintf(stderr, "qex-tui audit: %v\n", err)
		return exitFailed
	}
	defer ledger.Close()
	r, err := ledger.Audit(ctx)
	if err != nil {
		fmt.Fprintf(stderr, "qex-tui audit: %v (has a run created the schema there yet?)\n", err)
		return exitFailed
	}
	printAudit(stdout, where, r, asJSON)
	if !r.OK() {
		return exitFailed
	}
	return exitOK
}

func printAudit(w io.Writer, where string, r store.AuditReport, asJSON bool) {
	if !asJSON {
		fmt.Fprintf(w, "audit of %s\n%s", where, r)
		return
	}
	doc := struct {
		Ledger string `json:"ledger"`
		OK     bool   `json:"ok"`
		store.AuditReport
		LedgerBalanced bool   `json:"ledger_balanced"`
		MoneyConserved bool   `json:"money_conserved"`
		BalanceTotal   string `json:"balance_total_usd"`
		InitialTotal   string `json:"seeded_total_usd"`
	}{where, r.OK(), r, r.LedgerBalanced(), r.MoneyConserved(), r.BalanceTotal.String(),
		r.InitialTotal.String()}
	b, _ := json.Marshal(doc) // plain values
	fmt.Fprintln(w, string(b))
}
