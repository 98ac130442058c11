// Package dynamo is the bid store on Amazon DynamoDB, or any endpoint that speaks
// its API, with the single-table design of the schema package: a slot's bids
// share a partition, keyed by region and bid id, each with a TTL.
//
// Writes go in BatchWriteItem calls of up to 25 items, several in flight; items
// DynamoDB leaves unprocessed are sent again with jittered backoff until none are
// left. Reads are one Query of the slot's partition, all pages, strongly
// consistent, and ignore items past their TTL, since DynamoDB deletes lazily.
package dynamo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/quantedge/qex/internal/pause"
	"github.com/quantedge/qex/internal/retry"
	"github.com/quantedge/qex/money"
	"github.com/quantedge/qex/schema"
	"github.com/quantedge/qex/store"
)

// API is the part of the DynamoDB client the store uses; tests put a fake in.
type API interface {
	BatchWriteItem(ctx context.Context, in *dynamodb.BatchWriteItemInput,
		opts ...func(*dynamodb.Options)) (*dynamodb.BatchWriteItemOutput, error)
	Query(ctx context.Context, in *dynamodb.QueryInput,
		opts ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error)
	DescribeTable(ctx context.Context, in *dynamodb.DescribeTableInput,
		opts ...func(*dynamodb.Options)) (*dynamodb.DescribeTableOutput, error)
	CreateTable(ctx context.Context, in *dynamodb.CreateTableInput,
		opts ...func(*dynamodb.Options)) (*dynamodb.CreateTableOutput, error)
	UpdateTimeToLive(ctx context.Context, in *dynamodb.UpdateTimeToLiveInput,
		opts ...func(*dynamodb.Options)) (*dynamodb.UpdateTimeToLiveOutput, error)
	DescribeTimeToLive(ctx context.Context, in *dynamodb.DescribeTimeToLiveInput,
		opts ...func(*dynamodb.Options)) (*dynamodb.DescribeTimeToLiveOutput, error)
}

// Store defaults and limits.
const (
	DefaultTable   = "qex-bids"
	DefaultTTL     = 10 * time.Minute
	DefaultWriters = 4
	// MaxBatchItems is BatchWriteItem's limit.
	MaxBatchItems = 25
)

// resendBackoff is the wait before items DynamoDB left unprocessed, or a call it
// throttled, are sent again.
var resendBackoff = retry.Backoff{Base: 25 * time.Millisecond, Cap: 2 * time.Second}

// Item attributes besides the keys and the TTL.
const (
	attrSlot       = "slot_id"
	attrBid        = "bid_id"
	attrRegion     = "region"
	attrAdvertiser = "advertiser"
	attrPrice      = "price_micros"
	attrArrival    = "arrival_ns"
	keySeparator   = "#"
)

// Options configures a BidStore. Zero values take the defaults.
type Options struct {
	Table string
	// TTL is how long a bid lives after it is written.
	TTL time.Duration
	// Writers bounds the BatchWriteItem calls one PutBids has in flight.
	Writers int
	// QueryPageLimit, when set, caps the items per Query page.
	QueryPageLimit int32
	// Now is the clock; Sleep waits before a resend. Tests replace both.
	Now   func() time.Time
	Sleep func(ctx context.Context, d time.Duration) error
	// Logger receives resends and throttling; nil discards them.
	Logger *slog.Logger
}

// BidStore is the bid store on DynamoDB.
type BidStore struct {
	api  API
	opts Options
	log  *slog.Logger

	unprocessed atomic.Uint64 // items sent again after DynamoDB left them
	throttled   atomic.Uint64 // calls DynamoDB throttled
}

// New returns a store on the table, which must exist (see EnsureTable).
func New(api API, opts Options) *BidStore {
	if opts.Table == "" {
		opts.Table = DefaultTable
	}
	if opts.TTL <= 0 {
		opts.TTL = DefaultTTL
	}
	if opts.Writers <= 0 {
		opts.Writers = DefaultWriters
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Sleep == nil {
		opts.Sleep = pause.For
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return &BidStore{api: api, opts: opts, log: log}
}

// Stats reports how often DynamoDB pushed back.
func (s *BidStore) Stats() store.BidStats {
	return store.BidStats{Backend: "dynamodb", UnprocessedResent: s.unprocessed.Load(),
		Throttled: s.throttled.Load()}
}

// Close does nothing: the client holds no resources of the store's.
func (s *BidStore) Close() error { return nil }

func partitionKey(slotID string) string { return "SLOT" + keySeparator + slotID }

func sortKey(region, bidID string) string {
	return "REGION" + keySeparator + region + keySeparator + "BID" + keySeparator + bidID
}

// item is a bid as DynamoDB stores it.
func item(b store.Bid, ttl int64) (map[string]types.AttributeValue, error) {
	if strings.Contains(b.Region, keySeparator) || strings.Contains(b.ID, keySeparator) {
		return nil, fmt.Errorf("bid %q of region %q: %q separates the parts of an item's key "+
			"and cannot be in a region or bid id", b.ID, b.Region, keySeparator)
	}
	n := func(v int64) types.AttributeValue {
		return &types.AttributeValueMemberN{Value: strconv.FormatInt(v, 10)}
	}
	str := func(v string) types.AttributeValue { return &types.AttributeValueMemberS{Value: v} }
	return map[string]types.AttributeValue{
		schema.BidPartitionKey: str(partitionKey(b.SlotID)),
		schema.BidSortKey:      str(sortKey(b.Region, b.ID)),
		attrSlot:               str(b.SlotID),
		attrBid:                str(b.ID),
		attrRegion:             str(b.Region),
		attrAdvertiser:         str(b.Advertiser),
		attrPrice:              n(int64(b.Price)),
		attrArrival:            n(b.Arrival.UnixNano()),
		schema.BidTTLAttribute: n(ttl),
	}, nil
}

var errBadItem = errors.New("malformed bid item")

// bid reads an item back, or says which attribute is wrong.
func bid(it map[string]types.AttributeValue) (store.Bid, int64, error) {
	str := func(name string) (string, error) {
		if v, ok := it[name].(*types.AttributeValueMemberS); ok {
			return v.Value, nil
		}
		return "", fmt.Errorf("%w: attribute %s", errBadItem, name)
	}
	num := func(name string) (int64, error) {
		if v, ok := it[name].(*types.AttributeValueMemberN); ok {
			return strconv.ParseInt(v.Value, 10, 64)
		}
		return 0, fmt.Errorf("%w: attribute %s", errBadItem, name)
	}
	var b store.Bid
	var price, arrival, ttl int64
	var errs []error
	for _, f := range []struct {
		s    *string
		n    *int64
		name string
	}{
		{s: &b.SlotID, name: attrSlot}, {s: &b.ID, name: attrBid}, {s: &b.Region, name: attrRegion},
		{s: &b.Advertiser, name: attrAdvertiser}, {n: &price, name: attrPrice},
		{n: &arrival, name: attrArrival}, {n: &ttl, name: schema.BidTTLAttribute},
	} {
		var err error
		if f.s != nil {
			*f.s, err = str(f.name)
		} else {
			*f.n, err = num(f.name)
		}
		errs = append(errs, err)
	}
	if err := errors.Join(errs...); err != nil {
		return store.Bid{}, 0, err
	}
	b.Price, b.Arrival = money.Micros(price), time.Unix(0, arrival).UTC()
	return b, ttl, nil
}
