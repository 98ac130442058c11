package ui

import (
	"context"
	"fmt"
	"sync"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/quantedge/qex/engine"
)

// labRedrawInterval spaces the lab's progress messages: a sweep finishes
// thousands of runs, and a refresh per run would take the CPU from the sweep.
const labRedrawInterval = 100 * time.Millisecond

// LabFunc runs the retry lab's sweep until it is done or ctx ends, calling
// progress as runs finish, possibly from several goroutines at once. The
// console calls it in the background.
type LabFunc func(ctx context.Context, progress func(done, total int)) (engine.LabResult, error)

// labState is what the console knows of the retry lab.
type labState struct {
	sweep       *labSweep // the sweep running, nil when none is
	done, total int       // the running sweep's progress, in runs

	finished bool // result and err hold the last sweep's outcome
	result   engine.LabResult
	err      error
	body     []string // the legend, charts and tables, drawn for the current size
}

// started reports whether a sweep has been started: one is running or over.
func (l labState) started() bool {
	return l.sweep != nil || l.finished
}

// labSweep is one sweep running in the background, on a goroutine that ends
// when the lab returns. The lab writes its progress through report, from
// goroutines of its own; the console reads it through wait.
type labSweep struct {
	cancel context.CancelFunc
	notify chan struct{}   // holds one signal when progress moved since the last read
	result chan labDoneMsg // holds the outcome; buffered, so the goroutine never blocks

	mu          sync.Mutex
	done, total int // the furthest progress reported, in runs
}

// labProgressMsg says how far the sweep has come.
type labProgressMsg struct {
	sweep       *labSweep
	done, total int
}

// labDoneMsg carries a sweep's outcome.
type labDoneMsg struct {
	sweep  *labSweep
	result engine.LabResult
	err    error
}

// report is the progress function handed to the lab. The lab calls it from
// several goroutines, so it keeps the furthest count, and it never blocks: a
// signal already waiting covers this one too.
func (s *labSweep) report(done, total int) {
	s.mu.Lock()
	s.done, s.total = max(s.done, done), total
	s.mu.Unlock()
	select {
	case s.notify <- struct{}{}:
	default:
	}
}

// run starts the sweep on a goroutine of its own, which ends when the lab
// returns: at the end of the sweep, or soon after its context is cancelled.
// The program's recovery from panics does not reach that goroutine, and a
// panic there would leave the terminal raw, so a panic becomes the outcome.
func (s *labSweep) run(ctx context.Context, lab LabFunc) tea.Cmd {
	return func() tea.Msg {
		go func() {
			msg := labDoneMsg{sweep: s}
			defer func() {
				if r := recover(); r != nil {
					msg.err = fmt.Errorf("the lab panicked: %v", r)
				}
				s.cancel()
				s.result <- msg
			}()
			msg.result, msg.err = lab(ctx, s.report)
		}()
		return nil
	}
}

// wait returns the sweep's next news, its outcome or its progress, giving the
// progress no sooner than after pause.
func (s *labSweep) wait(pause time.Duration) tea.Cmd {
	return func() tea.Msg {
		if pause > 0 {
			timer := time.NewTimer(pause)
			defer timer.Stop()
			select {
			case msg := <-s.result:
				return msg
			case <-timer.C:
			}
		}
		select {
		case msg := <-s.result:
			return msg
		case <-s.notify:
			s.mu.Lock()
			defer s.mu.Unlock()
			return labProgressMsg{sweep: s, done: s.done, total: s.total}
		}
	}
}

// toggleLab opens the lab's screen, starting the first sweep, or closes it.
func (m *Model) toggleLab() tea.Cmd {
	if m.opts.Lab == nil {
		m.note = "the retry lab is not available in this console"
		return nil
	}
	m.showLab = !m.showLab
	if m.showLab && !m.lab.started() {
		return m.startLab()
	}
	return nil
}

// startLab starts a sweep unless one is running.
func (m *Model) startLab() tea.Cmd {
	if m.lab.sweep != nil {
		m.note = "the retry lab is still running"
		return nil
	}
	ctx, cancel := context.WithCancel(m.opts.Context)
	s := &labSweep{cancel: cancel, notify: make(chan struct{}, 1),
		result: make(chan labDoneMsg, 1)}
	m.lab = labState{sweep: s}
	return tea.Batch(s.run(ctx, m.opts.Lab), s.wait(0))
}

// stopLab cancels the running sweep, if any: the console is going away.
func (m *Model) stopLab() {
	if m.lab.sweep != nil {
		m.lab.sweep.cancel()
	}
}

// labProgress records a sweep's progress and waits for more.
func (m *Model) labProgress(msg labProgressMsg) tea.Cmd {
	if msg.sweep != m.lab.sweep {
		return nil
	}
	m.lab.done, m.lab.total = max(m.lab.done, msg.done), msg.total
	return msg.sweep.wait(labRedrawInterval)
}

// labDone keeps a sweep's outcome and draws it.
func (m *Model) labDone(msg labDoneMsg) {
	if msg.sweep != m.lab.sweep {
		return
	}
	m.lab.sweep = nil
	m.lab.finished, m.lab.result, m.lab.err = true, msg.result, msg.err
	m.drawLab()
}
