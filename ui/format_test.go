package ui

import (
	"testing"
	"time"
)

func TestFormat(t *testing.T) {
	tests := []struct {
		name, got, want string
	}{
		{"count small", formatCount(999), "999"},
		{"count thousands", formatCount(1234567), "1,234,567"},
		{"count even groups", formatCount(100000), "100,000"},
		{"rate zero", formatRate(0), "0"},
		{"rate fine", formatRate(2.54), "2.5"},
		{"rate plain", formatRate(1007.6), "1,008"},
		{"rate large", formatRate(250_000), "250k"},
		{"si", formatSI(1200), "1.2k"},
		{"si millions", formatSI(3_400_000), "3.4M"},
		{"latency none", formatLatency(0), "-"},
		{"latency micros", formatLatency(363 * time.Microsecond), "363µs"},
		{"latency millis", formatLatency(7 * time.Millisecond), "7.0ms"},
		{"latency seconds", formatLatency(2500 * time.Millisecond), "2.5s"},
		{"share", formatShare(1, 3), "33%"},
		{"share of nothing", formatShare(1, 0), "-"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, tt.got, tt.want)
		}
	}
}

func TestNiceCeil(t *testing.T) {
	for _, c := range []struct{ in, want float64 }{
		{0, 1}, {1, 1}, {7, 8}, {10, 10}, {11, 12}, {1045, 1200}, {8001, 10000},
	} {
		if got := niceCeil(c.in); got != c.want {
			t.Errorf("niceCeil(%g) = %g, want %g", c.in, got, c.want)
		}
	}
}

func TestJoinFit(t *testing.T) {
	if got := joinFit(20, "bids/s 10", "p50 1ms", "errors 3"); got != "bids/s 10 · p50 1ms" {
		t.Errorf("joinFit kept %q", got)
	}
	if got := joinFit(4, "bids/s 10", "p50"); got != "bid…" {
		t.Errorf("joinFit cut the first part to %q", got)
	}
}

func TestFitTail(t *testing.T) {
	tests := []struct {
		in   string
		w    int
		want string
	}{
		{"slot-7-12", 12, "slot-7-12"},
		{"slot-783755-1234", 12, "…783755-1234"},
		{"slot-783755-1234", 0, ""},
		{"abc", 1, "…"},
	}
	for _, tt := range tests {
		if got := fitTail(tt.in, tt.w); got != tt.want {
			t.Errorf("fitTail(%q, %d) = %q, want %q", tt.in, tt.w, got, tt.want)
		}
	}
}
