package engine

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"

	"github.com/quantedge/qex/store"
)

// Telemetry limits.
const (
	maxTrackedAttempts = 64 // attempts deeper than this count in the last bucket
	recentSettlements  = 16
	recentConflicts    = 16
	histMaxMicros      = int64(time.Hour / time.Microsecond)
	histSigFigs        = 3
)

// telemetry is every counter and histogram of a run. Counters are atomics that the
// hot paths bump without locks; histograms and feeds sit behind mu.
type telemetry struct {
	regions map[string]*regionCounters // fixed at start: the map is only read

	slotsOpened, slotsClosed       atomic.Uint64
	settled, unsoldNoBid           atomic.Uint64
	unsoldFunds, conflicts         atomic.Uint64
	retries, duplicates, abandoned atomic.Uint64
	requeued, settleErrors         atomic.Uint64
	closeErrors                    atomic.Uint64
	ingestErrors, batches          atomic.Uint64
	conflictsDropped, attempts     atomic.Uint64
	settledMicros                  atomic.Int64
	attemptDepth                   [maxTrackedAttempts + 1]atomic.Uint64

	mu           sync.Mutex
	batchLatency *hdrhistogram.Histogram // microseconds, guarded by mu
	timeToSettle *hdrhistogram.Histogram // microseconds, guarded by mu
	recent       []store.Settlement      // newest last, guarded by mu
	conflictFeed []store.ConflictEvent   // newest last, guarded by mu
	lastError    string                  // guarded by mu
	hottest      HotSlot                 // guarded by mu
}

// HotSlot is the slot that took the most bids per second among those closed in
// the last hotSlotSpan: on DynamoDB, each slot is a partition, and one partition
// takes about 1,000 writes a second.
type HotSlot struct {
	SlotID       string
	WritesPerSec float64
	At           time.Time
}

// hotSlotSpan is how long a slot stays the hottest before a cooler one may
// replace it.
const hotSlotSpan = time.Second

func (t *telemetry) slotWrites(slotID string, bids int, window time.Duration, now time.Time) {
	if window <= 0 {
		return
	}
	rate := float64(bids) / window.Seconds()
	t.mu.Lock()
	if rate >= t.hottest.WritesPerSec || now.Sub(t.hottest.At) > hotSlotSpan {
		t.hottest = HotSlot{SlotID: slotID, WritesPerSec: rate, At: now}
	}
	t.mu.Unlock()
}

type regionCounters struct {
	bids, ingested atomic.Uint64
}

func newTelemetry(regions []Region) *telemetry {
	t := &telemetry{
		regions:      make(map[string]*regionCounters, len(regions)),
		batchLatency: hdrhistogram.New(1, histMaxMicros, histSigFigs),
		timeToSettle: hdrhistogram.New(1, histMaxMicros, histSigFigs),
	}
	for _, r := range regions {
		t.regions[r.Name] = &regionCounters{}
	}
	return t
}

func (t *telemetry) region(name string) *regionCounters {
	if rc, ok := t.regions[name]; ok {
		return rc
	}
	return nil
}

func (t *telemetry) batchWritten(d time.Duration) {
	t.batches.Add(1)
	t.mu.Lock()
	_ = t.batchLatency.RecordValue(clampMicros(d))
	t.mu.Unlock()
}

func (t *telemetry) attempt(n int) {
	t.attempts.Add(1)
	t.attemptDepth[min(n, maxTrackedAttempts)].Add(1)
}

func (t *telemetry) settledSlot(ev store.Settlement, sinceClose time.Duration) {
	t.settled.Add(1)
	t.settledMicros.Add(int64(ev.Amount))
	t.mu.Lock()
	_ = t.timeToSettle.RecordValue(clampMicros(sinceClose))
	t.recent = appendBounded(t.recent, ev, recentSettlements)
	t.mu.Unlock()
}

func (t *telemetry) conflict(ev store.ConflictEvent) {
	t.conflicts.Add(1)
	t.mu.Lock()
	t.conflictFeed = appendBounded(t.conflictFeed, ev, recentConflicts)
	t.mu.Unlock()
}

func (t *telemetry) fail(err error) {
	t.mu.Lock()
	t.lastError = err.Error()
	t.mu.Unlock()
}

func appendBounded[T any](s []T, v T, limit int) []T {
	if len(s) >= limit {
		s = append(s[:0], s[len(s)-limit+1:]...)
	}
	return append(s, v)
}

func clampMicros(d time.Duration) int64 {
	return min(max(d.Microseconds(), 1), histMaxMicros)
}

// Percentiles summarises a latency histogram.
type Percentiles struct {
	P50, P99, Max time.Duration
	Count         int64
}

func percentiles(h *hdrhistogram.Histogram) Percentiles {
	us := func(v int64) time.Duration { return time.Duration(v) * time.Microsecond }
	return Percentiles{
		P50:   us(h.ValueAtQuantile(50)),
		P99:   us(h.ValueAtQuantile(99)),
		Max:   us(h.Max()),
		Count: h.TotalCount(),
	}
}
