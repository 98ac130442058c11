package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"sync"

	"github.com/quantedge/qex/engine"
	"github.com/quantedge/qex/store"
)

// outcomeLine is one line of --outcomes.
type outcomeLine struct {
	Slot       string `json:"slot"`
	Status     string `json:"status"`
	WinningBid string `json:"winning_bid,omitempty"`
	Region     string `json:"region,omitempty"`
	PricePaid  string `json:"price_paid,omitempty"`
	Attempts   int    `json:"attempts"`
	Reason     string `json:"reason,omitempty"`
}

// outcomeWriter writes outcomes as JSON Lines; the engine calls it from many
// goroutines.
type outcomeWriter struct {
	mu  sync.Mutex
	f   *os.File
	w   *bufio.Writer // guarded by mu
	err error         // the first write error, guarded by mu
}

func createOutcomes(path string) (*outcomeWriter, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("creating the outcomes file: %w", err)
	}
	return &outcomeWriter{f: f, w: bufio.NewWriter(f)}, nil
}

func newOutcomeLine(o engine.SlotOutcome) outcomeLine {
	s := o.Slot
	l := outcomeLine{Slot: s.ID, Status: string(s.Status), Attempts: o.Attempts, Reason: s.Reason}
	if s.Winner != nil {
		l.WinningBid, l.Region = s.Winner.ID, s.Winner.Region
	}
	switch s.Status {
	case store.SlotSettled:
		l.PricePaid = s.Price.String()
	case store.SlotClosed:
		l.Status, l.Reason = "unsettled", "the run ended before the slot was settled"
	}
	return l
}

func (w *outcomeWriter) write(o engine.SlotOutcome) {
	b, err := json.Marshal(newOutcomeLine(o))
	w.mu.Lock()
	defer w.mu.Unlock()
	if err == nil {
		b = append(b, '\n')
		_, err = w.w.Write(b)
	}
	if err != nil && w.err == nil {
		w.err = err
	}
}

// Close flushes the file and reports the first error writing it.
func (w *outcomeWriter) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if err := w.w.Flush(); err != nil && w.err == nil {
		w.err = err
	}
	if err := w.f.Close(); err != nil && w.err == nil {
		w.err = err
	}
	if w.err != nil {
		return fmt.Errorf("writing the outcomes file: %w", w.err)
	}
	return nil
}
