package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strings"

	"github.com/quantedge/qex/engine"
)

// runHeadless runs the engine without a terminal for the duration (or through
// the whole replay) and prints the summary.
func runHeadless(ctx context.Context, o *options, traffic *engine.Traffic,
	stdout, stderr io.Writer) int {
	sess, err := start(ctx, o)
	if err != nil {
		fmt.Fprintf(stderr, "qex-tui: %v\n", err)
		return exitFailed
	}

	var report engine.Report
	if traffic != nil {
		report, err = sess.eng.Replay(ctx, traffic)
	} else {
		runCtx, cancel := context.WithTimeout(ctx, o.duration)
		report, err = sess.eng.Run(runCtx)
		cancel()
	}
	if ferr := sess.finish(); err == nil {
		err = ferr
	}
	if report.Snapshot.RunID != "" {
		printSummary(stdout, o, sess.b.label, report) // a run cut short still says what it did
	}
	switch {
	case errors.Is(err, context.Canceled) && traffic != nil:
		fmt.Fprintln(stderr, "qex-tui: interrupted before the whole file was replayed")
		return exitFailed
	case err != nil:
		fmt.Fprintf(stderr, "qex-tui: %v\n", err)
		return exitFailed
	}
	if failed := failures(report); len(failed) > 0 {
		fmt.Fprintf(stderr, "qex-tui: %s\n", strings.Join(failed, "\nqex-tui: "))
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
	t, err := engine.ReadTraffic(f)
	if err == nil && len(t.Slots) == 0 {
		err = errors.New("the file declares no slots: nothing to replay")
	}
	return t, err
}

// session is a run's engine over its opened stores.
type session struct {
	eng      *engine.Engine
	b        *backends
	outcomes *outcomeWriter
}

// start opens the stores, then the outcomes file if there is to be one (so
// that a run that cannot start leaves an earlier file as it was), and builds
// the engine.
func start(ctx context.Context, o *options) (*session, error) {
	b, err := openBackends(ctx, o, o.cfg.Logger)
	if err != nil {
		return nil, err
	}
	s := &session{b: b}
	var opts []engine.Option
	if o.outcomesFile != "" {
		if s.outcomes, err = createOutcomes(o.outcomesFile); err != nil {
			b.Close()
			return nil, err
		}
		opts = append(opts, engine.WithOutcomes(s.outcomes.write))
	}
	if s.eng, err = engine.New(o.cfg, b.bids, b.ledger, opts...); err != nil {
		_ = s.finish()
		return nil, err
	}
	return s, nil
}

// finish closes the stores and the outcomes file.
func (s *session) finish() error {
	s.b.Close()
	if s.outcomes != nil {
		return s.outcomes.Close()
	}
	return nil
}

// failures says which of a finished run's checks failed, one line each.
func failures(r engine.Report) []string {
	var out []string
	if !r.Audit.LedgerBalanced() || !r.Audit.MoneyConserved() {
		out = append(out, "the ledger audit failed:\n"+r.Audit.String())
	}
	if r.Unsettled > 0 {
		out = append(out, fmt.Sprintf("%d of this run's winners were left unsettled", r.Unsettled))
	}
	if !r.Drained {
		out = append(out, "the run stopped with work unfinished: the drain timed out "+
			"(raise --drain-timeout) or a store kept failing (see --log-file)")
	}
	return out
}

// rssDecimals: the peak RSS keeps one decimal.
const rssDecimals = 10

// summaryJSON is the headless JSON: the engine's summary plus the seed.
type summaryJSON struct {
	engine.Summary
	Stores     string  `json:"stores"`
	Seed       uint64  `json:"seed"`
	PeakRSSMiB float64 `json:"peak_rss_mib,omitempty"`
}

func printSummary(w io.Writer, o *options, stores string, r engine.Report) {
	s := r.Summary()
	if o.json {
		rss := math.Round(peakRSSMiB()*rssDecimals) / rssDecimals
		// A struct of plain fields: Marshal cannot fail.
		b, _ := json.Marshal(summaryJSON{Summary: s, Stores: stores, Seed: o.cfg.Seed,
			PeakRSSMiB: rss})
		fmt.Fprintln(w, string(b))
		return
	}
	var b strings.Builder
	line := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	line("QEX run %s (seed %d): traffic for %.1fs, drained in %.1fs", s.RunID, o.cfg.Seed,
		s.DurationSeconds, s.DrainSeconds)
	line("  stores      %s", stores)
	line("  bids        %d stored (%.1f/s), %d failed", s.BidsIngested, s.BidsPerSec,
		s.IngestErrors)
	line("  slots       %d closed: %d settled (%.1f/s), %d unsold (%d no eligible bid, "+
		"%d no funds)", s.SlotsClosed, s.Settled, s.SettledPerSec, s.Unsold, s.UnsoldNoBid,
		s.UnsoldFunds)
	line("  settled     $%s", s.SettledAmount)
	line("  contention  %d attempts, %d conflicts, %d retries, %d duplicates prevented",
		s.Attempts, s.Conflicts, s.Retries, s.DuplicatesPrevented)
	line("              %d racers gave up, %d slots re-queued, %d errors, %d failed closes",
		s.Abandoned, s.Requeued, s.SettleErrors, s.CloseErrors)
	line("  settle time p50 %.1f ms, p99 %.1f ms", s.TimeToSettle.P50, s.TimeToSettle.P99)
	if rss := peakRSSMiB(); rss > 0 {
		line("  memory      peak RSS %.1f MiB", rss)
	}
	line("  settings    %d workers, K=%d, %s backoff (base %gms, cap %gms, %d attempts), %s",
		s.Settings.Workers, s.Settings.Contention, s.Settings.Backoff, s.Settings.BaseMS,
		s.Settings.CapMS, s.Settings.MaxAttempts, s.Settings.Auction)
	if s.Settled == 0 && s.DuplicatesPrevented > 0 {
		line("  note        every slot was settled already: another run with seed %d "+
			"settled them in this ledger (pick another --seed)", o.cfg.Seed)
	}
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
