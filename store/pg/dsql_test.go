package pg

import (
	"bytes"
	"context"
	"log/slog"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

const testEndpoint = "abcdefghijklmnopqrst123456.dsql.us-east-1.on.aws"

func staticCreds() credentials.StaticCredentialsProvider {
	return credentials.NewStaticCredentialsProvider("AKIAEXAMPLEKEY", "example-secret", "")
}

// parseToken reads a token: a presigned URL without its scheme.
func parseToken(t *testing.T, token string) *url.URL {
	t.Helper()
	u, err := url.Parse("https://" + token)
	if err != nil {
		t.Fatalf("token is not a presigned URL: %v", err)
	}
	return u
}

func TestTokens(t *testing.T) {
	tests := []struct {
		name, role, action string
		expiry             time.Duration
		wantExpires        string
	}{
		{"admin", "", "DbConnectAdmin", 0, "900"},
		{"admin by name", "admin", "DbConnectAdmin", 0, "900"},
		{"custom role", "qex_writer", "DbConnect", 5 * time.Minute, "300"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := DSQLOptions{Endpoint: testEndpoint, Role: tt.role, Credentials: staticCreds(),
				TokenExpiry: tt.expiry}
			token, err := o.Token(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			u := parseToken(t, token)
			q := u.Query()
			if u.Host != testEndpoint {
				t.Errorf("host %q, want %q", u.Host, testEndpoint)
			}
			if got := q.Get("Action"); got != tt.action {
				t.Errorf("Action %q, want %q", got, tt.action)
			}
			if got := q.Get("X-Amz-Expires"); got != tt.wantExpires {
				t.Errorf("X-Amz-Expires %q, want %q", got, tt.wantExpires)
			}
			cred := q.Get("X-Amz-Credential")
			if !strings.HasPrefix(cred, "AKIAEXAMPLEKEY/") || !strings.Contains(cred, "/us-east-1/dsql/") {
				t.Errorf("X-Amz-Credential %q: want the key, the endpoint's region and the dsql service", cred)
			}
			if q.Get("X-Amz-Signature") == "" {
				t.Error("token is not signed")
			}
		})
	}
}

func TestTokenRegion(t *testing.T) {
	tests := []struct{ endpoint, region, want string }{
		{testEndpoint, "eu-west-1", "/us-east-1/"}, // the cluster's name wins
		{"db.example.com", "eu-west-1", "/eu-west-1/"},
	}
	for _, tt := range tests {
		o := DSQLOptions{Endpoint: tt.endpoint, Region: tt.region, Credentials: staticCreds()}
		token, err := o.Token(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		cred := parseToken(t, token).Query().Get("X-Amz-Credential")
		if !strings.Contains(cred, tt.want) {
			t.Errorf("endpoint %s, region %s: credential %s, want %s", tt.endpoint, tt.region,
				cred, tt.want)
		}
	}
	noRegion := DSQLOptions{Endpoint: "db.example.com", Credentials: staticCreds()}
	_, err := noRegion.Token(context.Background())
	if err == nil || !strings.Contains(err.Error(), "AWS_REGION") {
		t.Fatalf("an endpoint without a region and no region set: %v", err)
	}
}

// TestConnectErrorsCarryNoToken connects through the real DSQL configuration
// to a port where the connection fails, and checks that no token the pool made
// shows in the error or the logs. pgx does not quote a connection's password in
// its errors; this holds with or without the redactor, and keeps holding only
// while pgx does not.
func TestConnectErrorsCarryNoToken(t *testing.T) {
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	l := &Ledger{log: logger}
	cfg, err := l.poolConfig(context.Background(), Options{Logger: logger, DSQL: &DSQLOptions{
		Endpoint: "127.0.0.1", Port: 1, Region: "us-east-1", Credentials: staticCreds()}})
	if err != nil {
		t.Fatal(err)
	}
	var tokens []string
	makeToken := cfg.BeforeConnect
	cfg.BeforeConnect = func(ctx context.Context, cc *pgx.ConnConfig) error {
		err := makeToken(ctx, cc)
		tokens = append(tokens, cc.Password)
		return err
	}
	err = l.connect(context.Background(), cfg)
	if err == nil {
		t.Fatal("connecting to a closed port succeeded")
	}
	if len(tokens) == 0 || len(tokens[0]) < 100 {
		t.Fatalf("no token was made for the connection: %q", tokens)
	}
	for _, tok := range tokens {
		for _, where := range []string{err.Error(), logs.String()} {
			if strings.Contains(where, tok) || strings.Contains(where, "X-Amz-Signature") {
				t.Fatalf("a token leaked: %s", where)
			}
		}
	}
}

func TestEndpointMustBeAHostName(t *testing.T) {
	for _, bad := range []string{"", "host port=1", "a.b;c", "-x.example", "x.example/"} {
		l := &Ledger{}
		_, err := l.poolConfig(context.Background(), Options{DSQL: &DSQLOptions{Endpoint: bad,
			Region: "us-east-1", Credentials: staticCreds()}})
		if err == nil || !strings.Contains(err.Error(), "not a host name") {
			t.Errorf("endpoint %q: %v", bad, err)
		}
	}
}

// TestRoleCannotRedirect: a role carrying connection settings is refused, and
// a good one reaches the pool as the user, with the host the endpoint's.
func TestRoleCannotRedirect(t *testing.T) {
	l := &Ledger{}
	open := func(role string) (*pgxpool.Config, error) {
		return l.poolConfig(context.Background(), Options{DSQL: &DSQLOptions{Endpoint: testEndpoint,
			Region: "us-east-1", Role: role, Credentials: staticCreds()}})
	}
	for _, bad := range []string{"admin host=attacker.example port=6543", "a b", "x'y", "1abc",
		strings.Repeat("r", 64)} {
		if _, err := open(bad); err == nil || !strings.Contains(err.Error(), "not a role name") {
			t.Errorf("role %q: %v, want refused", bad, err)
		}
	}
	cfg, err := open("qex_writer")
	if err != nil {
		t.Fatal(err)
	}
	if cc := cfg.ConnConfig; cc.User != "qex_writer" || cc.Host != testEndpoint ||
		cc.Database != "postgres" {
		t.Fatalf("user %q, host %q, database %q", cc.User, cc.Host, cc.Database)
	}
}
