package engine

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"

	"github.com/quantedge/qex/internal/pause"
	"github.com/quantedge/qex/store"
)

// Pipeline tuning.
const (
	generatorTick       = 10 * time.Millisecond
	closerTick          = 10 * time.Millisecond
	drainPoll           = 5 * time.Millisecond
	ingestQueueBatches  = 256
	racerQueueTasks     = 4096
	conflictQueueEvents = 4096
	reconcileLimitSlots = 1000
)

// Engine is one run of the exchange: it generates or replays traffic, stores the
// bids, closes the auctions, and settles the winners with racing workers.
type Engine struct {
	cfg    Config
	bids   store.BidStore
	ledger store.Ledger
	log    *slog.Logger
	runID  string
	tel    *telemetry
	book   slotBook

	mu      sync.Mutex
	dials   []RegionDial // guarded by mu
	state   RunState     // guarded by mu
	started time.Time    // guarded by mu

	workers    atomic.Int64
	contention atomic.Int64
	slotRate   atomic.Uint64 // float64 bits: slots opened per second
	backoff    atomic.Pointer[BackoffPolicy]
	auction    atomic.Pointer[AuctionType]
	paused     atomic.Bool
	resize     chan struct{}

	ingestCh   chan ingestBatch
	racerCh    chan racerTask
	conflictCh chan store.ConflictEvent

	// outstanding counts slots opened or re-queued and not yet finished with:
	// closed unsold, or every racer of their settlement done.
	outstanding atomic.Int64

	claims *claims

	onOutcome func(SlotOutcome)
}

// Option adjusts an Engine at construction.
type Option func(*Engine)

// WithOutcomes has fn called once for each slot the run finishes with: settled,
// unsold, or, when the run ends first, still awaiting settlement. fn is called
// from many goroutines at once.
func WithOutcomes(fn func(SlotOutcome)) Option {
	return func(e *Engine) { e.onOutcome = fn }
}

// New returns an engine for one run over the given stores.
func New(cfg Config, bids store.BidStore, ledger store.Ledger, opts ...Option) (*Engine, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("invalid configuration: %w", err)
	}
	if bids == nil || ledger == nil {
		return nil, errors.New("engine needs a bid store and a ledger")
	}
	e := &Engine{
		cfg:        cfg,
		bids:       bids,
		ledger:     ledger,
		log:        cfg.Logger,
		runID:      uuid.NewString(),
		tel:        newTelemetry(cfg.Regions),
		state:      StateStarting,
		resize:     make(chan struct{}, 1),
		ingestCh:   make(chan ingestBatch, ingestQueueBatches),
		racerCh:    make(chan racerTask, racerQueueTasks),
		conflictCh: make(chan store.ConflictEvent, conflictQueueEvents),
		claims:     newClaims(),
	}
	if e.log == nil {
		e.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	for _, r := range cfg.Regions {
		e.dials = append(e.dials, RegionDial{Region: r, Up: true})
	}
	e.workers.Store(int64(cfg.Workers))
	e.slotRate.Store(math.Float64bits(cfg.SlotRate))
	e.contention.Store(int64(cfg.Contention))
	policy, auction := cfg.Backoff, cfg.Auction
	e.backoff.Store(&policy)
	e.auction.Store(&auction)
	for _, o := range opts {
		o(e)
	}
	return e, nil
}

// RunID identifies this run in the ledger.
func (e *Engine) RunID() string { return e.runID }

// Run generates traffic until ctx ends, then stops taking bids, closes the open
// auctions, settles what it can within the drain timeout, and returns the run's
// report. An error means the run could not start or its stores failed.
func (e *Engine) Run(ctx context.Context) (Report, error) {
	if err := e.ledger.SeedAccounts(ctx, seedAccounts(e.cfg)); err != nil {
		return Report{}, fmt.Errorf("seeding accounts: %w", err)
	}
	return e.run(ctx, e.generate)
}

// feeder puts traffic into the pipeline until it runs out or ctx ends. Batches it
// has made are handed over on the stage context, so none is lost at the end.
type feeder func(ctx, stages context.Context) error

// run starts the pipeline's stages, lets feed put traffic in until it returns,
// drains, and stops the stages. Stages live on a context of their own so that
// draining outlives ctx.
func (e *Engine) run(ctx context.Context, feed feeder) (Report, error) {
	started := time.Now()
	if err := e.recordRun(ctx, started, time.Time{}, nil); err != nil {
		return Report{}, err
	}
	fedCh := make(chan struct{})
	wind, endWind := e.windDown(ctx, fedCh)
	defer endWind()
	p := e.startStages(wind, context.WithoutCancel(ctx))
	e.setState(StateRunning)
	e.log.Info("run started", "run", e.runID, "seed", e.cfg.Seed)
	feedErr := feed(ctx, p.ctx)
	fed := time.Now()
	close(fedCh)

	e.setState(StateDraining)
	e.book.advance(farFuture)
	drained := e.drain(wind)
	e.stop(p)
	e.setState(StateStopped)

	end := context.WithoutCancel(ctx)
	report, err := e.report(end, fed.Sub(started), time.Since(fed), drained)
	if err != nil {
		return report, err
	}
	if err := e.recordRun(end, started, time.Now(), &report); err != nil {
		e.log.Error("recording the run", "err", err)
	}
	e.log.Info("run ended", "run", e.runID, "settled", report.Snapshot.Settled, "ok", report.OK())
	return report, feedErr
}

// windDown is the context a run's stages live on: it ends DrainTimeout after
// the run is told to stop (ctx ends) or its traffic runs out (fed closes),
// whichever is first. Handing over the last batches and draining share that
// time, so a stalled store cannot hold the run past it.
func (e *Engine) windDown(ctx context.Context, fed <-chan struct{}) (context.Context,
	context.CancelFunc) {
	wind, cancel := context.WithCancel(context.WithoutCancel(ctx))
	go func() {
		select {
		case <-ctx.Done():
		case <-fed:
		case <-wind.Done():
			return
		}
		_ = pause.For(wind, e.cfg.DrainTimeout) // ended by the timeout or by endWind
		cancel()
	}()
	return wind, cancel
}

// pipeline is the running stages and how to stop them.
type pipeline struct {
	ctx                context.Context // the stages', for feeders to hand work over on
	cancel, stopWriter context.CancelFunc
	stages, writer     sync.WaitGroup
}

// startStages starts every stage on a context of stages; the conflict writer
// gets one of its own on writer, so that it outlives the settlers whose events
// it writes.
func (e *Engine) startStages(stages, writer context.Context) *pipeline {
	p := &pipeline{}
	p.ctx, p.cancel = context.WithCancel(stages)
	writerCtx, stopWriter := context.WithCancel(writer)
	p.stopWriter = stopWriter
	for range e.cfg.IngestWorkers {
		p.stages.Go(func() { e.ingest(p.ctx) })
	}
	p.stages.Go(func() { e.closeLoop(p.ctx) })
	p.stages.Go(func() { e.settlePool(p.ctx) })
	p.stages.Go(func() { e.reconcileLoop(p.ctx) })
	p.writer.Go(func() { e.writeConflicts(writerCtx) })
	return p
}

// stop ends the stages in order: first every stage, then the racer tasks still
// queued are counted out (so each job reports its outcome once), and last the
// conflict writer, which by then has every event there will be.
func (e *Engine) stop(p *pipeline) {
	p.cancel()
	p.stages.Wait()
	for queued := true; queued; {
		select {
		case t := <-e.racerCh:
			e.racerDone(t.job)
		default:
			queued = false
		}
	}
	p.stopWriter()
	p.writer.Wait()
}

// farFuture is a watermark past every slot: when traffic stops, every open
// auction is due.
var farFuture = time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)

// generate runs the generator on wall-clock steps until ctx ends.
func (e *Engine) generate(ctx, stages context.Context) error {
	g := newGenerator(e.cfg, e.runID, time.Now())
	t := time.NewTicker(generatorTick)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case now := <-t.C:
			e.generateStep(stages, g, now)
		}
	}
}

// generateStep makes the traffic up to now, queues it in batches, and moves the
// watermark so that the slots closed by now can be evaluated. It returns how
// many bids it made.
func (e *Engine) generateStep(stages context.Context, g *generator, now time.Time) int {
	if e.paused.Load() {
		g.skipTo(now)
		e.book.advance(now)
		return 0
	}
	made := 0
	batches := e.newBatcher(stages)
	g.step(now, e.SlotRate(), e.regionDials(), e.openSlot, func(b store.Bid, s *openSlot) {
		made++
		s.unstored.Add(1)
		batches.add(b, s)
	})
	batches.flush()
	e.book.advance(now)
	return made
}

func (e *Engine) openSlot(s *openSlot) {
	e.outstanding.Add(1)
	e.tel.slotsOpened.Add(1)
	e.book.add(s)
}

func (e *Engine) recordRun(ctx context.Context, started, ended time.Time, r *Report) error {
	run := store.Run{ID: e.runID, StartedAt: started, EndedAt: ended, Config: e.cfg.JSON()}
	if r != nil {
		run.Summary = r.JSON()
	}
	if err := e.ledger.RecordRun(ctx, run); err != nil {
		return fmt.Errorf("recording run %s: %w", e.runID, err)
	}
	return nil
}
