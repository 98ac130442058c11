package pg

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/credentials"
)

var errBoom = errors.New("boom")

// TestRedactor: an error quoting the connection string's password, or a DSQL
// token whole, cut short or decoded, comes out without them; other errors come
// out as they went in.
func TestRedactor(t *testing.T) {
	o := DSQLOptions{Endpoint: testEndpoint, Credentials: credentials.NewStaticCredentialsProvider(
		"AKIAEXAMPLEKEY", "example-secret", "example-session-token")}
	token, err := o.Token(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	decoded, err := url.QueryUnescape(token)
	if err != nil {
		t.Fatal(err)
	}
	q := parseToken(t, token).Query()
	secrets := []string{"hunter2", q.Get("X-Amz-Signature"), q.Get("X-Amz-Security-Token"),
		"AKIAEXAMPLEKEY"}
	r := &redactor{password: "hunter2"}
	for _, text := range []string{
		"password authentication failed: hunter2",
		"authentication failed with password " + token,
		"token " + token[:len(token)-10] + " was cut short",
		"decoded: " + decoded,
	} {
		err := r.redact(fmt.Errorf("%s: %w", text, errBoom))
		for _, s := range secrets {
			if s == "" || strings.Contains(err.Error(), s) {
				t.Fatalf("%q (from %q) still holds secret %q", err, text, s)
			}
		}
		if !strings.Contains(err.Error(), redacted) || !errors.Is(err, errBoom) {
			t.Fatalf("%q: want it marked, and still the original for errors.Is", err)
		}
	}
	if err := r.redact(errBoom); err != errBoom {
		t.Fatalf("an error without secrets came out as %v", err)
	}
	if r.redact(nil) != nil {
		t.Fatal("redact(nil) != nil")
	}
}

// BenchmarkRedact cleans a connect error that quotes no secret: the common case,
// paid by every error the ledger returns but a lost race.
func BenchmarkRedact(b *testing.B) {
	err := errors.New("connecting to Aurora DSQL at " + testEndpoint +
		": failed to connect to `user=admin database=postgres`: 10.0.0.1:5432 (" + testEndpoint +
		"): dial error: dial tcp 10.0.0.1:5432: connect: connection refused")
	r := &redactor{password: "hunter2"}
	b.ReportAllocs()
	for b.Loop() {
		if r.redact(err) != err {
			b.Fatal("an error without secrets was changed")
		}
	}
}
