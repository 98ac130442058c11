package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/quantedge/qex/store"
)

// Report is what a run did and whether the ledger's invariants held at its end.
type Report struct {
	Snapshot Snapshot
	Audit    store.AuditReport
	// Duration is how long traffic flowed; Drain, how long the run then took
	// to finish its work.
	Duration, Drain time.Duration
	// Drained is false when the run ended before all of its work was finished.
	Drained bool
	// Unsettled counts this run's closed slots with a winner that were still
	// awaiting settlement at the end.
	Unsettled int
}

// OK reports whether every invariant held: no duplicate settlement, a balanced
// ledger, money conserved, and none of the run's winners left unsettled.
func (r Report) OK() bool { return r.Audit.OK() && r.Unsettled == 0 }

// report audits the ledger and reports the run, and reports each of the run's
// slots still awaiting settlement as an outcome.
func (e *Engine) report(ctx context.Context, traffic, drain time.Duration, drained bool) (
	Report, error) {
	audit, err := e.ledger.Audit(ctx)
	if err != nil {
		return Report{}, fmt.Errorf("auditing the ledger: %w", err)
	}
	unsettled, err := e.ledger.PendingSlots(ctx, e.pendingOfRun())
	if err != nil {
		return Report{}, fmt.Errorf("listing unsettled slots: %w", err)
	}
	if e.onOutcome != nil {
		for _, s := range unsettled {
			e.onOutcome(SlotOutcome{Slot: s})
		}
	}
	return Report{Snapshot: e.Snapshot(ctx), Audit: audit, Duration: traffic, Drain: drain,
		Drained: drained, Unsettled: len(unsettled)}, nil
}

// Summary is a report in the form the headless mode prints as JSON.
type Summary struct {
	RunID                string            `json:"run_id"`
	DurationSeconds      float64           `json:"duration_s"`
	DrainSeconds         float64           `json:"drain_s"`
	Bids                 uint64            `json:"bids"`
	BidsIngested         uint64            `json:"bids_ingested"`
	IngestErrors         uint64            `json:"ingest_errors"`
	SlotsOpened          uint64            `json:"slots_opened"`
	SlotsClosed          uint64            `json:"slots_closed"`
	Settled              uint64            `json:"settled"`
	Unsold               uint64            `json:"unsold"`
	UnsoldNoBid          uint64            `json:"unsold_no_eligible_bid"`
	UnsoldFunds          uint64            `json:"unsold_insufficient_funds"`
	SettledAmount        string            `json:"settled_amount_usd"`
	Attempts             uint64            `json:"attempts"`
	Conflicts            uint64            `json:"conflicts"`
	Retries              uint64            `json:"retries"`
	DuplicatesPrevented  uint64            `json:"duplicates_prevented"`
	DuplicateSettlements int               `json:"duplicate_settlements"`
	Abandoned            uint64            `json:"abandoned"`
	Requeued             uint64            `json:"requeued"`
	SettleErrors         uint64            `json:"errors"`
	CloseErrors          uint64            `json:"close_errors"`
	Unsettled            int               `json:"unsettled"`
	Drained              bool              `json:"drained"`
	LedgerBalanced       bool              `json:"ledger_balanced"`
	MoneyConserved       bool              `json:"money_conserved"`
	BidsPerSec           float64           `json:"bids_per_sec"`
	SettledPerSec        float64           `json:"settled_per_sec"`
	TimeToSettle         LatencySummary    `json:"time_to_settle_ms"`
	BatchLatency         LatencySummary    `json:"batch_latency_ms"`
	RetryDepth           map[string]uint64 `json:"retry_depth"`
	Settings             SettingsSummary   `json:"settings"`
	LastError            string            `json:"last_error,omitempty"`
}

// LatencySummary is a latency distribution in milliseconds.
type LatencySummary struct {
	P50 float64 `json:"p50"`
	P99 float64 `json:"p99"`
	Max float64 `json:"max"`
}

// SettingsSummary is the dials a run ended with.
type SettingsSummary struct {
	Workers     int     `json:"workers"`
	Contention  int     `json:"contention"`
	Backoff     string  `json:"backoff"`
	BaseMS      float64 `json:"backoff_base_ms"`
	CapMS       float64 `json:"backoff_cap_ms"`
	MaxAttempts int     `json:"max_attempts"`
	Auction     string  `json:"auction"`
}

// millis is a duration in milliseconds, to the microsecond.
func millis(d time.Duration) float64 {
	return float64(d.Microseconds()) / float64(time.Millisecond/time.Microsecond)
}

// seconds is a duration in seconds, to the millisecond.
func seconds(d time.Duration) float64 {
	return float64(d.Milliseconds()) / float64(time.Second/time.Millisecond)
}

// rateDecimals: rates in a summary keep one decimal.
const rateDecimals = 10

func latency(p Percentiles) LatencySummary {
	return LatencySummary{P50: millis(p.P50), P99: millis(p.P99), Max: millis(p.Max)}
}

// Summary condenses the report. Bids per second are over the time traffic
// flowed; settlements per second over that and the drain, when settling went on.
func (r Report) Summary() Summary {
	s := r.Snapshot
	rate := func(n uint64, d time.Duration) float64 {
		if d <= 0 {
			return 0
		}
		return float64(int64(float64(n)/d.Seconds()*rateDecimals)) / rateDecimals
	}
	depth := make(map[string]uint64, len(s.AttemptDepth))
	for n, count := range s.AttemptDepth {
		if n > 0 && count > 0 {
			depth[strconv.Itoa(n)] = count
		}
	}
	return Summary{
		RunID: s.RunID, DurationSeconds: seconds(r.Duration), DrainSeconds: seconds(r.Drain),
		Bids: s.Bids, BidsIngested: s.Ingested, IngestErrors: s.IngestErrors,
		SlotsOpened: s.SlotsOpened, SlotsClosed: s.SlotsClosed,
		Settled: s.Settled, Unsold: s.Unsold, UnsoldNoBid: s.UnsoldNoBid, UnsoldFunds: s.UnsoldFunds,
		SettledAmount: s.SettledAmount.String(),
		Attempts:      s.Attempts, Conflicts: s.Conflicts, Retries: s.Retries,
		DuplicatesPrevented:  s.DuplicatesPrevented,
		DuplicateSettlements: r.Audit.DuplicateSettlements,
		Abandoned:            s.Abandoned, Requeued: s.Requeued, SettleErrors: s.SettleErrors,
		CloseErrors: s.CloseErrors,
		Unsettled:   r.Unsettled, Drained: r.Drained,
		LedgerBalanced: r.Audit.LedgerBalanced(), MoneyConserved: r.Audit.MoneyConserved(),
		BidsPerSec: rate(s.Ingested, r.Duration), SettledPerSec: rate(s.Settled, r.Duration+r.Drain),
		TimeToSettle: latency(s.TimeToSettle), BatchLatency: latency(s.BatchLatency),
		RetryDepth: depth,
		Settings: SettingsSummary{
			Workers: s.Settings.Workers, Contention: s.Settings.Contention,
			Backoff: string(s.Settings.Backoff.Strategy), BaseMS: millis(s.Settings.Backoff.Base),
			CapMS: millis(s.Settings.Backoff.Cap), MaxAttempts: s.Settings.Backoff.MaxAttempts,
			Auction: string(s.Settings.Auction),
		},
		LastError: s.LastError,
	}
}

// JSON is the summary as one JSON object.
func (r Report) JSON() string {
	b, err := json.Marshal(r.Summary())
	if err != nil { // a struct of plain fields: cannot happen
		return "{}"
	}
	return string(b)
}

// JSON is the configuration as the run record stores it.
func (c Config) JSON() string {
	type region struct {
		Name   string  `json:"name"`
		Rate   float64 `json:"rate"`
		Median string  `json:"median_price"`
		Spread float64 `json:"price_spread"`
	}
	doc := map[string]any{
		"seed": c.Seed, "slot_rate": c.SlotRate, "slot_window_ms": c.SlotWindow.Milliseconds(),
		"floor_min": c.FloorMin.String(), "floor_max": c.FloorMax.String(),
		"advertisers": c.Advertisers, "publishers": c.Publishers,
		"auction": c.Auction, "workers": c.Workers, "contention": c.Contention,
		"backoff": c.Backoff.Strategy, "backoff_base_ms": millis(c.Backoff.Base),
		"backoff_cap_ms": millis(c.Backoff.Cap), "max_attempts": c.Backoff.MaxAttempts,
		"batch_size": c.BatchSize,
	}
	var regions []region
	for _, r := range c.Regions {
		regions = append(regions, region{r.Name, r.Rate, r.MedianPrice.String(), r.PriceSpread})
	}
	doc["regions"] = regions
	b, err := json.Marshal(doc)
	if err != nil {
		return "{}"
	}
	return string(b)
}
