package dynamo

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/quantedge/qex/money"
	"github.com/quantedge/qex/store"
	"github.com/quantedge/qex/store/dynamo/dynalitetest"
)

// local gives a test a client of its own dynalite, with placeholder credentials.
func local(t *testing.T) *dynamodb.Client { return localBench(t) }

func localBench(t testing.TB) *dynamodb.Client {
	t.Helper()
	t.Setenv("AWS_ACCESS_KEY_ID", "qex-test")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "qex-test")
	t.Setenv("AWS_REGION", "us-east-1")
	client, err := NewClient(context.Background(), ClientOptions{Endpoint: dynalitetest.Start(t)})
	if err != nil {
		t.Fatal(err)
	}
	return client
}

var regions = []string{"us-east-1", "eu-west-1", "ap-southeast-1", "sa-east-1"}

// testBids makes n bids per region for each slot.
func testBids(slots []string, n int) []store.Bid {
	var out []store.Bid
	arrival := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, slot := range slots {
		for _, r := range regions {
			for i := range n {
				out = append(out, store.Bid{ID: fmt.Sprintf("%s-%s-%d", slot, r[:2], i),
					SlotID: slot, Region: r, Advertiser: fmt.Sprintf("adv-%d", i%7),
					Price: money.Micros(1_000_000 + i*10_000), Arrival: arrival.Add(time.Duration(i))})
			}
		}
	}
	return out
}

func ids(bids []store.Bid) []string {
	out := make([]string, len(bids))
	for i, b := range bids {
		out[i] = b.Region + "/" + b.ID
	}
	sort.Strings(out)
	return out
}

func TestEnsureTable(t *testing.T) {
	client := local(t)
	ctx := context.Background()
	err := EnsureTable(ctx, client, "missing", false, nil)
	if !errors.Is(err, ErrNoTable) || !strings.Contains(err.Error(), "missing") ||
		!strings.Contains(err.Error(), "--ddb-create-table") {
		t.Fatalf("a missing table without create: %v", err)
	}
	for range 2 {
		if err := EnsureTable(ctx, client, "bids", true, nil); err != nil {
			t.Fatal(err)
		}
	}
	out, err := client.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("bids")})
	if err != nil || out.Table.TableStatus != types.TableStatusActive {
		t.Fatalf("table after EnsureTable: %v, %v", out, err)
	}
}

// TestRoundTrip writes bids in batches of 25, and in one large call, with some
// written twice, then reads them back by slot, across many Query pages: every
// bid exactly once. The items follow the table's key design: a Query for one
// region of a slot, begins_with on the sort key, finds that region's bids.
func TestRoundTrip(t *testing.T) {
	client := local(t)
	ctx := context.Background()
	if err := EnsureTable(ctx, client, "bids", true, nil); err != nil {
		t.Fatal(err)
	}
	s := New(client, Options{Table: "bids", QueryPageLimit: 7, Writers: 3})
	slots := []string{"slot-a", "slot-b", "slot-c"}
	bids := testBids(slots, 30) // 120 bids a slot
	for start := 0; start < len(bids)/2; start += MaxBatchItems {
		if err := s.PutBids(ctx, bids[start:min(start+MaxBatchItems, len(bids)/2)]); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.PutBids(ctx, bids[len(bids)/2:]); err != nil { // split into 25s, 3 in flight
		t.Fatal(err)
	}
	if err := s.PutBids(ctx, append(bids[:10:10], bids[:10]...)); err != nil { // rewrites
		t.Fatal(err)
	}
	for _, slot := range slots {
		got, err := s.SlotBids(ctx, slot)
		if err != nil {
			t.Fatal(err)
		}
		want := filter(bids, func(b store.Bid) bool { return b.SlotID == slot })
		if fmt.Sprint(ids(got)) != fmt.Sprint(ids(want)) {
			t.Fatalf("slot %s: %d bids back, want %d once each", slot, len(got), len(want))
		}
		region, err := client.Query(ctx, &dynamodb.QueryInput{TableName: aws.String("bids"),
			KeyConditionExpression: aws.String("PK = :pk AND begins_with(SK, :region)"),
			ExpressionAttributeValues: map[string]types.AttributeValue{
				":pk":     &types.AttributeValueMemberS{Value: "SLOT#" + slot},
				":region": &types.AttributeValueMemberS{Value: "REGION#eu-west-1#"}}})
		if err != nil {
			t.Fatal(err)
		}
		var inRegion []store.Bid
		for _, it := range region.Items {
			b, _, err := bid(it)
			if err != nil {
				t.Fatal(err)
			}
			inRegion = append(inRegion, b)
		}
		wantRegion := filter(want, func(b store.Bid) bool { return b.Region == "eu-west-1" })
		if fmt.Sprint(ids(inRegion)) != fmt.Sprint(ids(wantRegion)) {
			t.Fatalf("slot %s, eu-west-1: %d bids, want %d", slot, len(inRegion), len(wantRegion))
		}
	}
	got, _ := s.SlotBids(ctx, "slot-a")
	for _, b := range got {
		if b.ID == bids[5].ID && (b.Price != bids[5].Price || !b.Arrival.Equal(bids[5].Arrival) ||
			b.Advertiser != bids[5].Advertiser) {
			t.Fatalf("read back %+v, wrote %+v", b, bids[5])
		}
	}
}

// TestExpiredBidsInvisible: dynalite never deletes by TTL, so expired items stay
// in the table, as in DynamoDB before its lazy sweep; reads must skip them.
func TestExpiredBidsInvisible(t *testing.T) {
	client := local(t)
	ctx := context.Background()
	if err := EnsureTable(ctx, client, "bids", true, nil); err != nil {
		t.Fatal(err)
	}
	past := New(client, Options{Table: "bids", TTL: time.Minute,
		Now: func() time.Time { return time.Now().Add(-time.Hour) }})
	fresh := New(client, Options{Table: "bids"})
	old, live := testBids([]string{"s"}, 2)[:4], testBids([]string{"s"}, 3)[6:9]
	if err := past.PutBids(ctx, old); err != nil {
		t.Fatal(err)
	}
	if err := fresh.PutBids(ctx, live); err != nil {
		t.Fatal(err)
	}
	raw, err := client.Query(ctx, &dynamodb.QueryInput{TableName: aws.String("bids"),
		KeyConditionExpression: aws.String("PK = :pk"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":pk": &types.AttributeValueMemberS{Value: "SLOT#s"}}})
	if err != nil {
		t.Fatal(err)
	}
	got, err := fresh.SlotBids(ctx, "s")
	if err != nil {
		t.Fatal(err)
	}
	if len(raw.Items) != 7 || fmt.Sprint(ids(got)) != fmt.Sprint(ids(live)) {
		t.Fatalf("table holds %d items; read %v, want only the live %v", len(raw.Items), ids(got),
			ids(live))
	}
}

func filter(bids []store.Bid, keep func(store.Bid) bool) []store.Bid {
	var out []store.Bid
	for _, b := range bids {
		if keep(b) {
			out = append(out, b)
		}
	}
	return out
}
