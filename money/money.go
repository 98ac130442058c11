// Package money holds QEX's one money type: integer micros of a US dollar.
//
// Money is never a float anywhere it is compared, summed or stored. Parsing and
// formatting of decimal dollar strings happen here, at the edge, and nowhere else.
package money

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Micros is an amount of money in millionths of a US dollar.
type Micros int64

// Common amounts.
const (
	Micro  Micros = 1
	Cent   Micros = 10_000
	Dollar Micros = 1_000_000
)

// ErrSyntax reports a string that is not a decimal dollar amount.
var ErrSyntax = errors.New("not a decimal dollar amount")

// maxFractionDigits is the precision of a Micros: six digits after the point.
const maxFractionDigits = 6

// ParseDollars reads a decimal dollar string such as "5.40", "-0.000001", "12",
// "$1.25" or "-$1.25" into micros, exactly. More than six fraction digits is an
// error, not a rounding; so is an amount beyond what an int64 of micros holds.
// Errors wrap ErrSyntax and leave quoting s to the caller.
func ParseDollars(s string) (Micros, error) {
	t := s
	neg := strings.HasPrefix(t, "-")
	t = strings.TrimPrefix(t, "-")
	t = strings.TrimPrefix(t, "$")
	if !neg {
		neg = strings.HasPrefix(t, "-")
		t = strings.TrimPrefix(t, "-")
	}
	whole, frac, hasPoint := strings.Cut(t, ".")
	switch {
	case whole == "" && frac == "":
		return 0, ErrSyntax
	case len(frac) > maxFractionDigits:
		return 0, fmt.Errorf("more than six digits after the point: %w", ErrSyntax)
	case !digitsOnly(whole) || !digitsOnly(frac) || (hasPoint && frac == "" && whole == ""):
		return 0, ErrSyntax
	}
	var micros int64
	if whole != "" {
		dollars, err := strconv.ParseInt(whole, 10, 64)
		if err != nil || dollars > int64(maxMicros/Dollar) {
			return 0, fmt.Errorf("out of range: %w", ErrSyntax)
		}
		micros = dollars * int64(Dollar)
	}
	if frac != "" {
		padded := frac + strings.Repeat("0", maxFractionDigits-len(frac))
		f, _ := strconv.ParseInt(padded, 10, 64) // digits only, at most six: cannot fail
		if micros > int64(maxMicros)-f {
			return 0, fmt.Errorf("out of range: %w", ErrSyntax)
		}
		micros += f
	}
	if neg {
		micros = -micros
	}
	return Micros(micros), nil
}

const maxMicros = Micros(1<<63 - 1)

func digitsOnly(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// String formats m as dollars with the cents always shown and further digits only
// when they are not zero: "5.40", "0.91", "-1.000001".
func (m Micros) String() string {
	sign, whole, frac := m.split()
	return sign + strconv.FormatUint(whole, 10) + "." + frac
}

// Dollars formats m with a leading dollar sign: "$5.40".
func (m Micros) Dollars() string {
	sign, whole, frac := m.split()
	return sign + "$" + strconv.FormatUint(whole, 10) + "." + frac
}

// GroupedDollars formats m as Dollars does, with a comma between each three
// digits of the whole dollars, for people to read: "$18,204.11". ParseDollars
// does not read it back.
func (m Micros) GroupedDollars() string {
	sign, whole, frac := m.split()
	return sign + "$" + groupThousands(strconv.FormatUint(whole, 10)) + "." + frac
}

// split is m's sign, its whole dollars, and its fraction's digits: the cents
// always, further digits only when they are not zero.
func (m Micros) split() (sign string, whole uint64, frac string) {
	v := uint64(m)
	if m < 0 {
		sign, v = "-", -v // two's complement: the magnitude, even of the least Micros
	}
	frac = strings.TrimRight(fmt.Sprintf("%06d", v%uint64(Dollar)), "0")
	for len(frac) < 2 {
		frac += "0"
	}
	return sign, v / uint64(Dollar), frac
}

// groupThousands puts a comma between each three digits, counted from the right.
func groupThousands(digits string) string {
	var b strings.Builder
	for i, d := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(d)
	}
	return b.String()
}
