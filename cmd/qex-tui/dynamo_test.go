package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/quantedge/qex/store/dynamo/dynalitetest"
)

// TestHeadlessOnDynamoDB runs the whole exchange with bids in a local
// DynamoDB-compatible server, creating the table, with no AWS credentials set:
// the command signs with placeholder ones for a local endpoint.
func TestHeadlessOnDynamoDB(t *testing.T) {
	endpoint := dynalitetest.Start(t)
	for _, v := range []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_PROFILE",
		"AWS_REGION", "AWS_DEFAULT_REGION"} {
		t.Setenv(v, "")
	}
	t.Setenv("AWS_CONFIG_FILE", t.TempDir()+"/none")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", t.TempDir()+"/none")

	code, stdout, stderr := runCmd(t, "--headless", "--duration", "5s", "--json", "--seed", "9",
		"--bids", "dynamodb", "--ddb-endpoint", endpoint, "--ddb-create-table")
	if code != exitOK {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	var s struct {
		Bids                 int  `json:"bids"`
		BidsIngested         int  `json:"bids_ingested"`
		Settled              int  `json:"settled"`
		IngestErrors         int  `json:"ingest_errors"`
		DuplicateSettlements int  `json:"duplicate_settlements"`
		LedgerBalanced       bool `json:"ledger_balanced"`
		MoneyConserved       bool `json:"money_conserved"`
		Drained              bool `json:"drained"`
	}
	if err := json.Unmarshal([]byte(stdout), &s); err != nil {
		t.Fatalf("%q: %v", stdout, err)
	}
	if s.Settled == 0 || s.BidsIngested != s.Bids || s.IngestErrors != 0 || s.DuplicateSettlements != 0 ||
		!s.LedgerBalanced || !s.MoneyConserved || !s.Drained {
		t.Fatalf("summary %+v", s)
	}

	// Credentials in the endpoint's URL stay off the screen.
	withSecret := strings.Replace(endpoint, "://", "://qex:s3cretPW@", 1)
	code, stdout, stderr = runCmd(t, "--headless", "--duration", "1s", "--bids", "dynamodb",
		"--ddb-endpoint", withSecret)
	if code != exitOK || !strings.Contains(stdout, "qex:xxxxx@") ||
		strings.Contains(stdout+stderr, "s3cretPW") {
		t.Fatalf("endpoint with a password: exit %d\n%s\n%s", code, stdout, stderr)
	}

	// Without --ddb-create-table a missing table is a clear error.
	code, _, stderr = runCmd(t, "--headless", "--duration", "1s", "--bids", "dynamodb",
		"--ddb-endpoint", endpoint, "--ddb-table", "nope")
	if code == exitOK || !strings.Contains(stderr, "nope") ||
		!strings.Contains(stderr, "--ddb-create-table") {
		t.Fatalf("missing table: exit %d, %q", code, stderr)
	}
}
