package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"strings"
	"syscall"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/quantedge/qex/engine"
	"github.com/quantedge/qex/ui"
)

// runConsole runs the engine in the background and the console in the terminal
// until the user quits, the duration passes, or a signal arrives; then it gives
// the terminal back, lets the engine drain, and prints a one-line summary.
func runConsole(ctx context.Context, o *options, stdout, stderr io.Writer) int {
	ui.RespectNoColor(os.Getenv)
	sess, err := start(ctx, o)
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

	// The program leaves signals to this process's handler, which ends runCtx;
	// quitting then restores the terminal like a q. A lab sweep ends with runCtx
	// too, instead of taking the processors from the engine's drain.
	model := ui.New(sess.eng, ui.Options{Backend: sess.b.label, Tick: o.tick, Version: version,
		Context: runCtx, Lab: simulatedLab})
	prog := tea.NewProgram(model, tea.WithAltScreen(), tea.WithoutSignalHandler())
	quit := make(chan struct{})
	go func() {
		select {
		case <-runCtx.Done():
			prog.Quit()
		case <-quit:
		}
	}()
	_, uiErr := prog.Run()
	close(quit)
	stopEngine()
	signal.Reset(os.Interrupt, syscall.SIGTERM) // the console is gone: a signal ends it all
	fmt.Fprintf(stderr, "qex-tui: draining for up to %s (Ctrl+C to quit now)\n",
		o.cfg.DrainTimeout)
	res := <-done
	if ferr := sess.finish(); res.err == nil {
		res.err = ferr
	}
	if uiErr != nil {
		fmt.Fprintf(stderr, "qex-tui: console: %v\n", uiErr)
		return exitFailed
	}
	if res.err != nil {
		fmt.Fprintf(stderr, "qex-tui: %v\n", res.err)
		return exitFailed
	}
	s := res.report.Summary()
	failed := failures(res.report)
	fmt.Fprintf(stdout, "qex-tui: %d bids, %d settled, %d conflicts, %d unsold in %.0fs; %s\n",
		s.BidsIngested, s.Settled, s.Conflicts, s.Unsold, s.DurationSeconds, verdict(failed))
	if len(failed) > 0 {
		fmt.Fprintf(stderr, "qex-tui: %s\n", strings.Join(failed, "\nqex-tui: "))
		return exitFailed
	}
	return exitOK
}

// simulatedLab is the console's retry lab, a ui.LabFunc: the default simulated
// sweep.
func simulatedLab(ctx context.Context, progress func(done, total int)) (
	engine.LabResult, error) {
	cfg := engine.DefaultLabConfig()
	cfg.Workers = max(1, runtime.GOMAXPROCS(0)-1) // a processor stays with the exchange
	return engine.RunLab(ctx, cfg, progress)
}

func verdict(failed []string) string {
	if len(failed) == 0 {
		return "audit clean"
	}
	return "FAILED (see below)"
}

// withDuration ends ctx after d, or only when ctx ends if d is zero.
func withDuration(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	if d > 0 {
		return context.WithTimeout(ctx, d)
	}
	return context.WithCancel(ctx)
}
