package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net/url"
	"time"

	"github.com/quantedge/qex/store"
	"github.com/quantedge/qex/store/dynamo"
	"github.com/quantedge/qex/store/memory"
)

// Bid store kinds.
const (
	bidsMemory   = "memory"
	bidsDynamoDB = "dynamodb"
)

// bidOptions say where bids go.
type bidOptions struct {
	kind        string
	table       string
	endpoint    string
	createTable bool
}

func addBidFlags(fs *flag.FlagSet, b *bidOptions) {
	b.kind = bidsMemory
	fs.StringVar(&b.kind, "bids", b.kind, "where bids go: memory or dynamodb")
	fs.StringVar(&b.table, "ddb-table", dynamo.DefaultTable, "DynamoDB bid table")
	fs.StringVar(&b.endpoint, "ddb-endpoint", "", "DynamoDB endpoint `url`, e.g. a local "+
		"dynalite (default: AWS's; region and credentials from the standard AWS settings)")
	fs.BoolVar(&b.createTable, "ddb-create-table", false,
		"create the bid table (on-demand billing, with TTL) if it is missing")
}

func (b *bidOptions) check() error {
	switch b.kind {
	case bidsMemory:
		if b.endpoint != "" || b.createTable {
			return errors.New("--ddb-endpoint and --ddb-create-table need --bids dynamodb")
		}
	case bidsDynamoDB:
		if b.table == "" {
			return errors.New("--ddb-table must not be empty")
		}
		if b.endpoint != "" {
			if u, err := url.Parse(b.endpoint); err != nil || u.Host == "" ||
				(u.Scheme != "http" && u.Scheme != "https") {
				return errors.New("--ddb-endpoint: want a URL like http://127.0.0.1:8000")
			}
		}
	default:
		return fmt.Errorf("--bids %q: want memory or dynamodb", b.kind)
	}
	return nil
}

// openBids builds the bid store the options ask for and says what it is.
func openBids(ctx context.Context, b bidOptions, ttl time.Duration, log *slog.Logger) (
	store.BidStore, string, error) {
	if b.kind == bidsMemory {
		return memory.NewBidStore(memory.BidOptions{TTL: ttl}), "memory", nil
	}
	client, err := dynamo.NewClient(ctx, dynamo.ClientOptions{Endpoint: b.endpoint, Logger: log})
	if err != nil {
		return nil, "", err
	}
	if err := dynamo.EnsureTable(ctx, client, b.table, b.createTable, log); err != nil {
		return nil, "", err
	}
	where := "dynamodb " + b.table
	if b.endpoint != "" {
		u, _ := url.Parse(b.endpoint) // checked
		where += " at " + u.Redacted()
	}
	return dynamo.New(client, dynamo.Options{Table: b.table, TTL: ttl, Logger: log}), where, nil
}
