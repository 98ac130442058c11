package schema

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// The bid table's single-table design: a slot's bids share a partition,
// PK = SLOT#<slot id>, sorted by SK = REGION#<region>#BID#<bid id>, and each
// carries a TTL attribute in epoch seconds.
const (
	BidPartitionKey = "PK"
	BidSortKey      = "SK"
	BidTTLAttribute = "ttl"
)

// BidTable is the definition of the bid table: the two string keys and
// on-demand billing, so that no capacity has to be planned for a demo.
func BidTable(name string) *dynamodb.CreateTableInput {
	return &dynamodb.CreateTableInput{
		TableName: aws.String(name),
		AttributeDefinitions: []types.AttributeDefinition{
			{AttributeName: aws.String(BidPartitionKey), AttributeType: types.ScalarAttributeTypeS},
			{AttributeName: aws.String(BidSortKey), AttributeType: types.ScalarAttributeTypeS},
		},
		KeySchema: []types.KeySchemaElement{
			{AttributeName: aws.String(BidPartitionKey), KeyType: types.KeyTypeHash},
			{AttributeName: aws.String(BidSortKey), KeyType: types.KeyTypeRange},
		},
		BillingMode: types.BillingModePayPerRequest,
	}
}

// BidTableTTL turns on expiry by the TTL attribute.
func BidTableTTL(name string) *dynamodb.UpdateTimeToLiveInput {
	return &dynamodb.UpdateTimeToLiveInput{
		TableName: aws.String(name),
		TimeToLiveSpecification: &types.TimeToLiveSpecification{
			AttributeName: aws.String(BidTTLAttribute),
			Enabled:       aws.Bool(true),
		},
	}
}
