package dynamo

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"

	"github.com/quantedge/qex/schema"
)

// Waiting for a new table: polls from tableMinPoll, backing off to tableMaxPoll,
// for at most tableActiveWait. (The SDK waiter's own first poll is after 20 s.)
const (
	tableActiveWait = 5 * time.Minute
	tableMinPoll    = 100 * time.Millisecond
	tableMaxPoll    = 5 * time.Second
)

// ErrNoTable: the bid table does not exist and was not to be created.
var ErrNoTable = errors.New("dynamo: no bid table")

// EnsureTable checks the bid table exists and waits until it is ACTIVE (it may
// be another process's new table). With create, a missing table is created
// (on-demand billing), and the table's TTL is turned on if it is off, as when
// the process that created it stopped before doing so; without, a missing
// table is an error naming it.
func EnsureTable(ctx context.Context, api API, table string, create bool, log *slog.Logger) error {
	out, err := api.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(table)})
	var missing *types.ResourceNotFoundException
	switch {
	case err == nil:
		if !create && out.Table != nil && out.Table.TableStatus == types.TableStatusActive {
			return nil
		}
	case !errors.As(err, &missing):
		return fmt.Errorf("looking up bid table %s: %w", table, err)
	case !create:
		return fmt.Errorf("%w: table %s does not exist (create it with --ddb-create-table)",
			ErrNoTable, table)
	default:
		if _, err := api.CreateTable(ctx, schema.BidTable(table)); err != nil {
			var inUse *types.ResourceInUseException
			if !errors.As(err, &inUse) { // another process creating it is fine
				return fmt.Errorf("creating bid table %s: %w", table, err)
			}
		}
	}
	waiter := dynamodb.NewTableExistsWaiter(api, func(o *dynamodb.TableExistsWaiterOptions) {
		o.MinDelay, o.MaxDelay = tableMinPoll, tableMaxPoll
	})
	if err := waiter.Wait(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(table)},
		tableActiveWait); err != nil {
		return fmt.Errorf("waiting for bid table %s to become ACTIVE: %w", table, err)
	}
	if !create {
		return nil
	}
	return ensureTTL(ctx, api, table, log)
}

// ensureTTL turns on the table's TTL unless it is on or turning on already (as
// when another process created the table). An endpoint without TTL (dynalite
// has none) is told in the log: reads skip expired bids regardless.
func ensureTTL(ctx context.Context, api API, table string, log *slog.Logger) error {
	out, err := api.DescribeTimeToLive(ctx, &dynamodb.DescribeTimeToLiveInput{
		TableName: aws.String(table)})
	if err == nil {
		if d := out.TimeToLiveDescription; d != nil &&
			(d.TimeToLiveStatus == types.TimeToLiveStatusEnabled ||
				d.TimeToLiveStatus == types.TimeToLiveStatusEnabling) {
			return nil
		}
		_, err = api.UpdateTimeToLive(ctx, schema.BidTableTTL(table))
	}
	switch {
	case unsupported(err):
		if log != nil {
			log.Warn("the DynamoDB endpoint has no TTL: expired bids stay in the table, "+
				"though reads skip them", "table", table)
		}
		return nil
	case err != nil:
		return fmt.Errorf("turning on TTL for bid table %s: %w", table, err)
	}
	return nil
}

// unsupported reports an endpoint that does not know the operation.
func unsupported(err error) bool {
	var apiErr smithy.APIError
	return errors.As(err, &apiErr) && apiErr.ErrorCode() == "UnknownOperationException"
}
