package dynamo

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/quantedge/qex/store"
)

// benchWriters is how many goroutines write at once in both ways of ingesting.
const benchWriters = 8

// BenchmarkDynaliteIngest writes b.N bids into a local dynalite twice, the same
// number of writers each time: in BatchWriteItem calls of 25 as the store does,
// then with one PutItem per bid. It reports the bids/s of each and their ratio.
func BenchmarkDynaliteIngest(b *testing.B) {
	client := localBench(b)
	ctx := context.Background()
	if err := EnsureTable(ctx, client, "bids", true, nil); err != nil {
		b.Fatal(err)
	}
	s := New(client, Options{Table: "bids"})
	batched := benchBids(b.N, "batch")
	single := benchBids(b.N, "single")

	b.ResetTimer()
	start := time.Now()
	parallel(b, len(batched), MaxBatchItems, func(from, to int) error {
		return s.PutBids(ctx, batched[from:to])
	})
	batchRate := float64(len(batched)) / time.Since(start).Seconds()

	start = time.Now()
	parallel(b, len(single), 1, func(from, _ int) error {
		it, err := item(single[from], time.Now().Add(time.Hour).Unix())
		if err != nil {
			return err
		}
		_, err = client.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("bids"), Item: it})
		return err
	})
	singleRate := float64(len(single)) / time.Since(start).Seconds()
	b.StopTimer()
	b.ReportMetric(batchRate, "batched-bids/s")
	b.ReportMetric(singleRate, "putitem-bids/s")
	b.ReportMetric(batchRate/singleRate, "ratio")
}

// parallel hands [0, n) out in chunks to benchWriters goroutines.
func parallel(b *testing.B, n, chunk int, write func(from, to int) error) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range benchWriters {
		wg.Go(func() {
			for {
				from := int(next.Add(int64(chunk))) - chunk
				if from >= n {
					return
				}
				if err := write(from, min(from+chunk, n)); err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
}

// benchBids spreads n bids over slots of 100 bids, as a busy exchange would.
func benchBids(n int, prefix string) []store.Bid {
	out := make([]store.Bid, n)
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range out {
		out[i] = store.Bid{ID: fmt.Sprintf("%s-%d", prefix, i), SlotID: fmt.Sprintf("%s-slot-%d",
			prefix, i/100), Region: regions[i%len(regions)], Advertiser: "adv-1",
			Price: 1_000_000, Arrival: at}
	}
	return out
}
