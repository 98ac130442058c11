package main

import (
	"context"
	"fmt"
	"io"
)

// runConsole runs the engine in the background and the console in the terminal.
func runConsole(ctx context.Context, o *options, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "qex-tui: the console is not built yet; use --headless")
	return exitFailed
}
