package engine

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/quantedge/qex/money"
	"github.com/quantedge/qex/store/memory"
)

const goodTraffic = `{"type":"slot","id":"s1","publisher":"pub-1","floor":"0.85",` +
	`"close":"2026-01-01T00:00:01Z"}

{"type":"bid","id":"b1","slot":"s1","region":"us-east-1","advertiser":"adv-1",` +
	`"price":"1.00","arrival":"2026-01-01T00:00:00.1Z"}
{"type":"bid","id":"b2","slot":"s2","region":"eu-west-1","advertiser":"adv-2",` +
	`"price":"0.90","arrival":"2026-01-01T00:00:00.2Z"}
{"type":"advertiser","id":"adv-2","budget":"0.50"}
{"type":"slot","id":"s2","publisher":"pub-2","floor":"0","close":"2026-01-01T00:00:02Z"}
`

func TestReadTraffic(t *testing.T) {
	tr, err := ReadTraffic(strings.NewReader(goodTraffic))
	if err != nil {
		t.Fatal(err)
	}
	if len(tr.Slots) != 2 || len(tr.Bids) != 2 {
		t.Fatalf("%d slots, %d bids", len(tr.Slots), len(tr.Bids))
	}
	if tr.Slots[0].Floor != 850_000 || tr.Bids[1].Price != 900_000 || tr.Bids[1].SlotID != "s2" {
		t.Fatalf("parsed %+v %+v", tr.Slots[0], tr.Bids[1])
	}
	accounts := map[string]money.Micros{}
	for _, a := range tr.accounts() {
		accounts[a.ID] = a.Initial
	}
	want := map[string]money.Micros{"adv-1": DefaultReplayBudget, "adv-2": 500_000, "pub-1": 0, "pub-2": 0}
	for id, budget := range want {
		if got, ok := accounts[id]; !ok || got != budget {
			t.Errorf("account %s = %s (present %v), want %s", id, got, ok, budget)
		}
	}
	regions := tr.Regions(DefaultRegions())
	if len(regions) != 2 || regions[0].Name != "us-east-1" || regions[0].Rate != 0 {
		t.Fatalf("regions %+v", regions)
	}
}

func TestReadTrafficErrors(t *testing.T) {
	const slot = `{"type":"slot","id":"s1","publisher":"p","floor":"1","close":"2026-01-01T00:00:01Z"}`
	bid := func(fields string) string {
		return `{"type":"bid",` + fields + `}`
	}
	const okBid = `"id":"b1","slot":"s1","region":"r","advertiser":"a","arrival":"2026-01-01T00:00:00Z"`
	tests := []struct {
		name, input string
		line        int
		field       string
		says        string
	}{
		{"not json", slot + "\n{oops", 2, "", "not a JSON object"},
		{"no type", `{"id":"x"}`, 1, "type", "missing"},
		{"unknown type", `{"type":"ask"}`, 1, "type", "not slot, bid or advertiser"},
		{"unknown field", slot + "\n" + bid(okBid+`,"price":"1","colour":"red"`), 2, "colour",
			"not a field"},
		{"an array", `[1]`, 1, "", "not a JSON object"},
		{"a string", `"slot"`, 1, "", "not a JSON object"},
		{"trailing brace", slot + "}", 1, "", "unexpected text"},
		{"number instead of string", slot + "\n" + bid(okBid+`,"price":1.5`), 2, "price", "string"},
		{"missing price", slot + "\n" + bid(okBid), 2, "price", "missing"},
		{"bad price", slot + "\n" + bid(okBid+`,"price":"1.2.3"`), 2, "price", "dollar amount"},
		{"too precise", slot + "\n" + bid(okBid+`,"price":"1.0000001"`), 2, "price", "dollar amount"},
		{"zero price", slot + "\n" + bid(okBid+`,"price":"0"`), 2, "price", "more than zero"},
		{"negative floor", `{"type":"slot","id":"s","publisher":"p","floor":"-1","close":"2026-01-01T00:00:01Z"}`,
			1, "floor", "negative"},
		{"bad time", `{"type":"slot","id":"s","publisher":"p","floor":"1","close":"yesterday"}`,
			1, "close", "RFC 3339"},
		{"empty id", `{"type":"slot","id":"","publisher":"p","floor":"1","close":"2026-01-01T00:00:01Z"}`,
			1, "id", "empty"},
		{"duplicate slot", slot + "\n" + slot, 2, "id", "already declared on line 1"},
		{"duplicate bid", slot + "\n" + bid(okBid+`,"price":"1"`) + "\n" + bid(okBid+`,"price":"2"`),
			3, "id", "already declared on line 2"},
		{"undeclared slot", bid(`"id":"b1","slot":"nope","region":"r","advertiser":"a",`+
			`"price":"1","arrival":"2026-01-01T00:00:00Z"`) + "\n" + slot,
			1, "slot", "not declared"},
		{"field of another type", `{"type":"advertiser","id":"a","budget":"1","price":"2"}`,
			1, "price", "not a field of advertiser lines"},
		{"two values", slot + " " + slot, 1, "", "unexpected text"},
		{"price above the most", slot + "\n" + bid(okBid+`,"price":"1000000.000001"`), 2, "price",
			"above the most allowed, 1000000.00"},
		{"floor above the most", `{"type":"slot","id":"s","publisher":"p","floor":"2000000",` +
			`"close":"2026-01-01T00:00:01Z"}`, 1, "floor", "above the most allowed"},
		{"budget above the most", `{"type":"advertiser","id":"a","budget":"10000000.01"}`, 1,
			"budget", "above the most allowed, 10000000.00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr, err := ReadTraffic(strings.NewReader(tt.input))
			if tr != nil {
				t.Fatal("a traffic file with an error was returned half-read")
			}
			var te *TrafficError
			if !errors.As(err, &te) {
				t.Fatalf("error %v is not a TrafficError", err)
			}
			if te.Line != tt.line || te.Field != tt.field || !strings.Contains(err.Error(), tt.says) {
				t.Fatalf("error %q (line %d, field %q); want line %d, field %q, saying %q",
					err, te.Line, te.Field, tt.line, tt.field, tt.says)
			}
		})
	}
}

// TestReplayChecksTraffic: traffic built in code is checked as a file is, so
// a bid on an unlisted slot, a slot listed twice or an amount past the bounds
// is an error before anything runs, not a panic or a slot closed twice.
func TestReplayChecksTraffic(t *testing.T) {
	tests := map[string]func(*Traffic){
		"bid on an unlisted slot": func(tr *Traffic) { tr.Bids[0].SlotID = "nope" },
		"slot listed twice":       func(tr *Traffic) { tr.Slots = append(tr.Slots, tr.Slots[0]) },
		"price past the bound":    func(tr *Traffic) { tr.Bids[0].Price = MaxPrice + 1 },
		"negative floor":          func(tr *Traffic) { tr.Slots[0].Floor = -1 },
		"budget past the bound":   func(tr *Traffic) { tr.Advertisers["adv-0"] = MaxBudget + 1 },
		"bid without advertiser":  func(tr *Traffic) { tr.Bids[0].Advertiser = "" },
	}
	for name, spoil := range tests {
		t.Run(name, func(t *testing.T) {
			traffic := syntheticTraffic(3, 2)
			spoil(traffic)
			ledger := memory.NewLedger(memory.LedgerOptions{})
			bids := memory.NewBidStore(memory.BidOptions{})
			defer bids.Close()
			e, err := New(testConfig(), bids, ledger)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := e.Replay(context.Background(), traffic); err == nil {
				t.Fatal("replayed traffic that breaks the rules")
			}
			if r, err := ledger.Audit(context.Background()); err != nil || r.Slots != 0 {
				t.Fatalf("%d slots recorded (%v), want none", r.Slots, err)
			}
		})
	}
	if err := syntheticTraffic(3, 2).Check(); err != nil {
		t.Fatalf("good traffic refused: %v", err)
	}
}
