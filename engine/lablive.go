package engine

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"

	"github.com/quantedge/qex/internal/pause"
	"github.com/quantedge/qex/money"
	"github.com/quantedge/qex/store"
)

// The live lab's shared record: every client settles a slot of its own, but all
// the slots are won by one advertiser and pay one publisher, so every write
// collides on those two account rows.
const (
	labAdvertiser = "lab-advertiser"
	labPublisher  = "lab-publisher"
	labBudget     = 1 << 50 // micros: no run exhausts it
	labPrice      = money.Micro
)

// RunLiveLab runs the lab's experiment against a real ledger, in wall time:
// each client is a goroutine settling its own slot with the strategy's backoff
// on every conflict. progress is as for RunLab. Runs are not repeatable to the
// number, as wall-clock races never are; the seed still fixes the jitter drawn.
func RunLiveLab(ctx context.Context, ledger store.Ledger, cfg LabConfig,
	progress func(done, total int)) (LabResult, error) {
	if err := cfg.Validate(); err != nil {
		return LabResult{}, err
	}
	accounts := []store.Account{
		{ID: labAdvertiser, Kind: store.Advertiser, Initial: labBudget},
		{ID: labPublisher, Kind: store.Publisher},
	}
	if err := ledger.SeedAccounts(ctx, accounts); err != nil {
		return LabResult{}, fmt.Errorf("seeding the lab's accounts: %w", err)
	}
	prefix := "lab-" + uuid.NewString()[:8]
	var run atomic.Int64
	live := func(ctx context.Context, s Strategy, n int, rng *rand.Rand) (labRun, error) {
		slots := labSlots(fmt.Sprintf("%s-%d", prefix, run.Add(1)), n)
		if err := ledger.CloseSlots(ctx, slots); err != nil {
			return labRun{}, fmt.Errorf("closing the lab's slots: %w", err)
		}
		return raceClients(ctx, ledger, cfg.policy(s), slots, rng)
	}
	// One point at a time: live runs share the ledger and must not overlap.
	return sweepSerially(ctx, cfg, "live", progress, live)
}

// labSlots are n closed slots, each won by the lab's advertiser.
func labSlots(prefix string, n int) []store.Slot {
	now := time.Now()
	slots := make([]store.Slot, n)
	for i := range slots {
		id := fmt.Sprintf("%s-%d", prefix, i)
		slots[i] = store.Slot{ID: id, Publisher: labPublisher, ClosedAt: now,
			Status: store.SlotClosed, Price: labPrice, RunID: prefix,
			Winner: &store.Bid{ID: id, SlotID: id, Region: "lab", Advertiser: labAdvertiser,
				Price: labPrice, Arrival: now}}
	}
	return slots
}

// raceClients starts one client per slot at once and waits for all to settle.
func raceClients(ctx context.Context, ledger store.Ledger, p BackoffPolicy, slots []store.Slot,
	rng *rand.Rand) (labRun, error) {
	var attempts atomic.Int64
	var wg sync.WaitGroup
	errs := make([]error, len(slots))
	seeds := make([]uint64, len(slots))
	for i := range seeds {
		seeds[i] = rng.Uint64()
	}
	start := make(chan struct{})
	began := time.Now()
	for i, s := range slots {
		wg.Go(func() {
			<-start
			rng := rand.New(rand.NewPCG(seeds[i], uint64(i)))
			errs[i] = settleOnce(ctx, ledger, p, s, &attempts, rng)
		})
	}
	close(start)
	wg.Wait()
	elapsed := time.Since(began)
	if err := ctx.Err(); err != nil {
		return labRun{}, err // every client stopped for it: one error, not one each
	}
	if err := errors.Join(errs...); err != nil {
		return labRun{}, err
	}
	return labRun{attempts: int(attempts.Load()), completion: elapsed}, nil
}

// settleOnce settles one slot, retrying conflicts with the policy's backoff.
func settleOnce(ctx context.Context, ledger store.Ledger, p BackoffPolicy, s store.Slot,
	attempts *atomic.Int64, rng *rand.Rand) error {
	var wait time.Duration
	for failures := 0; ; failures++ {
		attempts.Add(1)
		_, err := ledger.Settle(ctx, store.SettleRequest{Slot: s, RunID: s.RunID,
			Attempt: failures + 1, Racer: 1})
		if !errors.Is(err, store.ErrConflict) {
			return err
		}
		wait = p.Delay(failures+1, wait, rng)
		if pause.For(ctx, wait) != nil {
			return ctx.Err()
		}
	}
}
