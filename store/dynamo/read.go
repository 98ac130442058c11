package dynamo

import (
	"context"
	"fmt"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/quantedge/qex/schema"
	"github.com/quantedge/qex/store"
)

// SlotBids returns the slot's live bids: one Query of its partition, all pages,
// strongly consistent so that a bid just written is seen, skipping expired items
// both in DynamoDB (a filter) and here (the filter runs at DynamoDB's clock, the
// check at ours).
func (s *BidStore) SlotBids(ctx context.Context, slotID string) ([]store.Bid, error) {
	now := s.opts.Now().Unix()
	in := &dynamodb.QueryInput{
		TableName:              aws.String(s.opts.Table),
		KeyConditionExpression: aws.String("#pk = :pk"),
		FilterExpression:       aws.String("#ttl > :now"),
		ExpressionAttributeNames: map[string]string{
			"#pk": schema.BidPartitionKey, "#ttl": schema.BidTTLAttribute,
		},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":pk":  &types.AttributeValueMemberS{Value: partitionKey(slotID)},
			":now": &types.AttributeValueMemberN{Value: strconv.FormatInt(now, 10)},
		},
		ConsistentRead: aws.Bool(true),
	}
	if s.opts.QueryPageLimit > 0 {
		in.Limit = aws.Int32(s.opts.QueryPageLimit)
	}
	var out []store.Bid
	pages := dynamodb.NewQueryPaginator(s.api, in)
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("reading the bids of slot %s from table %s: %w", slotID,
				s.opts.Table, err)
		}
		for _, it := range page.Items {
			b, ttl, err := bid(it)
			if err != nil {
				return nil, fmt.Errorf("slot %s in table %s: %w", slotID, s.opts.Table, err)
			}
			if ttl > now {
				out = append(out, b)
			}
		}
	}
	return out, nil
}
