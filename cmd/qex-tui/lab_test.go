package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"
)

func TestLabCommand(t *testing.T) {
	args := []string{"lab", "--clients", "10,20", "--reps", "5", "--seed", "3"}
	code, text, stderr := runCmd(t, args...)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"simulated", "mean attempts", "p99 completion", "exponential",
		"decorrelated"} {
		if !strings.Contains(text, want) {
			t.Errorf("the table lacks %q:\n%s", want, text)
		}
	}
	if _, again, _ := runCmd(t, args...); again != text {
		t.Fatalf("one seed, two tables:\n%s\n%s", text, again)
	}

	_, out, _ := runCmd(t, append(args, "--format", "csv")...)
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil || len(rows) != 1+2*5 || rows[0][1] != "clients" {
		t.Fatalf("csv: %d rows, %v\n%s", len(rows), err, out)
	}

	_, out, _ = runCmd(t, append(args, "--format", "json")...)
	var doc struct {
		Measured string `json:"measured"`
		Points   []struct {
			Clients      int     `json:"clients"`
			Strategy     string  `json:"strategy"`
			MeanAttempts float64 `json:"mean_attempts"`
		} `json:"points"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil || len(doc.Points) != 10 ||
		doc.Measured != "simulated" || doc.Points[0].MeanAttempts < 10 {
		t.Fatalf("json %+v, %v\n%s", doc, err, out)
	}
}

func TestLabLiveOnTheEmbeddedLedger(t *testing.T) {
	code, out, stderr := runCmd(t, "lab", "--live", "--clients", "5", "--reps", "1",
		"--strategies", "full,none", "--commit-latency", "2ms", "--format", "json")
	if code != exitOK || !strings.Contains(out, `"measured":"live on memory"`) {
		t.Fatalf("exit %d\n%s\n%s", code, out, stderr)
	}
}

func TestLabBadFlags(t *testing.T) {
	for _, tt := range []struct {
		args []string
		says string
	}{
		{[]string{"--clients", "0"}, "positive whole number"},
		{[]string{"--strategies", "linear"}, "unknown backoff strategy"},
		{[]string{"--format", "xml"}, "want text, csv or json"},
		{[]string{"--ledger", "postgres"}, "add --live"},
		{[]string{"--reps", "0"}, "repetitions must be at least 1"},
		{[]string{"--backoff-cap", "1ms"}, "below the base"},
		{[]string{"--clients", "10,1001"}, "client counts in [1, 1000]"},
		{[]string{"--delay", "5"}, `--delay "5": want a duration like 5s`},
		{[]string{"extra"}, `unexpected argument "extra"`},
		{[]string{"--live", "--delay", "1s"}, "a live run has the real one"},
		{[]string{"--commit-latency", "1ms"}, "for live runs on the embedded ledger"},
		{[]string{"--live", "--ledger", "postgres", "--commit-latency", "1ms"},
			"for live runs on the embedded ledger"},
	} {
		code, _, stderr := runCmd(t, append([]string{"lab"}, tt.args...)...)
		if code != exitBadInput || !strings.Contains(stderr, tt.says) {
			t.Errorf("%v: exit %d, %q; want %q", tt.args, code, stderr, tt.says)
		}
	}
	if code, help, _ := runCmd(t, "lab", "--help"); code != exitOK ||
		!strings.Contains(help, "--live") {
		t.Errorf("lab --help: exit %d\n%s", code, help)
	}
}

// TestLabInterrupted: a lab stopped before it is done says so in one line,
// simulated or live, and prints no table.
func TestLabInterrupted(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, args := range [][]string{
		{"--clients", "1000", "--strategies", "none", "--reps", "1"},
		{"--live", "--clients", "200", "--reps", "1", "--strategies", "none"},
	} {
		var stdout, stderr bytes.Buffer
		code := runLab(ctx, args, func(string) string { return "" }, &stdout, &stderr)
		if code != exitFailed || stdout.Len() != 0 ||
			stderr.String() != "qex-tui lab: interrupted; no table\n" {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", args, code, stdout.String(),
				stderr.String())
		}
	}
}
