// Command qex-tui runs QEX, an ad exchange in miniature, as a live terminal
// console or headless: bids stream in from regions, each slot's auction closes,
// and racing workers settle the winners in a strictly consistent ledger under
// optimistic concurrency, retrying conflicts with backoff.
package main

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"golang.org/x/term"

	"github.com/quantedge/qex/engine"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

// Exit statuses.
const (
	exitOK       = 0
	exitFailed   = 1
	exitBadInput = 2
)

// Log file settings.
const (
	logFileMode  = 0o644
	logFileFlags = os.O_CREATE | os.O_WRONLY | os.O_APPEND
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		switch args[0] {
		case "audit":
			return runAudit(args[1:], os.Getenv, stdout, stderr)
		case "lab":
			ctx, stop := signalContext(nil)
			defer stop()
			return runLab(ctx, args[1:], os.Getenv, stdout, stderr)
		}
	}
	o, err := parseOptions(args, os.Getenv, stdout)
	switch {
	case errors.Is(err, flag.ErrHelp):
		return exitOK
	case err != nil:
		fmt.Fprintf(stderr, "qex-tui: %v\n", err)
		return exitBadInput
	}
	if o.version {
		fmt.Fprintf(stdout, "qex-tui %s\n", version)
		return exitOK
	}
	if !o.headless && !(isTerminal(os.Stdin) && isTerminal(os.Stdout)) {
		o.setHeadless(true)
	}
	logger, closeLog, err := openLog(o, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "qex-tui: %v\n", err)
		return exitBadInput
	}
	defer closeLog()
	o.cfg.Logger = logger
	var traffic *engine.Traffic
	if o.bidsFile != "" {
		if traffic, err = readTrafficFile(o.bidsFile); err != nil {
			fmt.Fprintf(stderr, "qex-tui: --bids-file %s: %v\n", o.bidsFile, err)
			return exitBadInput
		}
		o.cfg.Regions = traffic.Regions(o.cfg.Regions)
	}

	var stopping func()
	if o.headless {
		stopping = func() {
			fmt.Fprintf(stderr, "qex-tui: stopping: draining for up to %s "+
				"(interrupt again to quit now)\n", o.cfg.DrainTimeout)
		}
	}
	ctx, stop := signalContext(stopping)
	defer stop()
	if o.headless {
		return runHeadless(ctx, o, traffic, stdout, stderr)
	}
	return runConsole(ctx, o, stdout, stderr)
}

func isTerminal(f *os.File) bool { return term.IsTerminal(int(f.Fd())) }

// signalContext ends at the first interrupt or termination, after calling
// onSignal if it is set; from then on a second one ends the process at once.
func signalContext(onSignal func()) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(context.Background())
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM)
	go func() {
		select {
		case <-signals:
			signal.Stop(signals) // before anything else: a second signal ends the process
			if onSignal != nil {
				onSignal()
			}
			cancel()
		case <-ctx.Done():
			signal.Stop(signals)
		}
	}()
	return ctx, cancel
}

// openLog opens --log-file. Without one, the console logs nothing (it owns the
// terminal) and headless runs log warnings to stderr.
func openLog(o *options, stderr io.Writer) (*slog.Logger, func(), error) {
	level := slog.LevelInfo
	if o.logFile == "" {
		level = slog.LevelWarn // stderr is shared with what the run prints
	}
	if o.logLevel != "" {
		if err := level.UnmarshalText([]byte(o.logLevel)); err != nil {
			return nil, nil, fmt.Errorf("--log-level %q: want debug, info, warn or error",
				o.logLevel)
		}
	}
	if o.logFile == "" {
		if o.headless {
			h := slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level})
			return slog.New(h), func() {}, nil
		}
		return slog.New(slog.DiscardHandler), func() {}, nil
	}
	f, err := os.OpenFile(o.logFile, logFileFlags, logFileMode)
	if err != nil {
		return nil, nil, fmt.Errorf("--log-file: %w", err)
	}
	h := slog.NewTextHandler(f, &slog.HandlerOptions{Level: level})
	return slog.New(h), func() { _ = f.Close() }, nil
}

// maxRandomSeed keeps random seeds, and so slot ids, short enough to read.
const maxRandomSeed = 1_000_000

// randomSeed picks a seed when none is given, so each run has slots of its own.
func randomSeed() uint64 {
	var b [8]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	return binary.LittleEndian.Uint64(b[:])%(maxRandomSeed-1) + 1
}
