package engine

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"
	"time"
)

// Text writes the sweep as a table: a row per client count and strategy.
func (r LabResult) Text(w io.Writer) error {
	c := r.Config
	network := "" // a live run's network is the real one
	if r.Measured == LabSimulated {
		network = fmt.Sprintf("network delay %s ± %s, ", c.Delay, c.Spread)
	}
	fmt.Fprintf(w, "QEX retry lab (%s): %d repetitions per point, base %s, cap %s, %sseed %d\n\n",
		r.Measured, c.Repetitions, c.Base, c.Cap, network, c.Seed)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "clients\tstrategy\tmean attempts\tp99 attempts\tmean completion\t"+
		"p99 completion\t")
	for _, p := range r.Points {
		fmt.Fprintf(tw, "%d\t%s\t%.1f\t%.0f\t%s\t%s\t\n", p.Clients, p.Strategy, p.MeanAttempts,
			p.P99Attempts, roundDuration(p.MeanCompletion), roundDuration(p.P99Completion))
	}
	return tw.Flush()
}

// roundDuration keeps three significant places: 1.234s, 56.7ms.
func roundDuration(d time.Duration) time.Duration {
	switch {
	case d >= 10*time.Second:
		return d.Round(100 * time.Millisecond)
	case d >= time.Second:
		return d.Round(10 * time.Millisecond)
	case d >= 100*time.Millisecond:
		return d.Round(time.Millisecond)
	}
	return d.Round(100 * time.Microsecond)
}

// CSV writes the sweep with a header row; times in milliseconds.
func (r LabResult) CSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"measured", "clients", "strategy", "mean_attempts", "p99_attempts",
		"mean_completion_ms", "p99_completion_ms"})
	f := func(v float64) string { return strconv.FormatFloat(v, 'f', 3, 64) }
	for _, p := range r.Points {
		_ = cw.Write([]string{r.Measured, strconv.Itoa(p.Clients), string(p.Strategy),
			f(p.MeanAttempts), f(p.P99Attempts), f(millis(p.MeanCompletion)),
			f(millis(p.P99Completion))})
	}
	cw.Flush()
	return cw.Error()
}

// labJSON is the sweep as JSON.
type labJSON struct {
	Measured    string         `json:"measured"`
	Repetitions int            `json:"repetitions"`
	BaseMS      float64        `json:"backoff_base_ms"`
	CapMS       float64        `json:"backoff_cap_ms"`
	DelayMS     *float64       `json:"network_delay_ms,omitempty"` // simulated runs only
	SpreadMS    *float64       `json:"network_spread_ms,omitempty"`
	Seed        uint64         `json:"seed"`
	Points      []labPointJSON `json:"points"`
}

type labPointJSON struct {
	Clients          int     `json:"clients"`
	Strategy         string  `json:"strategy"`
	MeanAttempts     float64 `json:"mean_attempts"`
	P99Attempts      float64 `json:"p99_attempts"`
	MeanCompletionMS float64 `json:"mean_completion_ms"`
	P99CompletionMS  float64 `json:"p99_completion_ms"`
}

// JSON writes the sweep as one JSON object.
func (r LabResult) JSON(w io.Writer) error {
	c := r.Config
	doc := labJSON{Measured: r.Measured, Repetitions: c.Repetitions, BaseMS: millis(c.Base),
		CapMS: millis(c.Cap), Seed: c.Seed}
	if r.Measured == LabSimulated {
		delay, spread := millis(c.Delay), millis(c.Spread)
		doc.DelayMS, doc.SpreadMS = &delay, &spread
	}
	for _, p := range r.Points {
		doc.Points = append(doc.Points, labPointJSON{Clients: p.Clients,
			Strategy: string(p.Strategy), MeanAttempts: p.MeanAttempts, P99Attempts: p.P99Attempts,
			MeanCompletionMS: millis(p.MeanCompletion), P99CompletionMS: millis(p.P99Completion)})
	}
	enc := json.NewEncoder(w)
	return enc.Encode(doc)
}
