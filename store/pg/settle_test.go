package pg

import (
	"context"
	"errors"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/quantedge/qex/money"
	"github.com/quantedge/qex/store"
	"github.com/quantedge/qex/store/storetest"
)

// sendCounter counts what a connection sends: batches, and statements outside
// a batch, each a round trip of its own.
type sendCounter struct{ batches, statements int }

func (c *sendCounter) TraceQueryStart(ctx context.Context, _ *pgx.Conn,
	_ pgx.TraceQueryStartData) context.Context {
	c.statements++
	return ctx
}

func (c *sendCounter) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

func (c *sendCounter) TraceBatchStart(ctx context.Context, _ *pgx.Conn,
	_ pgx.TraceBatchStartData) context.Context {
	c.batches++
	return ctx
}

func (c *sendCounter) TraceBatchQuery(context.Context, *pgx.Conn, pgx.TraceBatchQueryData) {}
func (c *sendCounter) TraceBatchEnd(context.Context, *pgx.Conn, pgx.TraceBatchEndData)     {}

// TestAttemptIsOneBatch: an attempt sends one batch and nothing else, whether
// it decides the slot or finds it decided, unknown, or naming an unknown
// account, and still says which.
func TestAttemptIsOneBatch(t *testing.T) {
	for name, opts := range map[string]Options{
		"prepared":  {},
		"described": {DescribeStatements: true},
	} {
		t.Run(name, func(t *testing.T) {
			l := openWith(t, opts)
			storetest.Seed(t, l, 5*money.Dollar)
			storetest.CloseWon(t, l, "adv-1", 3*money.Dollar, "settled", "unsold")
			storetest.CloseWon(t, l, "adv-2", 3*money.Dollar, "fresh")
			storetest.CloseWon(t, l, "adv-9", money.Dollar, "ghost")
			for _, id := range []string{"settled", "unsold"} {
				if _, err := storetest.Settle(l, id); err != nil {
					t.Fatal(err)
				}
			}
			tests := []struct {
				slot string
				want error // nil: settled by this attempt
			}{
				{"settled", store.ErrAlreadySettled},
				{"unsold", store.ErrAlreadyUnsold},
				{"nope", store.ErrUnknownSlot},
				{"ghost", store.ErrUnknownAccount},
				{"fresh", nil},
			}
			for _, tt := range tests {
				var sent sendCounter
				cfg := l.pool.Config().ConnConfig.Copy()
				cfg.Tracer = &sent
				conn, err := pgx.ConnectConfig(context.Background(), cfg)
				if err != nil {
					t.Fatal(err)
				}
				res, err := l.attempt(context.Background(), conn, store.SettleRequest{
					Slot: store.Slot{ID: tt.slot}, RunID: "run-1", Attempt: 1, Racer: 1})
				_ = conn.Close(context.Background())
				switch {
				case tt.want == nil && (err != nil || res.Status != store.SlotSettled):
					t.Errorf("slot %s: %+v, %v; want settled", tt.slot, res, err)
				case tt.want != nil && !errors.Is(err, tt.want):
					t.Errorf("slot %s: %v; want %v", tt.slot, err, tt.want)
				}
				if sent.batches != 1 || sent.statements != 0 {
					t.Errorf("slot %s: %d batches and %d statements besides, want one batch alone",
						tt.slot, sent.batches, sent.statements)
				}
			}
			storetest.CleanAudit(t, l)
		})
	}
}
