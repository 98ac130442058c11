// Package integration decides what a test does when an outside service it needs
// (PostgreSQL, dynalite) is missing: skip, unless QEX_REQUIRE_INTEGRATION=1 says
// integration tests must run, in which case it fails.
package integration

import (
	"os"
	"testing"
)

// EnvRequire is the environment variable that, set to 1, makes integration
// tests required.
const EnvRequire = "QEX_REQUIRE_INTEGRATION"

// Unavailable skips the test, or fails it when integration tests are required;
// the message says what is missing.
func Unavailable(t testing.TB, format string, args ...any) {
	t.Helper()
	if os.Getenv(EnvRequire) == "1" {
		t.Fatalf(format+" (%s=1: integration tests must run)", append(args, EnvRequire)...)
	}
	t.Skipf(format, args...)
}
