package engine

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"regexp"
	"slices"
	"time"

	"github.com/quantedge/qex/money"
	"github.com/quantedge/qex/store"
)

// Traffic is recorded traffic to replay: slots, bids and advertiser budgets, read
// from JSON Lines. Every line is one object with a "type":
//
//	{"type":"slot","id":"s1","publisher":"pub-1","floor":"0.85","close":"2026-01-01T00:00:01Z"}
//	{"type":"bid","id":"b1","slot":"s1","region":"us-east-1","advertiser":"adv-1",
//	 "price":"1.00","arrival":"2026-01-01T00:00:00.25Z"}
//	{"type":"advertiser","id":"adv-1","budget":"100.00"}
//
// Prices, floors and budgets are decimal dollar strings with at most six digits
// after the point; times are RFC 3339. A bid names a slot declared anywhere in
// the file; a bid arriving after its slot's close is not eligible. Advertisers
// without a budget line get DefaultReplayBudget. Blank lines are skipped.
type Traffic struct {
	Slots       []TrafficSlot
	Bids        []store.Bid
	Advertisers map[string]money.Micros // declared budgets
}

// TrafficSlot is a slot of recorded traffic.
type TrafficSlot struct {
	ID        string
	Publisher string
	Floor     money.Micros
	Close     time.Time
}

// Check reports the first way the traffic breaks what Replay relies on: every
// slot listed once with an id and a publisher, every bid on a listed slot from
// an advertiser and a region, amounts within MaxPrice and MaxBudget, and at
// most MaxAccounts advertisers. Traffic from ReadTraffic always passes.
func (t *Traffic) Check() error {
	listed := make(map[string]bool, len(t.Slots))
	for _, s := range t.Slots {
		switch {
		case s.ID == "" || s.Publisher == "":
			return fmt.Errorf("slot %q: no id or no publisher", s.ID)
		case listed[s.ID]:
			return fmt.Errorf("slot %q is listed twice", s.ID)
		case s.Floor < 0 || s.Floor > MaxPrice:
			return fmt.Errorf("slot %q: floor %s is outside [0, %s]", s.ID, s.Floor, MaxPrice)
		}
		listed[s.ID] = true
	}
	for _, b := range t.Bids {
		switch {
		case !listed[b.SlotID]:
			return fmt.Errorf("bid %q is on slot %q, which is not listed", b.ID, b.SlotID)
		case b.Advertiser == "" || b.Region == "":
			return fmt.Errorf("bid %q: no advertiser or no region", b.ID)
		case b.Price <= 0 || b.Price > MaxPrice:
			return fmt.Errorf("bid %q: price %s is outside (0, %s]", b.ID, b.Price, MaxPrice)
		}
	}
	for id, budget := range t.Advertisers {
		if budget < 0 || budget > MaxBudget {
			return fmt.Errorf("advertiser %q: budget %s is outside [0, %s]", id, budget, MaxBudget)
		}
	}
	advertisers := 0
	for _, a := range t.accounts() {
		if a.Kind == store.Advertiser {
			advertisers++
		}
	}
	if advertisers > MaxAccounts {
		return fmt.Errorf("%d advertisers, more than %d", advertisers, MaxAccounts)
	}
	return nil
}

// DefaultReplayBudget is the budget of an advertiser the traffic does not declare.
const DefaultReplayBudget = 1_000_000 * money.Dollar

// maxTrafficLine bounds one line of a traffic file.
const maxTrafficLine = 1 << 20

// TrafficError says which line and field of a traffic file is wrong.
type TrafficError struct {
	Line  int
	Field string
	Err   error
}

// Error reads "line 3: field "price": ...".
func (e *TrafficError) Error() string {
	if e.Field == "" {
		return fmt.Sprintf("line %d: %v", e.Line, e.Err)
	}
	return fmt.Sprintf("line %d: field %q: %v", e.Line, e.Field, e.Err)
}

// Unwrap returns the cause.
func (e *TrafficError) Unwrap() error { return e.Err }

// trafficLine is one line as written; pointers tell a missing field from an empty one.
type trafficLine struct {
	Type       *string `json:"type"`
	ID         *string `json:"id"`
	Publisher  *string `json:"publisher"`
	Floor      *string `json:"floor"`
	Close      *string `json:"close"`
	Slot       *string `json:"slot"`
	Region     *string `json:"region"`
	Advertiser *string `json:"advertiser"`
	Price      *string `json:"price"`
	Arrival    *string `json:"arrival"`
	Budget     *string `json:"budget"`
}

// ReadTraffic reads a whole traffic file, or returns the first error with its
// line number and field. Nothing is returned half-read.
func ReadTraffic(r io.Reader) (*Traffic, error) {
	p := trafficParser{
		t:         &Traffic{Advertisers: map[string]money.Micros{}},
		slotLines: map[string]int{},
		bidLines:  map[string]int{},
		advLines:  map[string]int{},
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), maxTrafficLine)
	for sc.Scan() {
		p.line++
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		if err := p.parse(sc.Bytes()); err != nil {
			return nil, err
		}
	}
	if err := sc.Err(); errors.Is(err, bufio.ErrTooLong) {
		return nil, &TrafficError{Line: p.line + 1,
			Err: fmt.Errorf("longer than %d bytes", maxTrafficLine)}
	} else if err != nil {
		return nil, &TrafficError{Line: p.line + 1, Err: err}
	}
	if err := p.checkSlots(); err != nil {
		return nil, err
	}
	if err := p.t.Check(); err != nil { // what no one line shows: the advertisers' count
		return nil, err
	}
	return p.t, nil
}

type trafficParser struct {
	t                             *Traffic
	line                          int
	slotLines, bidLines, advLines map[string]int // id -> line declared
	bidSlotLines                  []int          // line of each bid, for checkSlots
}

func (p *trafficParser) fail(field string, format string, args ...any) error {
	return &TrafficError{Line: p.line, Field: field, Err: fmt.Errorf(format, args...)}
}

func (p *trafficParser) parse(raw []byte) error {
	var l trafficLine
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&l); err != nil {
		return p.decodeError(err)
	}
	var extra json.RawMessage
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return p.fail("", "unexpected text after the object")
	}
	if l.Type == nil {
		return p.fail("type", "missing (want slot, bid or advertiser)")
	}
	switch *l.Type {
	case "slot":
		return p.slot(l)
	case "bid":
		return p.bid(l)
	case "advertiser":
		return p.advertiser(l)
	}
	return p.fail("type", "%q is not slot, bid or advertiser", *l.Type)
}

// unknownField finds the field name in encoding/json's unknown-field error.
var unknownField = regexp.MustCompile(`^json: unknown field "(.*)"$`)

func (p *trafficParser) decodeError(err error) error {
	var typeErr *json.UnmarshalTypeError
	switch {
	case errors.As(err, &typeErr) && typeErr.Field != "":
		return p.fail(typeErr.Field, "must be a string, got %s", typeErr.Value)
	case errors.As(err, &typeErr):
		return p.fail("", "not a JSON object (got %s)", typeErr.Value)
	}
	if m := unknownField.FindStringSubmatch(err.Error()); m != nil {
		return p.fail(m[1], "not a field of any line type (see the traffic format)")
	}
	return p.fail("", "not a JSON object: %v", err)
}

// required returns a field's value, or an error when it is missing or empty.
func (p *trafficParser) required(field string, v *string) (string, error) {
	if v == nil {
		return "", p.fail(field, "missing")
	}
	if *v == "" {
		return "", p.fail(field, "empty")
	}
	return *v, nil
}

// forbid refuses fields that belong to another line type.
func (p *trafficParser) forbid(kind string, fields map[string]*string) error {
	for _, name := range slices.Sorted(maps.Keys(fields)) {
		if fields[name] != nil {
			return p.fail(name, "not a field of %s lines", kind)
		}
	}
	return nil
}

func (p *trafficParser) amount(field string, v *string, positive bool,
	most money.Micros) (money.Micros, error) {
	text, err := p.required(field, v)
	if err != nil {
		return 0, err
	}
	m, err := money.ParseDollars(text)
	switch {
	case err != nil:
		return 0, p.fail(field, "%q: %v (want a dollar amount like \"5.40\")", text, err)
	case m < 0:
		return 0, p.fail(field, "%s is negative", text)
	case positive && m == 0:
		return 0, p.fail(field, "must be more than zero")
	case m > most:
		return 0, p.fail(field, "%s is above the most allowed, %s", text, most)
	}
	return m, nil
}

func (p *trafficParser) time(field string, v *string) (time.Time, error) {
	text, err := p.required(field, v)
	if err != nil {
		return time.Time{}, err
	}
	t, err := time.Parse(time.RFC3339Nano, text)
	if err != nil {
		return time.Time{}, p.fail(field, "%q is not an RFC 3339 time like \"2026-01-01T00:00:01Z\"",
			text)
	}
	return t, nil
}
