package main

import (
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// section groups flags in --help.
type section struct {
	title string
	names []string
}

var sections = []section{
	{"Run", []string{"headless", "duration", "json", "seed", "bids-file", "outcomes", "tick",
		"log-file", "log-level", "version"}},
	{"Traffic", []string{"regions", "slot-rate", "slot-window", "floor-min", "floor-max",
		"advertisers", "publishers", "budget-min", "budget-max", "auction"}},
	{"Settlement", []string{"workers", "contention", "backoff", "backoff-base", "backoff-cap",
		"max-attempts", "drain-timeout"}},
	{"Bid store", []string{"bids", "ddb-table", "ddb-endpoint", "ddb-create-table", "bid-ttl",
		"batch-size", "ingest-workers"}},
	{"Ledger", []string{"ledger", "pg-dsn", "pg-serializable", "pg-max-conns", "dsql-endpoint",
		"dsql-role"}},
	{"Embedded ledger", []string{"commit-latency"}},
}

func usage(w io.Writer, fs *flag.FlagSet) {
	fmt.Fprint(w, `qex-tui: a live console for an ad exchange in miniature.

Bids stream in from regions into a bid store, each ad slot's auction closes, and
only the winner crosses into a strictly consistent ledger, where racing workers
settle it under optimistic concurrency and retry conflicts with backoff.

Usage:
  qex-tui [flags]                  the console (headless without a terminal)
  qex-tui --headless --json        run for --duration and print a summary
  qex-tui audit [ledger flags]     check a ledger database's invariants
  qex-tui lab [flags]              compare backoff strategies under contention

Every flag can also be set by its environment variable, shown in brackets.
`)
	for _, s := range sections {
		fmt.Fprintf(w, "\n%s:\n", s.title)
		printFlags(w, fs, s.names)
	}
	fmt.Fprint(w, `
Exit status: 0 when the run's invariants held, 1 when one failed or the run
could not work, 2 for a bad flag or input file.
`)
}

// printFlags lists flags with their argument, meaning, default and variable.
func printFlags(w io.Writer, fs *flag.FlagSet, names []string) {
	for _, name := range names {
		f := fs.Lookup(name)
		if f == nil {
			continue
		}
		arg, text := flag.UnquoteUsage(f)
		head := "  --" + f.Name
		if arg != "" {
			head += " " + arg
		}
		if len(head) > usageColumn {
			head += "\n" + strings.Repeat(" ", usageColumn)
		}
		if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" &&
			f.DefValue != "0s" && !strings.Contains(text, "(default") {
			text += fmt.Sprintf(" (default %s)", f.DefValue)
		}
		if f.Name != "version" {
			text += fmt.Sprintf(" [$%s]", envName(f.Name))
		}
		text = ansi.Wordwrap(text, helpWidth-usageColumn-1, "")
		text = strings.ReplaceAll(text, "\n", "\n"+strings.Repeat(" ", usageColumn+1))
		fmt.Fprintf(w, "%-*s %s\n", usageColumn, head, text)
	}
}

// usageColumn is where flag descriptions start in --help, which fits
// helpWidth columns.
const (
	usageColumn = 34
	helpWidth   = 80
)
