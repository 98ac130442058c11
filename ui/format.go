package ui

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"
)

// Number formatting thresholds.
const (
	thousand     = 1_000
	million      = 1_000_000
	fineRateMax  = 10      // below this a rate shows a decimal
	plainRateMax = 100_000 // from this a rate shows with a k or M suffix
	shortIDLen   = 8
)

// formatCount writes n with thousands separators: 1,234,567.
func formatCount(n uint64) string {
	s := strconv.FormatUint(n, 10)
	if len(s) <= 3 {
		return s
	}
	var b strings.Builder
	lead := len(s) % 3
	if lead > 0 {
		b.WriteString(s[:lead])
	}
	for i := lead; i < len(s); i += 3 {
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(s[i : i+3])
	}
	return b.String()
}

// formatRate writes a per-second rate for reading at a glance.
func formatRate(v float64) string {
	switch {
	case v <= 0:
		return "0"
	case v < fineRateMax:
		return strconv.FormatFloat(v, 'f', 1, 64)
	case v < plainRateMax:
		return formatCount(uint64(v + 0.5))
	}
	return formatSI(v)
}

// formatSI writes v in at most four characters or so: 950, 1.2k, 12k, 3.4M.
func formatSI(v float64) string {
	switch {
	case v >= 10*million:
		return fmt.Sprintf("%.0fM", v/million)
	case v >= million:
		return fmt.Sprintf("%.1fM", v/million)
	case v >= 10*thousand:
		return fmt.Sprintf("%.0fk", v/thousand)
	case v >= thousand:
		return fmt.Sprintf("%.1fk", v/thousand)
	case v >= fineRateMax || v == 0:
		return fmt.Sprintf("%.0f", v)
	}
	return fmt.Sprintf("%.1f", v)
}

// formatLatency writes a latency with a unit that suits it; "-" when unknown.
func formatLatency(d time.Duration) string {
	switch {
	case d <= 0:
		return "-"
	case d < time.Millisecond:
		return fmt.Sprintf("%dµs", d.Microseconds())
	case d < 10*time.Millisecond:
		return fmt.Sprintf("%.1fms", float64(d)/float64(time.Millisecond))
	case d < time.Second:
		return fmt.Sprintf("%dms", d.Milliseconds())
	}
	return fmt.Sprintf("%.1fs", d.Seconds())
}

// formatUptime writes a run's age to the second.
func formatUptime(d time.Duration) string {
	return d.Truncate(time.Second).String()
}

// formatShare writes part as a whole percentage of total.
func formatShare(part, total float64) string {
	if total <= 0 {
		return "-"
	}
	return fmt.Sprintf("%.0f%%", 100*part/total)
}

func upDown(up bool) string {
	if up {
		return "up"
	}
	return "DOWN"
}

// shortID is the head of an id: enough to tell runs apart on screen.
func shortID(id string) string {
	return id[:min(len(id), shortIDLen)]
}

// statSep separates the figures on a line of statistics.
const statSep = " · "

// joinFit joins as many of parts as fit in w cells, in order; the first part
// always, cut if it must be.
func joinFit(w int, parts ...string) string {
	line := ""
	for i, p := range parts {
		next := p
		if i > 0 {
			next = line + statSep + p
		}
		if i > 0 && ansi.StringWidth(next) > w {
			break
		}
		line = next
	}
	return fit(line, w)
}
