package pg

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dsql/auth"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// DSQL connection settings.
const (
	dsqlPort     = 5432
	dsqlDatabase = "postgres"
	// AdminRole is the role a cluster is created with; its tokens use the
	// DbConnectAdmin action.
	AdminRole = "admin"
	// DefaultTokenExpiry is how long a token stays valid. It only has to outlive
	// the connection handshake: every new connection gets a fresh one.
	DefaultTokenExpiry = 15 * time.Minute
)

// DSQLOptions says how to reach an Aurora DSQL cluster.
type DSQLOptions struct {
	// Endpoint is the cluster's host name, e.g. abc123.dsql.us-east-1.on.aws.
	Endpoint string
	// Port is the cluster's port; zero means 5432.
	Port uint16
	// Region signs the tokens when the endpoint's name does not say which
	// region the cluster is in (a cluster's own name always does).
	Region string
	// Role is the database role to connect as: admin, or a custom role mapped
	// to an IAM identity.
	Role string
	// Credentials sign the tokens (the standard AWS chain in the command).
	Credentials aws.CredentialsProvider
	// TokenExpiry is a token's lifetime; zero means DefaultTokenExpiry.
	TokenExpiry time.Duration
}

func (o DSQLOptions) role() string {
	if o.Role == "" {
		return AdminRole
	}
	return o.Role
}

// region returns the signing region: the one in the endpoint's name, else the
// options'.
func (o DSQLOptions) region() (string, error) {
	labels := strings.Split(o.Endpoint, ".")
	for i, label := range labels {
		if label == "dsql" && i+2 < len(labels) {
			return labels[i+1], nil
		}
	}
	if o.Region != "" {
		return o.Region, nil
	}
	return "", fmt.Errorf("cannot tell the region of DSQL endpoint %q: set AWS_REGION", o.Endpoint)
}

// Token makes a fresh IAM authentication token: the password of one new
// connection. Never print or log it.
func (o DSQLOptions) Token(ctx context.Context) (string, error) {
	region, err := o.region()
	if err != nil {
		return "", err
	}
	if o.Credentials == nil {
		return "", errors.New("no AWS credentials to sign a DSQL token with")
	}
	expiry := o.TokenExpiry
	if expiry <= 0 {
		expiry = DefaultTokenExpiry
	}
	withExpiry := func(t *auth.TokenOptions) { t.ExpiresIn = expiry }
	var token string
	if o.role() == AdminRole {
		token, err = auth.GenerateDBConnectAdminAuthToken(ctx, o.Endpoint, region, o.Credentials,
			withExpiry)
	} else {
		token, err = auth.GenerateDbConnectAuthToken(ctx, o.Endpoint, region, o.Credentials,
			withExpiry)
	}
	if err != nil {
		return "", fmt.Errorf("generating a DSQL token for role %s: %w", o.role(), err)
	}
	return token, nil
}

// hostName is what a DSQL endpoint may be: letters, digits, dots and hyphens.
var hostName = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$`)

// roleName is what a database role may be: an unquoted SQL identifier.
var roleName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_$]{0,62}$`)

// dsqlConfig is a pool that authenticates every new connection with a fresh token,
// verifies the server's certificate, and describes each statement before running
// it (cached prepared statements break when DSQL's schema changes).
func (l *Ledger) dsqlConfig(ctx context.Context, o DSQLOptions) (*pgxpool.Config, error) {
	if !hostName.MatchString(o.Endpoint) {
		return nil, fmt.Errorf("DSQL endpoint %q is not a host name like "+
			"abc123.dsql.us-east-1.on.aws", o.Endpoint)
	}
	if !roleName.MatchString(o.role()) {
		return nil, fmt.Errorf("DSQL role %q is not a role name like admin or app_writer",
			o.role())
	}
	if _, err := o.region(); err != nil {
		return nil, err
	}
	port := o.Port
	if port == 0 {
		port = dsqlPort
	}
	conn := fmt.Sprintf("host=%s port=%d dbname=%s sslmode=verify-full",
		o.Endpoint, port, dsqlDatabase)
	cfg, err := pgxpool.ParseConfig(conn)
	if err != nil {
		return nil, fmt.Errorf("DSQL endpoint %q: %w", o.Endpoint, err)
	}
	cfg.ConnConfig.User = o.role() // set, not parsed: nothing in it can reach the host
	cfg.ConnConfig.DefaultQueryExecMode = pgx.QueryExecModeDescribeExec
	cfg.BeforeConnect = func(ctx context.Context, cc *pgx.ConnConfig) error {
		token, err := o.Token(ctx)
		if err != nil {
			return err
		}
		cc.Password = token
		return nil
	}
	return cfg, nil
}
