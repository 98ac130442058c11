// Package pgtest gives tests a throwaway PostgreSQL database of their own,
// dropped when the test ends.
//
// The server is the one QEX_TEST_PG_DSN names (a URL with rights to create
// databases), else postgres://postgres@127.0.0.1:5432/postgres. Without a
// reachable server the tests skip with one line saying how to point them at one;
// with QEX_REQUIRE_INTEGRATION=1 they fail instead.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/quantedge/qex/internal/integration"
)

// EnvDSN names the server the tests use.
const EnvDSN = "QEX_TEST_PG_DSN"

const (
	defaultDSN = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
	dialWait   = 5 * time.Second
)

// AdminDSN is the server the tests use.
func AdminDSN() string {
	if dsn := os.Getenv(EnvDSN); dsn != "" {
		return dsn
	}
	return defaultDSN
}

// NewDatabase creates an empty database and returns its DSN; it is dropped when
// the test ends.
func NewDatabase(t testing.TB) string {
	t.Helper()
	admin := AdminDSN()
	u, err := url.Parse(admin)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		t.Fatalf("%s must be a postgres:// URL", EnvDSN)
	}
	ctx, cancel := context.WithTimeout(context.Background(), dialWait)
	defer cancel()
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		integration.Unavailable(t, "PostgreSQL not reachable at %s: set %s to a server's URL to run these tests",
			u.Redacted(), EnvDSN)
	}
	defer conn.Close(context.Background())

	name := "qex_test_" + randomHex()
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("creating a test database on %s: %v", u.Redacted(), err)
	}
	t.Cleanup(func() { drop(t, admin, name) })
	u.Path = "/" + name
	return u.String()
}

func drop(t testing.TB, admin, name string) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		t.Logf("dropping test database %s: %v", name, err)
		return
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
		t.Logf("dropping test database %s: %v", name, err)
	}
}

func randomHex() string {
	var b [6]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	return hex.EncodeToString(b[:])
}
