package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// runCmd runs the command in-process and returns its exit status and output.
func runCmd(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func readOutcomes(t *testing.T, path string) map[string]outcomeLine {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string]outcomeLine{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var l outcomeLine
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("outcome line %q: %v", sc.Text(), err)
		}
		if _, dup := out[l.Slot]; dup {
			t.Fatalf("slot %s has two outcome lines", l.Slot)
		}
		out[l.Slot] = l
	}
	return out
}

// TestReplayVectors passes the auction vectors through --bids-file and
// --outcomes under both auction types.
func TestReplayVectors(t *testing.T) {
	type want struct{ status, bid, region, price, reason string }
	common := map[string]want{
		"tie-arrival": {"settled", "ta-early", "eu-west-1", "2.00", ""},
		"tie-id":      {"settled", "ti-a", "eu-west-1", "2.00", ""},
		"below-floor": {"unsold", "", "", "", "no_eligible_bid"},
		"no-funds":    {"unsold", "nf-1", "us-east-1", "", "insufficient_funds"},
		"empty":       {"unsold", "", "", "", "no_eligible_bid"},
	}
	tests := []struct {
		auction string
		want    map[string]want
	}{
		{"first-price", map[string]want{
			"four-regions": {"settled", "fr-ap", "ap-southeast-1", "5.40", ""},
			"floor":        {"settled", "fl-100", "us-east-1", "1.00", ""},
			"single":       {"settled", "si-100", "us-east-1", "1.00", ""},
			"late":         {"settled", "la-ontime", "eu-west-1", "1.00", ""},
		}},
		{"second-price", map[string]want{
			"four-regions": {"settled", "fr-ap", "ap-southeast-1", "5.36", ""},
			"floor":        {"settled", "fl-100", "us-east-1", "0.91", ""},
			"single":       {"settled", "si-100", "us-east-1", "0.95", ""},
			"late":         {"settled", "la-ontime", "eu-west-1", "0.10", ""},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.auction, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "outcomes.jsonl")
			code, stdout, stderr := runCmd(t, "--bids-file", "testdata/vectors.jsonl",
				"--outcomes", out, "--auction", tt.auction, "--json", "--commit-latency", "0")
			if code != exitOK {
				t.Fatalf("exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
			}
			got := readOutcomes(t, out)
			for slot, w := range common {
				tt.want[slot] = w
			}
			if len(got) != len(tt.want) {
				t.Fatalf("%d outcomes, want %d: %v", len(got), len(tt.want), got)
			}
			for slot, w := range tt.want {
				g := got[slot]
				if g.Status != w.status || g.WinningBid != w.bid || g.Region != w.region ||
					g.PricePaid != w.price || g.Reason != w.reason {
					t.Errorf("%s: got %+v, want %+v", slot, g, w)
				}
				if w.status == "settled" && g.Attempts < 1 {
					t.Errorf("%s: settled in %d attempts", slot, g.Attempts)
				}
			}
		})
	}
}

func TestBadTrafficFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "bad.jsonl")
	good, _ := os.ReadFile("testdata/vectors.jsonl")
	badLine := `{"type":"bid","id":"x","slot":"floor","region":"r","advertiser":"a",` +
		`"price":"cheap","arrival":"2026-01-01T00:00:00Z"}` + "\n"
	bad := append(good, badLine...)
	if err := os.WriteFile(path, bad, 0o600); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "outcomes.jsonl")
	code, stdout, stderr := runCmd(t, "--bids-file", path, "--outcomes", out)
	if code != exitBadInput {
		t.Fatalf("exit %d, want %d", code, exitBadInput)
	}
	if !strings.Contains(stderr, `line 30: field "price"`) {
		t.Fatalf("stderr %q does not name line 30 and the price field", stderr)
	}
	if stdout != "" {
		t.Fatalf("a bad file still printed a summary: %q", stdout)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Fatalf("a bad file still created the outcomes file (%v)", err)
	}
}

// TestHeadlessJSON runs the generator headless and checks the summary's keys and
// invariants.
func TestHeadlessJSON(t *testing.T) {
	code, stdout, stderr := runCmd(t, "--headless", "--duration", "1500ms", "--json", "--seed", "7")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatalf("stdout is not one JSON object: %v\n%s", err, stdout)
	}
	for _, key := range []string{"bids", "slots_closed", "settled", "unsold", "conflicts", "retries",
		"duplicates_prevented", "duplicate_settlements", "abandoned", "ledger_balanced",
		"money_conserved", "bids_per_sec", "settled_per_sec", "time_to_settle_ms", "retry_depth"} {
		if _, ok := got[key]; !ok {
			t.Errorf("summary lacks %q", key)
		}
	}
	if got["settled"].(float64) == 0 || got["conflicts"].(float64) == 0 {
		t.Errorf("settled %v, conflicts %v: want both above zero", got["settled"], got["conflicts"])
	}
	if got["duplicate_settlements"].(float64) != 0 || got["ledger_balanced"] != true ||
		got["money_conserved"] != true || got["seed"].(float64) != 7 {
		t.Errorf("invariants: %v", got)
	}
	ttl := got["time_to_settle_ms"].(map[string]any)
	if _, ok := ttl["p50"]; !ok {
		t.Errorf("time_to_settle_ms lacks p50: %v", ttl)
	}
	if _, ok := got["retry_depth"].(map[string]any)["1"]; !ok {
		t.Errorf("retry_depth lacks attempt 1: %v", got["retry_depth"])
	}
}

func TestHeadlessText(t *testing.T) {
	code, stdout, stderr := runCmd(t, "--headless", "--duration", "500ms", "--seed", "3")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"QEX run", "(seed 3)", "settled", "audit:", "ok   no slot settled twice",
		"ok   balances sum to the seeded total"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("summary lacks %q:\n%s", want, stdout)
		}
	}
}

func TestFlagsAndEnv(t *testing.T) {
	env := map[string]string{"QEX_CONTENTION": "6", "QEX_BACKOFF": "equal", "QEX_WORKERS": "9"}
	o, err := parseOptions([]string{"--workers", "3", "--regions", "us-east-1=10,mars-1=2.5",
		"--floor-min", "0.10", "--auction", "second"}, func(k string) string { return env[k] }, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	c := o.cfg
	if c.Workers != 3 || c.Contention != 6 || c.Backoff.Strategy != "equal" || c.Auction != "second-price" {
		t.Fatalf("workers %d (flag wins over env), contention %d, backoff %s, auction %s",
			c.Workers, c.Contention, c.Backoff.Strategy, c.Auction)
	}
	if len(c.Regions) != 2 || c.Regions[1].Name != "mars-1" || c.Regions[1].Rate != 2.5 ||
		c.FloorMin != 100_000 {
		t.Fatalf("regions %+v, floor min %s", c.Regions, c.FloorMin)
	}
	if o.seedSet || c.Seed == 0 {
		t.Fatalf("no --seed: want a random non-zero seed, got %d", c.Seed)
	}
}

func TestBadFlags(t *testing.T) {
	tests := []struct {
		args []string
		env  map[string]string
		says string
	}{
		{[]string{"--backoff", "linear"}, nil, "unknown backoff strategy"},
		{[]string{"--workers", "0"}, nil, "workers must be in"},
		{[]string{"--regions", "us-east-1"}, nil, "want name=rate"},
		{[]string{"--floor-min", "cheap"}, nil, "not a decimal dollar amount"},
		{[]string{"--duration", "-1s"}, nil, "must not be negative"},
		{[]string{"stray"}, nil, `unexpected argument "stray"`},
		{nil, map[string]string{"QEX_CONTENTION": "many"}, "QEX_CONTENTION"},
		{[]string{"--log-level", "loud"}, nil, "--log-level"},
		{[]string{"--bogus"}, nil, "unknown flag --bogus"},
		{[]string{"--duration", "5"}, nil, `--duration "5": want a duration like 5s`},
		{[]string{"--seed", "foo"}, nil, `--seed "foo": want a whole number`},
		{[]string{"--tick", "1ns"}, nil, "--tick must be at least 50ms"},
		{[]string{"--drain-timeout", "0s"}, nil, "drain timeout must be positive"},
		{[]string{"--slot-rate", "1e9"}, nil, "slot rate must be in"},
		{[]string{"--advertisers", "1000000"}, nil, "advertisers must be in"},
		{[]string{"--contention", "65"}, nil, "contention must be in"},
		{[]string{"--budget-max", "20000000"}, nil, "above 10000000.00"},
		{[]string{"--pg-dsn", "postgres://127.0.0.1/qex"}, nil,
			"--pg-dsn is for a database ledger: add --ledger postgres or dsql"},
		{nil, map[string]string{"QEX_PG_SERIALIZABLE": "true"}, "--pg-serializable is for a database"},
		{[]string{"--floor-min", "99999999999999"}, nil,
			`--floor-min "99999999999999": out of range: not a decimal dollar amount`},
		{nil, map[string]string{"QEX_WORKERS": "many"}, `QEX_WORKERS="many": want a whole number`},
		{nil, map[string]string{"QEX_SLOT_WINDOW": "5"}, "want a duration like 5s"},
		{[]string{"--bids", "dynamodb", "--ddb-endpoint", "notaurl"}, nil,
			"want a URL like http://127.0.0.1:8000"},
		{[]string{"--floor-max", "2000000"}, nil, "above 1000000.00"},
		{[]string{"--ledger", "oracle"}, nil, `--ledger "oracle": want memory, postgres or dsql`},
		{[]string{"--ledger", "dsql"}, nil, "--ledger dsql needs --dsql-endpoint"},
		{[]string{"--bid-ttl", "500ms"}, nil, "must outlast --slot-window"},
		{[]string{"--bids-file", "x.jsonl", "--outcomes", "x.jsonl"}, nil, "would overwrite"},
		{nil, map[string]string{"QEX_DURATION": "5"}, "QEX_DURATION"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			code, _, stderr := runCmd(t, append(tt.args, "--headless")...)
			if code != exitBadInput || !strings.Contains(stderr, tt.says) {
				t.Fatalf("exit %d, stderr %q; want %d saying %q", code, stderr, exitBadInput, tt.says)
			}
			if strings.Count(stderr, "\n") > 2 || strings.Contains(stderr, "strconv") {
				t.Fatalf("want a short, plain error, got:\n%s", stderr)
			}
		})
	}
}

func TestHelpAndVersion(t *testing.T) {
	code, help, _ := runCmd(t, "--help")
	if code != exitOK {
		t.Fatalf("--help exit %d", code)
	}
	for _, want := range []string{"Usage:", "--contention", "[$QEX_CONTENTION]", "--bids-file file",
		"Exit status", "qex-tui audit", "--ledger"} {
		if !strings.Contains(help, want) {
			t.Errorf("--help lacks %q", want)
		}
	}
	code, stdout, _ := runCmd(t, "--version")
	if code != exitOK || !strings.HasPrefix(stdout, "qex-tui ") {
		t.Fatalf("--version: exit %d, %q", code, stdout)
	}
}

func TestEmptyTrafficFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "empty.jsonl")
	if err := os.WriteFile(path, []byte("\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := runCmd(t, "--bids-file", path)
	if code != exitBadInput || !strings.Contains(stderr, "no slots") {
		t.Fatalf("exit %d, %q", code, stderr)
	}
}

// TestFailedStartKeepsTheOutcomesFile: a run whose ledger cannot be opened
// never starts, so an earlier outcomes file stays as it was.
func TestFailedStartKeepsTheOutcomesFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "outcomes.jsonl")
	const earlier = `{"slot":"kept"}` + "\n"
	if err := os.WriteFile(path, []byte(earlier), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := runCmd(t, "--headless", "--ledger", "postgres", "--pg-dsn",
		"postgres://nobody@127.0.0.1:1/x?connect_timeout=2", "--outcomes", path)
	if code != exitFailed || !strings.Contains(stderr, "PostgreSQL") {
		t.Fatalf("exit %d, stderr %q: want the ledger's failure", code, stderr)
	}
	if got, err := os.ReadFile(path); err != nil || string(got) != earlier {
		t.Fatalf("the outcomes file now holds %q (%v), want %q", got, err, earlier)
	}
}

// TestDSNPasswordNeverShown: a password in --pg-dsn is not printed, whether the
// server cannot be reached or the string cannot even be parsed (an unescaped
// '@' in the password).
func TestDSNPasswordNeverShown(t *testing.T) {
	for _, dsn := range []string{
		"postgres://qex:hunter2secret@127.0.0.1:1/x?connect_timeout=2",
		"postgres://qex:hunter2@secret@127.0.0.1:notaport/x",
		"host=127.0.0.1 port=1 user=qex password=hunter2\\ secret connect_timeout=2",
	} {
		code, stdout, stderr := runCmd(t, "--headless", "--duration", "1s", "--ledger",
			"postgres", "--pg-dsn", dsn)
		if code == exitOK || strings.Contains(stdout+stderr, "secret") ||
			strings.Contains(stdout+stderr, "hunter2") {
			t.Errorf("%s: exit %d, printed %q %q", dsn, code, stdout, stderr)
		}
	}
}
