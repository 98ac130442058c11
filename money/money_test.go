package money

import (
	"errors"
	"math"
	"testing"
)

func TestParseDollars(t *testing.T) {
	tests := []struct {
		in   string
		want Micros
	}{
		{"5.40", 5_400_000},
		{"0.91", 910_000},
		{"12", 12_000_000},
		{".5", 500_000},
		{"$1.25", 1_250_000},
		{"-0.000001", -1},
		{"0.000001", 1},
		{"0", 0},
		{"9223372036854.775807", 9223372036854775807},
		{"-9223372036854.775807", -9223372036854775807},
		{"-$5.40", -5_400_000},
		{"$-5.40", -5_400_000},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseDollars(tt.in)
			if err != nil {
				t.Fatalf("ParseDollars(%q): %v", tt.in, err)
			}
			if got != tt.want {
				t.Fatalf("ParseDollars(%q) = %d, want %d", tt.in, got, tt.want)
			}
		})
	}
}

func TestParseDollarsRejects(t *testing.T) {
	for _, in := range []string{"", ".", "-", "abc", "1.2.3", "1.0000001", "1e3", " 1", "1,5",
		"99999999999999999", "+1", "1.-5", "9223372036854.775808", "9223372036854.999999",
		"-9223372036854.999999", "9223372036855", "--1", "-$-1", "$", "-$"} {
		t.Run(in, func(t *testing.T) {
			if got, err := ParseDollars(in); !errors.Is(err, ErrSyntax) {
				t.Fatalf("ParseDollars(%q) = %d, %v; want ErrSyntax", in, got, err)
			}
		})
	}
}

func TestString(t *testing.T) {
	tests := []struct {
		in   Micros
		want string
	}{
		{5_400_000, "5.40"},
		{910_000, "0.91"},
		{1, "0.000001"},
		{-1_000_001, "-1.000001"},
		{0, "0.00"},
		{12_345_670, "12.34567"},
	}
	for _, tt := range tests {
		if got := tt.in.String(); got != tt.want {
			t.Errorf("Micros(%d).String() = %q, want %q", tt.in, got, tt.want)
		}
		back, err := ParseDollars(tt.want)
		if err != nil || back != tt.in {
			t.Errorf("round trip of %q = %d, %v", tt.want, back, err)
		}
	}
	if got := Micros(-5_400_000).Dollars(); got != "-$5.40" {
		t.Errorf("Dollars() = %q", got)
	}
	if back, err := ParseDollars(Micros(-5_400_000).Dollars()); err != nil || back != -5_400_000 {
		t.Errorf("Dollars() does not read back: %d, %v", back, err)
	}
}

func TestGroupedDollars(t *testing.T) {
	tests := []struct {
		in   Micros
		want string
	}{
		{0, "$0.00"},
		{Micro, "$0.000001"},
		{999_990_000, "$999.99"},
		{1_000 * Dollar, "$1,000.00"},
		{18_204_110_000, "$18,204.11"},
		{-1_500 * Dollar, "-$1,500.00"},
		{123_456_789 * Dollar, "$123,456,789.00"},
		{math.MaxInt64, "$9,223,372,036,854.775807"},
		{math.MinInt64, "-$9,223,372,036,854.775808"},
	}
	for _, tt := range tests {
		if got := tt.in.GroupedDollars(); got != tt.want {
			t.Errorf("Micros(%d).GroupedDollars() = %q, want %q", tt.in, got, tt.want)
		}
	}
}
