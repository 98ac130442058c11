package engine

import (
	"context"
	"errors"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/quantedge/qex/internal/pause"
	"github.com/quantedge/qex/store"
)

// SlotOutcome is how a closed slot ended for this run.
type SlotOutcome struct {
	// Slot is the slot as closed: its status is settled, unsold, or closed when
	// the run ended before it was settled.
	Slot store.Slot
	// Attempts counts the settlement attempts all racers made for it.
	Attempts int
}

// settleJob is one closed slot being settled by its racers.
type settleJob struct {
	slot     store.Slot
	racers   atomic.Int32 // still at work or queued
	attempts atomic.Int32

	mu sync.Mutex
	// result is the slot's decided outcome, set by the first racer whose attempt
	// committed or found the slot decided; guarded by mu.
	result *store.SettleResult
}

func (j *settleJob) setResult(r store.SettleResult) {
	j.mu.Lock()
	if j.result == nil {
		j.result = &r
	}
	j.mu.Unlock()
}

// racerTask is one racer's share of a job.
type racerTask struct {
	job   *settleJob
	racer int
}

// enqueue hands a claimed, closed slot to as many racers as the contention dial
// says. Racers not queued because ctx ended are counted out at once.
func (e *Engine) enqueue(ctx context.Context, s store.Slot) {
	job := &settleJob{slot: s}
	k := int(e.contention.Load())
	job.racers.Store(int32(k))
	for r := range k {
		select {
		case e.racerCh <- racerTask{job: job, racer: r + 1}:
		case <-ctx.Done():
			if job.racers.Add(-int32(k-r)) == 0 {
				e.finishJob(job)
			}
			return
		}
	}
}

// settlePool keeps the number of settlement workers at the dial's value until ctx
// ends, then waits for them.
func (e *Engine) settlePool(ctx context.Context) {
	var wg sync.WaitGroup
	defer wg.Wait()
	quit := make(chan struct{})
	running := 0
	for {
		want := int(e.workers.Load())
		for ; running < want; running++ {
			rng := rand.New(rand.NewPCG(e.cfg.Seed+streamJitter, uint64(running)))
			wg.Go(func() { e.settleWorker(ctx, rng, quit) })
		}
		for ; running > want; running-- {
			select {
			case quit <- struct{}{}: // one idle worker leaves
			case <-ctx.Done():
				return
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-e.resize:
		}
	}
}

func (e *Engine) settleWorker(ctx context.Context, rng *rand.Rand, quit <-chan struct{}) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-quit:
			return
		case t := <-e.racerCh:
			e.race(ctx, t, rng)
			e.racerDone(t.job)
		}
	}
}

// racerDone counts a racer out; the last one finishes the job.
func (e *Engine) racerDone(j *settleJob) {
	if j.racers.Add(-1) == 0 {
		e.finishJob(j)
	}
}

// race makes one racer's attempts to settle a slot: retry conflicts with backoff,
// stop at a commit, at a slot already decided, at a real error, or out of
// attempts.
func (e *Engine) race(ctx context.Context, t racerTask, rng *rand.Rand) {
	policy := *e.backoff.Load()
	var wait time.Duration
	for attempt := 1; ; attempt++ {
		e.tel.attempt(attempt)
		t.job.attempts.Add(1)
		res, err := e.ledger.Settle(ctx, store.SettleRequest{Slot: t.job.slot, RunID: e.runID,
			Attempt: attempt, Racer: t.racer})
		switch {
		case err == nil:
			e.committed(t, res, attempt)
			return
		case errors.Is(err, store.ErrAlreadySettled):
			e.tel.duplicates.Add(1)
			t.job.setResult(store.SettleResult{Status: store.SlotSettled})
			return
		case errors.Is(err, store.ErrAlreadyUnsold):
			t.job.setResult(store.SettleResult{Status: store.SlotUnsold,
				Reason: store.ReasonInsufficientFunds})
			return
		case errors.Is(err, store.ErrConflict):
			e.conflicted(t, attempt, err)
		case ctx.Err() != nil:
			return
		default:
			e.tel.settleErrors.Add(1)
			e.tel.fail(err)
			e.log.Error("settling", "slot", t.job.slot.ID, "attempt", attempt, "err", err)
			return
		}
		if attempt >= policy.MaxAttempts {
			e.tel.abandoned.Add(1)
			return
		}
		wait = policy.Delay(attempt, wait, rng)
		if pause.For(ctx, wait) != nil {
			return
		}
		e.tel.retries.Add(1)
	}
}

// committed counts an attempt that committed: a settlement, or an unsold close
// for want of funds.
func (e *Engine) committed(t racerTask, res store.SettleResult, attempt int) {
	t.job.setResult(res)
	if res.Status == store.SlotUnsold {
		e.tel.unsoldFunds.Add(1)
		return
	}
	s := res.Slot
	e.tel.settledSlot(store.Settlement{
		ID: res.SettlementID, SlotID: s.ID, BidID: s.Winner.ID, Region: s.Winner.Region,
		Advertiser: s.Winner.Advertiser, Publisher: s.Publisher, Amount: s.Price,
		RunID: e.runID, Racer: t.racer, Attempt: attempt, SettledAt: time.Now(),
	}, time.Since(t.job.slot.ClosedAt))
}

func (e *Engine) conflicted(t racerTask, attempt int, err error) {
	ev := store.ConflictEvent{SlotID: t.job.slot.ID, RunID: e.runID, Attempt: attempt,
		Racer: t.racer, Code: "conflict", At: time.Now()}
	if ce, ok := errors.AsType[*store.ConflictError](err); ok {
		ev.Code, ev.Detail = ce.Code, ce.Detail
	}
	e.tel.conflict(ev)
	select {
	case e.conflictCh <- ev:
	default: // telemetry must never hold up a settlement
		e.tel.conflictsDropped.Add(1)
	}
}

// finishJob runs when a job's last racer is done.
func (e *Engine) finishJob(j *settleJob) {
	j.mu.Lock()
	res := j.result
	j.mu.Unlock()
	if res == nil {
		// Every racer gave up: the slot stays closed for the reconciler.
		e.claims.release(j.slot.ID)
		e.outstanding.Add(-1)
		return
	}
	e.claims.decide(j.slot.ID, time.Now())
	s := j.slot
	if res.Slot.ID != "" { // the ledger's record, when this run committed it
		s = res.Slot
	}
	s.Status, s.Reason = res.Status, res.Reason
	e.finishSlot(SlotOutcome{Slot: s, Attempts: int(j.attempts.Load())})
}

// finishSlot reports a slot's outcome and counts it out of the run's work.
func (e *Engine) finishSlot(o SlotOutcome) {
	if e.onOutcome != nil {
		e.onOutcome(o)
	}
	e.outstanding.Add(-1)
}
