package dynamo

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"
	"golang.org/x/sync/errgroup"

	"github.com/quantedge/qex/store"
)

// PutBids writes the batch in BatchWriteItem calls of up to 25 items, several in
// flight, and returns once DynamoDB has accepted every item: what it leaves
// unprocessed, or refuses for throttling, is sent again after a jittered wait
// until nothing is left or ctx ends. A bid given twice is written once.
func (s *BidStore) PutBids(ctx context.Context, bids []store.Bid) error {
	reqs, err := s.writeRequests(bids)
	if err != nil {
		return err
	}
	if len(reqs) <= MaxBatchItems {
		return s.writeBatch(ctx, reqs)
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(s.opts.Writers)
	for start := 0; start < len(reqs); start += MaxBatchItems {
		chunk := reqs[start:min(start+MaxBatchItems, len(reqs))]
		g.Go(func() error { return s.writeBatch(gctx, chunk) })
	}
	return g.Wait()
}

// writeRequests turns bids into put requests, one per item key: DynamoDB refuses
// a batch that names one key twice, so a later copy of a bid replaces an earlier.
func (s *BidStore) writeRequests(bids []store.Bid) ([]types.WriteRequest, error) {
	ttl := s.opts.Now().Add(s.opts.TTL).Unix()
	type key struct{ slot, region, id string }
	at := make(map[key]int, len(bids))
	reqs := make([]types.WriteRequest, 0, len(bids))
	for _, b := range bids {
		it, err := item(b, ttl)
		if err != nil {
			return nil, err
		}
		req := types.WriteRequest{PutRequest: &types.PutRequest{Item: it}}
		k := key{b.SlotID, b.Region, b.ID}
		if i, dup := at[k]; dup {
			reqs[i] = req
			continue
		}
		at[k] = len(reqs)
		reqs = append(reqs, req)
	}
	return reqs, nil
}

// writeBatch sends one batch until DynamoDB has taken all of it.
func (s *BidStore) writeBatch(ctx context.Context, pending []types.WriteRequest) error {
	for attempt := 0; ; attempt++ {
		out, err := s.api.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{
			RequestItems: map[string][]types.WriteRequest{s.opts.Table: pending}})
		switch {
		case err == nil:
			pending = out.UnprocessedItems[s.opts.Table]
			if len(pending) == 0 {
				return nil
			}
			s.unprocessed.Add(uint64(len(pending)))
		case throttled(err):
			s.throttled.Add(1)
		default:
			return fmt.Errorf("writing %d bids to table %s: %w", len(pending), s.opts.Table, err)
		}
		wait := resendBackoff.Delay(attempt)
		s.log.Debug("resending bids", "items", len(pending), "attempt", attempt+1, "wait", wait,
			"throttled", err != nil)
		if err := s.opts.Sleep(ctx, wait); err != nil {
			return fmt.Errorf("%d bids still unwritten to table %s: %w", len(pending),
				s.opts.Table, err)
		}
	}
}

// throttled reports whether DynamoDB refused a call for capacity.
func throttled(err error) bool {
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) {
		return false
	}
	switch apiErr.ErrorCode() {
	case "ProvisionedThroughputExceededException", "ThrottlingException",
		"RequestLimitExceeded":
		return true
	}
	return false
}
