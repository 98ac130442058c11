package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/quantedge/qex/engine"
	"github.com/quantedge/qex/ui"
)

// runConsole runs the engine in the background and the console in the terminal
// until the user quits, the duration passes, or a signal arrives; then it stops
// the engine, waits for it to drain briefly, and prints a one-line summary.
func runConsole(ctx context.Context, o *options, stdout, stderr io.Writer) int {
	ui.RespectNoColor(os.Getenv)
	if o.cfg.DrainTimeout > consoleDrainTimeout {
		o.cfg.DrainTimeout = consoleDrainTimeout
	}
	sess, err := start(o)
	if err != nil {
		fmt.Fprintf(stderr, "qex-tui: %v\n", err)
		return exitFailed
	}
	runCtx, stopEngine := withDuration(ctx, o.duration)
	defer stopEngine()
	type result struct {
		report engine.Report
		err    error
	}
	done := make(chan result, 1)
	go func() {
		r, err := sess.eng.Run(runCtx)
		done <- result{r, err}
	}()

	model := ui.New(sess.eng, ui.Options{Backend: sess.label, Tick: o.tick, Version: version})
	prog := tea.NewProgram(model,
		tea.WithAltScreen(), tea.WithContext(runCtx))
	go func() {
		<-runCtx.Done()
		prog.Quit()
	}()
	_, uiErr := prog.Run()
	stopEngine()
	res := <-done
	if ferr := sess.finish(); res.err == nil {
		res.err = ferr
	}
	if uiErr != nil && ctx.Err() == nil && runCtx.Err() == nil {
		fmt.Fprintf(stderr, "qex-tui: console: %v\n", uiErr)
		return exitFailed
	}
	if res.err != nil {
		fmt.Fprintf(stderr, "qex-tui: %v\n", res.err)
		return exitFailed
	}
	s := res.report.Summary()
	fmt.Fprintf(stdout, "qex-tui: %d bids, %d settled, %d conflicts, %d unsold in %.0fs; audit %s\n",
		s.BidsIngested, s.Settled, s.Conflicts, s.Unsold, s.DurationSeconds, okWord(res.report.OK()))
	if !res.report.OK() {
		fmt.Fprint(stderr, res.report.Audit)
		return exitFailed
	}
	return exitOK
}

func okWord(ok bool) string {
	if ok {
		return "clean"
	}
	return "FAILED"
}

// withDuration ends ctx after d, or only when ctx ends if d is zero.
func withDuration(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	if d > 0 {
		return context.WithTimeout(ctx, d)
	}
	return context.WithCancel(ctx)
}
