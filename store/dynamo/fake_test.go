package dynamo

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"

	"github.com/quantedge/qex/schema"
	"github.com/quantedge/qex/store"
)

// fakeDynamo stands in for DynamoDB where dynalite cannot: it leaves items
// unprocessed and throttles as a script says, and stores what it accepts.
type fakeDynamo struct {
	API // unused methods panic

	mu       sync.Mutex
	script   []func(in []types.WriteRequest) ([]types.WriteRequest, error)
	calls    int
	accepted map[string]map[string]types.AttributeValue // by PK+SK
}

func (f *fakeDynamo) BatchWriteItem(_ context.Context, in *dynamodb.BatchWriteItemInput,
	_ ...func(*dynamodb.Options)) (*dynamodb.BatchWriteItemOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	reqs := in.RequestItems["bids"]
	if len(reqs) > MaxBatchItems {
		return nil, fmt.Errorf("a batch of %d items", len(reqs))
	}
	left, err := reqs, error(nil)
	if f.calls < len(f.script) {
		left, err = f.script[f.calls](reqs)
	} else {
		left = nil
	}
	f.calls++
	if err != nil {
		return nil, err
	}
	kept := map[string]bool{}
	for _, r := range left {
		kept[key(r.PutRequest.Item)] = true
	}
	for _, r := range reqs {
		if !kept[key(r.PutRequest.Item)] {
			f.accepted[key(r.PutRequest.Item)] = r.PutRequest.Item
		}
	}
	out := &dynamodb.BatchWriteItemOutput{}
	if len(left) > 0 {
		out.UnprocessedItems = map[string][]types.WriteRequest{"bids": left}
	}
	return out, nil
}

func (f *fakeDynamo) Query(_ context.Context, in *dynamodb.QueryInput,
	_ ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	pk := in.ExpressionAttributeValues[":pk"].(*types.AttributeValueMemberS).Value
	out := &dynamodb.QueryOutput{}
	for _, it := range f.accepted { // the fake ignores the filter: the store must not rely on it
		if it[schema.BidPartitionKey].(*types.AttributeValueMemberS).Value == pk {
			out.Items = append(out.Items, it)
		}
	}
	return out, nil
}

func key(it map[string]types.AttributeValue) string {
	return it[schema.BidPartitionKey].(*types.AttributeValueMemberS).Value + "|" +
		it[schema.BidSortKey].(*types.AttributeValueMemberS).Value
}

// leave returns a script step leaving the last n items unprocessed.
func leave(n int) func([]types.WriteRequest) ([]types.WriteRequest, error) {
	return func(in []types.WriteRequest) ([]types.WriteRequest, error) {
		return in[len(in)-min(n, len(in)):], nil
	}
}

func throttle([]types.WriteRequest) ([]types.WriteRequest, error) {
	return nil, &smithy.GenericAPIError{Code: "ProvisionedThroughputExceededException",
		Message: "slow down"}
}

type sleeps struct {
	mu   sync.Mutex
	took []time.Duration
}

func (s *sleeps) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.took = append(s.took, d)
	s.mu.Unlock()
	return ctx.Err()
}

func newFake(script ...func([]types.WriteRequest) ([]types.WriteRequest, error)) *fakeDynamo {
	return &fakeDynamo{script: script, accepted: map[string]map[string]types.AttributeValue{}}
}

// TestUnprocessedItemsAreResent: partial answers and throttling are resent, with
// a jittered wait before each try, until every item is in.
func TestUnprocessedItemsAreResent(t *testing.T) {
	fake := newFake(leave(10), throttle, leave(3), leave(1))
	var waits sleeps
	s := New(fake, Options{Table: "bids", Sleep: waits.sleep})
	bids := testBids([]string{"s"}, 6)[:MaxBatchItems]
	if err := s.PutBids(context.Background(), bids); err != nil {
		t.Fatal(err)
	}
	if len(fake.accepted) != MaxBatchItems || fake.calls != 5 {
		t.Fatalf("%d items accepted in %d calls, want %d in 5", len(fake.accepted), fake.calls,
			MaxBatchItems)
	}
	st := s.Stats()
	if st.UnprocessedResent != 10+3+1 || st.Throttled != 1 {
		t.Fatalf("stats %+v, want 14 resent and 1 throttled", st)
	}
	if len(waits.took) != 4 {
		t.Fatalf("%d waits, want one before each of 4 resends", len(waits.took))
	}
	for i, d := range waits.took {
		if ceiling := min(resendBackoff.Cap, resendBackoff.Base<<i); d < 0 || d >= ceiling {
			t.Errorf("wait %d: %s, outside [0, %s)", i, d, ceiling)
		}
	}
}

// TestResendStopsWithTheContext: a table that never takes the items makes
// PutBids fail once the context ends, saying how many were left; nothing is
// reported written that was not.
func TestResendStopsWithTheContext(t *testing.T) {
	always := make([]func([]types.WriteRequest) ([]types.WriteRequest, error), 1000)
	for i := range always {
		always[i] = leave(2)
	}
	fake := newFake(always...)
	ctx, cancel := context.WithCancel(context.Background())
	calls := 0
	s := New(fake, Options{Table: "bids", Sleep: func(ctx context.Context, _ time.Duration) error {
		if calls++; calls == 5 {
			cancel()
		}
		return ctx.Err()
	}})
	err := s.PutBids(ctx, testBids([]string{"s"}, 1))
	if !errors.Is(err, context.Canceled) || !containsAll(err.Error(), "2 bids still unwritten") {
		t.Fatalf("PutBids = %v", err)
	}
	if len(fake.accepted) != 2 {
		t.Fatalf("%d accepted, want the 2 DynamoDB took", len(fake.accepted))
	}
}

func TestOtherErrorsAreNotRetried(t *testing.T) {
	fake := newFake(func([]types.WriteRequest) ([]types.WriteRequest, error) {
		return nil, &smithy.GenericAPIError{Code: "ValidationException", Message: "bad"}
	})
	s := New(fake, Options{Table: "bids", Sleep: func(context.Context, time.Duration) error {
		t.Fatal("slept before a retry that should not happen")
		return nil
	}})
	if err := s.PutBids(context.Background(), testBids([]string{"s"}, 1)); err == nil {
		t.Fatal("a validation error was swallowed")
	}
}

// TestBatchesSplitAndDeduplicate: more than 25 bids go in several batches, and a
// bid given twice in one call is sent once (DynamoDB refuses duplicate keys).
func TestBatchesSplitAndDeduplicate(t *testing.T) {
	fake := newFake()
	s := New(fake, Options{Table: "bids", Writers: 2})
	bids := testBids([]string{"a", "b"}, 10) // 80 bids
	twice := append(append([]store.Bid{}, bids...), bids[:30]...)
	if err := s.PutBids(context.Background(), twice); err != nil {
		t.Fatal(err)
	}
	if len(fake.accepted) != 80 || fake.calls != 4 {
		t.Fatalf("%d items in %d calls, want 80 in 4", len(fake.accepted), fake.calls)
	}
}

// TestExpiredItemInvisible: the fake returns expired items as DynamoDB would
// before its sweep; the store must drop them itself.
func TestExpiredItemInvisible(t *testing.T) {
	fake := newFake()
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	writer := New(fake, Options{Table: "bids", TTL: time.Minute,
		Now: func() time.Time { return now.Add(-2 * time.Minute) }})
	if err := writer.PutBids(context.Background(), testBids([]string{"s"}, 1)[:1]); err != nil {
		t.Fatal(err)
	}
	fresh := testBids([]string{"s"}, 2)[1:2]
	reader := New(fake, Options{Table: "bids", Now: func() time.Time { return now }})
	if err := reader.PutBids(context.Background(), fresh); err != nil {
		t.Fatal(err)
	}
	got, err := reader.SlotBids(context.Background(), "s")
	if err != nil {
		t.Fatal(err)
	}
	if len(fake.accepted) != 2 || len(got) != 1 || got[0].ID != fresh[0].ID {
		t.Fatalf("stored %d; read %v, want only %s", len(fake.accepted), ids(got), fresh[0].ID)
	}
}

func TestBadKeys(t *testing.T) {
	s := New(newFake(), Options{Table: "bids"})
	bad := testBids([]string{"s"}, 1)[:1]
	bad[0].Region = "us#east"
	if err := s.PutBids(context.Background(), bad); err == nil || !containsAll(err.Error(), "#") {
		t.Fatalf("a region with the key separator: %v", err)
	}
}

func containsAll(s string, parts ...string) bool {
	for _, p := range parts {
		if !strings.Contains(s, p) {
			return false
		}
	}
	return true
}
