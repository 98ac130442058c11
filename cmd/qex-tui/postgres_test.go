package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/quantedge/qex/store/pg/pgtest"
)

// envRunMain makes the test binary act as qex-tui, so that tests can start real
// processes of it without building it first.
const envRunMain = "QEX_TEST_RUN_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(envRunMain) == "1" {
		os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// qex starts qex-tui as a separate process.
func qex(ctx context.Context, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, os.Args[0], args...)
	cmd.Env = append(os.Environ(), envRunMain+"=1")
	return cmd
}

// summary is the part of the headless JSON these tests read.
type summary struct {
	Settled             int  `json:"settled"`
	Conflicts           int  `json:"conflicts"`
	DuplicatesPrevented int  `json:"duplicates_prevented"`
	Requeued            int  `json:"requeued"`
	LedgerBalanced      bool `json:"ledger_balanced"`
	MoneyConserved      bool `json:"money_conserved"`
}

type auditJSON struct {
	OK                 bool `json:"ok"`
	Settled            int  `json:"settled"`
	AwaitingSettlement int  `json:"awaiting_settlement"`
	Settlements        int  `json:"settlements"`
}

func audit(t *testing.T, dsn string) auditJSON {
	t.Helper()
	out, err := qex(context.Background(), "audit", "--ledger", "postgres", "--pg-dsn", dsn,
		"--json").Output()
	var a auditJSON
	if jerr := json.Unmarshal(out, &a); jerr != nil {
		t.Fatalf("audit printed %q (%v): %v", out, err, jerr)
	}
	if err != nil || !a.OK {
		t.Fatalf("audit failed (%v): %s", err, out)
	}
	return a
}

// TestTwoProcessesShareTheLedger runs two qex-tui processes against one
// database on one slot stream, each with a single racer per slot: a slot found
// already settled can then only have been settled by the other process.
func TestTwoProcessesShareTheLedger(t *testing.T) {
	dsn := pgtest.NewDatabase(t)
	args := []string{"--headless", "--json", "--duration", "4s", "--seed", "4242",
		"--contention", "1", "--slot-rate", "200", "--ledger", "postgres", "--pg-dsn", dsn}
	// A short run first creates the schema, so that neither racing process
	// starts late for having waited on the other's DDL.
	if out, err := qex(context.Background(), "--headless", "--duration", "100ms", "--seed", "1",
		"--ledger", "postgres", "--pg-dsn", dsn).CombinedOutput(); err != nil {
		t.Fatalf("creating the schema: %v\n%s", err, out)
	}
	var wg sync.WaitGroup
	results := make([]summary, 2)
	for i := range results {
		wg.Go(func() {
			var stderr bytes.Buffer
			cmd := qex(context.Background(), args...)
			cmd.Stderr = &stderr
			out, err := cmd.Output()
			if err != nil {
				t.Errorf("process %d: %v\n%s", i, err, stderr.String())
				return
			}
			if err := json.Unmarshal(out, &results[i]); err != nil {
				t.Errorf("process %d printed %q: %v", i, out, err)
			}
		})
	}
	wg.Wait()
	for i, s := range results {
		if s.Conflicts == 0 {
			t.Errorf("process %d reported no conflict: %+v", i, s)
		}
		if !s.LedgerBalanced || !s.MoneyConserved {
			t.Errorf("process %d saw a broken ledger: %+v", i, s)
		}
	}
	if results[0].DuplicatesPrevented+results[1].DuplicatesPrevented == 0 {
		t.Errorf("no process found a slot the other had settled: %+v", results)
	}
	a := audit(t, dsn)
	if a.Settlements != a.Settled || a.Settled < results[0].Settled {
		t.Fatalf("audit %+v after runs %+v", a, results)
	}
	t.Logf("process summaries %+v; audit %+v", results, a)
}

// TestKilledProcessLeavesNoPartialSettlement kills a run with SIGKILL while it
// settles, audits the database, and lets a new run finish what was left. The
// victim closes slots faster than its one worker settles them; it is killed
// once it has settled some and has a backlog of closed, unsettled ones.
func TestKilledProcessLeavesNoPartialSettlement(t *testing.T) {
	dsn := pgtest.NewDatabase(t)
	ctx := context.Background()
	victim := qex(ctx, "--headless", "--duration", "60s", "--seed", "777", "--ledger",
		"postgres", "--pg-dsn", dsn, "--slot-rate", "300", "--workers", "1", "--contention", "4")
	if err := victim.Start(); err != nil {
		t.Fatal(err)
	}
	waitForBacklog(t, dsn, 100, 20)
	if err := victim.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = victim.Wait()

	before := audit(t, dsn)
	if before.Settled < 100 || before.AwaitingSettlement == 0 {
		t.Fatalf("at the kill: %d settled, %d awaiting settlement; the test needs both",
			before.Settled, before.AwaitingSettlement)
	}
	out, err := qex(ctx, "--headless", "--json", "--duration", "8s", "--drain-timeout", "1m",
		"--seed", "778", "--ledger", "postgres", "--pg-dsn", dsn).Output()
	if err != nil {
		t.Fatalf("the run after the kill: %v\n%s", err, out)
	}
	var next summary
	if err := json.Unmarshal(out, &next); err != nil {
		t.Fatalf("%q: %v", out, err)
	}
	after := audit(t, dsn)
	if after.AwaitingSettlement != 0 || after.Settled <= before.Settled || next.Requeued == 0 {
		t.Fatalf("before %+v, after %+v: the new run did not finish the killed run's slots",
			before, after)
	}
	t.Logf("killed with %d settled and %d awaiting; the next run re-queued %d; after: %+v",
		before.Settled, before.AwaitingSettlement, next.Requeued, after)
}

// waitForBacklog polls the database until it holds at least settled
// settlements and awaiting slots closed with a winner but not yet settled.
func waitForBacklog(t *testing.T, dsn string, settled, awaiting int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var gotSettled, gotAwaiting int
	for {
		conn, err := pgx.Connect(ctx, dsn)
		if err == nil {
			err = conn.QueryRow(ctx, `SELECT (SELECT count(*) FROM settlements),
				(SELECT count(*) FROM ad_slots WHERE status = 'closed')`).
				Scan(&gotSettled, &gotAwaiting)
			_ = conn.Close(ctx)
			if err == nil && gotSettled >= settled && gotAwaiting >= awaiting {
				return
			}
		}
		select {
		case <-ctx.Done():
			t.Fatalf("after a minute: %d settled, %d awaiting; want %d and %d", gotSettled,
				gotAwaiting, settled, awaiting)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// TestHeadlessStopsOnSignal: a headless run told to stop by SIGTERM says it is
// draining, drains, and prints its summary.
func TestHeadlessStopsOnSignal(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := qex(ctx, "--headless", "--json", "--duration", "1m", "--log-level", "info")
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := bufio.NewScanner(stderr)
	for lines.Scan() && !strings.Contains(lines.Text(), "run started") {
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	var said strings.Builder
	for lines.Scan() {
		said.WriteString(lines.Text() + "\n")
	}
	err = cmd.Wait()
	var s summary
	if jerr := json.Unmarshal(stdout.Bytes(), &s); jerr != nil || err != nil ||
		!strings.Contains(said.String(), "stopping: draining") || !s.LedgerBalanced {
		t.Fatalf("exit %v; summary %+v (%v); stderr after the signal:\n%s", err, s, jerr, said.String())
	}
}
