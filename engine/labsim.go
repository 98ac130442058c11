package engine

import (
	"container/heap"
	"context"
	"math"
	"math/rand/v2"
	"time"
)

// The simulation's events: what reaches whom, when.
type labEventKind uint8

const (
	readArrives   labEventKind = iota // a client's read reaches the record
	readAnswered                      // the version read reaches the client
	writeArrives                      // a conditional write reaches the record
	writeAnswered                     // the write's outcome reaches the client
)

type labEvent struct {
	at      time.Duration
	seq     uint64 // ties go to the event scheduled first: the run is deterministic
	client  int
	kind    labEventKind
	version uint64 // the version read, or carried by a write
	ok      bool   // whether a write succeeded
}

type labQueue []labEvent

func (q labQueue) Len() int { return len(q) }
func (q labQueue) Less(i, j int) bool {
	return q[i].at < q[j].at || (q[i].at == q[j].at && q[i].seq < q[j].seq)
}
func (q labQueue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *labQueue) Push(x any)   { *q = append(*q, x.(labEvent)) }
func (q *labQueue) Pop() any {
	old := *q
	e := old[len(old)-1]
	*q = old[:len(old)-1]
	return e
}

// labClient is one client's retry state.
type labClient struct {
	failures int
	lastWait time.Duration
}

// ctxCheckEvery is how many events a simulation handles between looks at its
// context.
const ctxCheckEvery = 4096

// simulate runs n clients against one record until each has written once, in
// virtual time, and says how many writes that took and when the last finished.
// It stops early, with ctx's error, if ctx ends.
func simulate(ctx context.Context, p BackoffPolicy, n int, delay, spread time.Duration,
	rng *rand.Rand) (labRun, error) {
	net := func() time.Duration {
		return time.Duration(math.Abs(rng.NormFloat64()*float64(spread) + float64(delay)))
	}
	q := make(labQueue, 0, 4*n)
	var seq uint64
	send := func(e labEvent) {
		seq++
		e.seq = seq
		heap.Push(&q, e)
	}
	for c := range n {
		send(labEvent{at: net(), client: c, kind: readArrives})
	}
	clients := make([]labClient, n)
	var version uint64
	var run labRun
	for events := 1; q.Len() > 0; events++ {
		if events%ctxCheckEvery == 0 && ctx.Err() != nil {
			return labRun{}, ctx.Err()
		}
		e := heap.Pop(&q).(labEvent)
		switch e.kind {
		case readArrives:
			send(labEvent{at: e.at + net(), client: e.client, kind: readAnswered, version: version})
		case readAnswered:
			send(labEvent{at: e.at + net(), client: e.client, kind: writeArrives,
				version: e.version})
		case writeArrives:
			run.attempts++
			ok := e.version == version
			if ok {
				version++
			}
			send(labEvent{at: e.at + net(), client: e.client, kind: writeAnswered, ok: ok})
		case writeAnswered:
			if e.ok {
				run.completion = max(run.completion, e.at)
				continue
			}
			c := &clients[e.client]
			c.failures++
			c.lastWait = p.Delay(c.failures, c.lastWait, rng)
			send(labEvent{at: e.at + c.lastWait + net(), client: e.client, kind: readArrives})
		}
	}
	return run, nil
}
