package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/quantedge/qex/engine"
)

// runHeadless runs the engine without a terminal for the duration (or through
// the whole replay) and prints the summary.
func runHeadless(ctx context.Context, o *options, stdout, stderr io.Writer) int {
	var traffic *engine.Traffic
	if o.bidsFile != "" {
		var err error
		if traffic, err = readTrafficFile(o.bidsFile); err != nil {
			fmt.Fprintf(stderr, "qex-tui: --bids-file %s: %v\n", o.bidsFile, err)
			return exitBadInput
		}
		o.cfg.Regions = traffic.Regions(o.cfg.Regions)
	}
	eng, finish, err := start(o)
	if err != nil {
		fmt.Fprintf(stderr, "qex-tui: %v\n", err)
		return exitFailed
	}

	var report engine.Report
	if traffic != nil {
		report, err = eng.Replay(ctx, traffic)
	} else {
		runCtx, cancel := context.WithTimeout(ctx, o.duration)
		report, err = eng.Run(runCtx)
		cancel()
	}
	if ferr := finish(); err == nil {
		err = ferr
	}
	if err != nil {
		fmt.Fprintf(stderr, "qex-tui: %v\n", err)
		return exitFailed
	}
	printSummary(stdout, o, report)
	if !report.OK() {
		fmt.Fprintf(stderr, "qex-tui: an invariant failed:\n%s", report.Audit)
		return exitFailed
	}
	return exitOK
}

func readTrafficFile(path string) (*engine.Traffic, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return engine.ReadTraffic(f)
}

// start opens the stores and the outcomes file and builds the engine; finish
// closes them all.
func start(o *options) (*engine.Engine, func() error, error) {
	b, err := openBackends(o)
	if err != nil {
		return nil, nil, err
	}
	var opts []engine.Option
	var outcomes *outcomeWriter
	if o.outcomesFile != "" {
		if outcomes, err = createOutcomes(o.outcomesFile); err != nil {
			b.Close()
			return nil, nil, err
		}
		opts = append(opts, engine.WithOutcomes(outcomes.write))
	}
	eng, err := engine.New(o.cfg, b.bids, b.ledger, opts...)
	finish := func() error {
		b.Close()
		if outcomes != nil {
			return outcomes.Close()
		}
		return nil
	}
	if err != nil {
		_ = finish()
		return nil, nil, err
	}
	return eng, finish, nil
}

// summaryJSON is the headless JSON: the engine's summary plus the seed.
type summaryJSON struct {
	engine.Summary
	Seed uint64 `json:"seed"`
}

func printSummary(w io.Writer, o *options, r engine.Report) {
	s := r.Summary()
	if o.json {
		b, _ := json.Marshal(summaryJSON{Summary: s, Seed: o.cfg.Seed}) // plain fields
		fmt.Fprintln(w, string(b))
		return
	}
	var b strings.Builder
	line := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	line("QEX run %s (seed %d) for %.1fs", s.RunID, o.cfg.Seed, s.DurationSeconds)
	line("  bids        %d stored (%.1f/s), %d failed", s.BidsIngested, s.BidsPerSec, s.IngestErrors)
	line("  slots       %d closed: %d settled (%.1f/s), %d unsold (%d no eligible bid, %d no funds)",
		s.SlotsClosed, s.Settled, s.SettledPerSec, s.Unsold, s.UnsoldNoBid, s.UnsoldFunds)
	line("  settled     $%s", s.SettledAmount)
	line("  contention  %d attempts, %d conflicts, %d retries, %d duplicates prevented",
		s.Attempts, s.Conflicts, s.Retries, s.DuplicatesPrevented)
	line("              %d racers gave up, %d slots re-queued, %d errors",
		s.Abandoned, s.Requeued, s.SettleErrors)
	line("  settle time p50 %.1f ms, p99 %.1f ms", s.TimeToSettle.P50, s.TimeToSettle.P99)
	line("  settings    %d workers, K=%d, %s backoff (base %gms, cap %gms, %d attempts), %s",
		s.Settings.Workers, s.Settings.Contention, s.Settings.Backoff, s.Settings.BaseMS,
		s.Settings.CapMS, s.Settings.MaxAttempts, s.Settings.Auction)
	line("audit:")
	for l := range strings.SplitSeq(strings.TrimSuffix(r.Audit.String(), "\n"), "\n") {
		line("  %s", l)
	}
	unsettledMark := "ok  "
	if r.Unsettled > 0 {
		unsettledMark = "FAIL"
	}
	line("  %s every winner of this run settled (%d left unsettled)", unsettledMark, r.Unsettled)
	fmt.Fprint(w, b.String())
}
