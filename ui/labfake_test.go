package ui

import (
	"context"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/quantedge/qex/engine"
)

// labFixture is a made-up sweep shaped like the real one: five strategies at
// five client counts, with exponential backoff far slower than the rest.
func labFixture() engine.LabResult {
	cfg := engine.DefaultLabConfig()
	cfg.Clients = []int{10, 50, 100, 150, 190}
	type row struct {
		attempts   [5]float64
		completion [5]time.Duration
	}
	ms := time.Millisecond
	rows := map[engine.Strategy]row{
		engine.StrategyExponential: {[5]float64{51, 618, 1855, 3538, 5178},
			[5]time.Duration{3450 * ms, 35900 * ms, 63200 * ms, 85800 * ms, 101700 * ms}},
		engine.StrategyFullJitter: {[5]float64{39.2, 332, 796, 1318, 1773},
			[5]time.Duration{473 * ms, 2840 * ms, 4910 * ms, 6320 * ms, 7460 * ms}},
		engine.StrategyEqualJitter: {[5]float64{42.7, 347, 812, 1325, 1762},
			[5]time.Duration{744 * ms, 4190 * ms, 6540 * ms, 8250 * ms, 9410 * ms}},
		engine.StrategyDecorrelated: {[5]float64{37.7, 372, 1001, 1764, 2434},
			[5]time.Duration{432 * ms, 2330 * ms, 4570 * ms, 6450 * ms, 7820 * ms}},
		engine.StrategyNone: {[5]float64{51.1, 688, 2426, 5138, 8001},
			[5]time.Duration{382 * ms, 1140 * ms, 2040 * ms, 2880 * ms, 3540 * ms}},
	}
	res := engine.LabResult{Config: cfg, Measured: engine.LabSimulated}
	for j, n := range cfg.Clients {
		for _, s := range cfg.Strategies {
			r := rows[s]
			res.Points = append(res.Points, engine.LabPoint{Strategy: s, Clients: n,
				MeanAttempts: r.attempts[j], P99Attempts: r.attempts[j] * 1.1,
				MeanCompletion: r.completion[j], P99Completion: r.completion[j] * 3 / 2})
		}
	}
	return res
}

// fakeLab is a lab that reports progress in steps, waiting after each until
// the console has seen it, then returns the fixture.
type fakeLab struct {
	steps   int
	called  chan struct{} // closed when the lab starts
	proceed chan struct{} // one signal per progress message the console handled
	block   bool          // whether the lab waits for its context instead
}

func newFakeLab(steps int) *fakeLab {
	return &fakeLab{steps: steps, called: make(chan struct{}),
		proceed: make(chan struct{}, steps)}
}

func (f *fakeLab) run(ctx context.Context, progress func(done, total int)) (
	engine.LabResult, error) {
	close(f.called)
	if f.block {
		<-ctx.Done()
		return engine.LabResult{}, ctx.Err()
	}
	for i := range f.steps {
		progress(i+1, f.steps)
		select {
		case <-f.proceed:
		case <-ctx.Done():
			return engine.LabResult{}, ctx.Err()
		}
	}
	return labFixture(), nil
}

// withLab is a fed console whose lab is lab.
func withLab(lab LabFunc) Model {
	m := fed(&fakeExchange{}, 120, 40, 1)
	m.opts.Lab = lab
	return m
}

// awaitTimeout bounds a wait on the lab's goroutines: far longer than they
// take, so that a lab that never answers fails its test instead of hanging it.
const awaitTimeout = 10 * time.Second

// await returns the next value from ch, or fails t after awaitTimeout.
func await[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(awaitTimeout):
		t.Fatalf("no %s within %s", what, awaitTimeout)
	}
	var zero T
	return zero
}

// awaitOutcome returns the sweep's outcome from msgs, passing over its
// progress, or fails t after awaitTimeout.
func awaitOutcome(t *testing.T, msgs <-chan tea.Msg) labDoneMsg {
	t.Helper()
	for {
		if done, ok := await(t, msgs, "outcome of the sweep").(labDoneMsg); ok {
			return done
		}
	}
}

// runCmds runs cmd and every command its messages lead to, one at a time as
// they come, feeding the messages to m, until the lab's outcome arrives. Every
// progress message lets lab go on.
func runCmds(t *testing.T, m Model, cmd tea.Cmd, lab *fakeLab) (Model, []labProgressMsg) {
	t.Helper()
	var seen []labProgressMsg
	queue := []tea.Cmd{cmd}
	for len(queue) > 0 {
		next := queue[0]
		queue = queue[1:]
		if next == nil {
			continue
		}
		switch msg := next().(type) {
		case nil:
		case tea.BatchMsg:
			queue = append(queue, msg...)
		case labDoneMsg:
			return update(m, msg), seen
		case labProgressMsg:
			seen = append(seen, msg)
			m2, more := m.Update(msg)
			m, queue = m2.(Model), append(queue, more)
			lab.proceed <- struct{}{}
		default:
			t.Fatalf("unexpected message %T", msg)
		}
	}
	t.Fatal("the commands ran out before the lab's outcome")
	return m, nil
}
