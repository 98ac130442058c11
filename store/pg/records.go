package pg

import (
	"context"
	"fmt"
	"time"

	"github.com/quantedge/qex/store"
)

const recordConflicts = `INSERT INTO conflict_events (slot_id, run_id, attempt, racer, code, detail,
	occurred_at)
SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::int[], $5::text[], $6::text[],
	$7::timestamptz[])`

// RecordConflicts stores conflict events in one statement per thousand, each in a
// transaction of its own, apart from any settlement.
func (l *Ledger) RecordConflicts(ctx context.Context, events []store.ConflictEvent) error {
	for start := 0; start < len(events); start += maxRowsPerStatement {
		chunk := events[start:min(start+maxRowsPerStatement, len(events))]
		n := len(chunk)
		slots, runs, codes, details := make([]string, n), make([]string, n), make([]string, n),
			make([]string, n)
		attempts, racers, at := make([]int32, n), make([]int32, n), make([]time.Time, n)
		for i, e := range chunk {
			slots[i], runs[i], codes[i], details[i] = e.SlotID, e.RunID, e.Code, e.Detail
			attempts[i], racers[i], at[i] = int32(e.Attempt), int32(e.Racer), e.At
		}
		err := l.execRetrying(ctx, recordConflicts, slots, runs, attempts, racers, codes, details,
			at)
		if err != nil {
			return l.secrets.redact(fmt.Errorf("recording %d conflict events: %w", n, err))
		}
	}
	return nil
}

const recordRun = `INSERT INTO simulation_runs (run_id, started_at, ended_at, config, summary)
VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (run_id) DO UPDATE SET ended_at = excluded.ended_at, summary = excluded.summary`

// RecordRun creates a run record, or completes it when the run ends.
func (l *Ledger) RecordRun(ctx context.Context, run store.Run) error {
	var ended *time.Time
	var summary *string
	if !run.EndedAt.IsZero() {
		ended = &run.EndedAt
	}
	if run.Summary != "" {
		summary = &run.Summary
	}
	err := l.execRetrying(ctx, recordRun, run.ID, run.StartedAt, ended, run.Config, summary)
	if err != nil {
		return l.secrets.redact(fmt.Errorf("recording run %s: %w", run.ID, err))
	}
	return nil
}
