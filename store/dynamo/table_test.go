package dynamo

import (
	"context"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// tableInCreation is a table another process has just created: it reports
// CREATING for its first describes, then ACTIVE, with its TTL still off.
type tableInCreation struct {
	API // unused methods panic

	mu                  sync.Mutex
	creatingFor         int
	describes, ttlTurns int
}

func (f *tableInCreation) DescribeTable(context.Context, *dynamodb.DescribeTableInput,
	...func(*dynamodb.Options)) (*dynamodb.DescribeTableOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.describes++
	status := types.TableStatusActive
	if f.describes <= f.creatingFor {
		status = types.TableStatusCreating
	}
	return &dynamodb.DescribeTableOutput{Table: &types.TableDescription{TableStatus: status}}, nil
}

func (f *tableInCreation) DescribeTimeToLive(context.Context, *dynamodb.DescribeTimeToLiveInput,
	...func(*dynamodb.Options)) (*dynamodb.DescribeTimeToLiveOutput, error) {
	return &dynamodb.DescribeTimeToLiveOutput{TimeToLiveDescription: &types.TimeToLiveDescription{
		TimeToLiveStatus: types.TimeToLiveStatusDisabled}}, nil
}

func (f *tableInCreation) UpdateTimeToLive(context.Context, *dynamodb.UpdateTimeToLiveInput,
	...func(*dynamodb.Options)) (*dynamodb.UpdateTimeToLiveOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.ttlTurns++
	return &dynamodb.UpdateTimeToLiveOutput{}, nil
}

// TestEnsureTableWaitsForATableInCreation: a table that exists but is still
// CREATING is waited for, and with create its TTL is turned on; without
// create the table is left as it is.
func TestEnsureTableWaitsForATableInCreation(t *testing.T) {
	for _, create := range []bool{true, false} {
		api := &tableInCreation{creatingFor: 3}
		if err := EnsureTable(context.Background(), api, "bids", create, nil); err != nil {
			t.Fatal(err)
		}
		if api.describes <= api.creatingFor {
			t.Errorf("create %t: returned after %d describes, while the table was CREATING",
				create, api.describes)
		}
		if want := map[bool]int{true: 1, false: 0}[create]; api.ttlTurns != want {
			t.Errorf("create %t: TTL turned on %d times, want %d", create, api.ttlTurns, want)
		}
	}
}
