package dynamo

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/feature/ec2/imds"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/smithy-go/logging"
)

// Client settings.
const (
	// clientAttempts is how often the SDK tries one call before the store's own
	// resend loop takes over.
	clientAttempts   = 3
	configTimeout    = 10 * time.Second
	defaultRegion    = "us-east-1"
	localAccessKeyID = "qex-local"
)

// ClientOptions say where DynamoDB is.
type ClientOptions struct {
	// Endpoint replaces DynamoDB's, like the AWS CLI's --endpoint-url: for a
	// compatible server such as dynalite.
	Endpoint string
	Logger   *slog.Logger
}

// NewClient makes a DynamoDB client from the standard AWS settings (AWS_REGION,
// AWS_PROFILE, the credential chain). Its retryer has no shared retry budget:
// many goroutines write through one client, and the SDK's default token bucket
// would let some exhaust the retries of all. For a custom endpoint with no
// credentials set, it signs with placeholder ones, as local servers accept.
func NewClient(ctx context.Context, o ClientOptions) (*dynamodb.Client, error) {
	ctx, cancel := context.WithTimeout(ctx, configTimeout)
	defer cancel()
	loaders := []func(*config.LoadOptions) error{config.WithLogger(logging.Nop{}),
		config.WithRetryer(func() aws.Retryer {
			return retry.NewStandard(func(s *retry.StandardOptions) {
				s.RateLimiter = ratelimit.None
				s.MaxAttempts = clientAttempts
			})
		})}
	if loopback(o.Endpoint) { // no instance metadata to ask on a developer's machine
		loaders = append(loaders, config.WithEC2IMDSClientEnableState(imds.ClientDisabled))
	}
	cfg, err := config.LoadDefaultConfig(ctx, loaders...)
	if err != nil {
		return nil, fmt.Errorf("loading AWS settings for DynamoDB: %w", err)
	}
	if cfg.Region == "" {
		if o.Endpoint == "" {
			return nil, fmt.Errorf("no AWS region for DynamoDB: set AWS_REGION")
		}
		cfg.Region = defaultRegion
	}
	if o.Endpoint != "" {
		if _, err := cfg.Credentials.Retrieve(ctx); err != nil {
			if o.Logger != nil {
				o.Logger.Info("no AWS credentials: signing requests to the local endpoint with "+
					"placeholder ones", "endpoint", o.Endpoint)
			}
			cfg.Credentials = credentials.NewStaticCredentialsProvider(localAccessKeyID,
				localAccessKeyID, "")
		}
	}
	return dynamodb.NewFromConfig(cfg, func(opts *dynamodb.Options) {
		if o.Endpoint != "" {
			opts.BaseEndpoint = aws.String(o.Endpoint)
		}
	}), nil
}

// loopback reports whether an endpoint URL names this machine.
func loopback(endpoint string) bool {
	u, err := url.Parse(endpoint)
	if err != nil || u.Hostname() == "" {
		return false
	}
	if u.Hostname() == "localhost" {
		return true
	}
	ip := net.ParseIP(u.Hostname())
	return ip != nil && ip.IsLoopback()
}
