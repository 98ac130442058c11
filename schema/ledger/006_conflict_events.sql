-- Attempts that lost an optimistic concurrency race, written in batches outside
-- any settlement transaction.
CREATE TABLE IF NOT EXISTS conflict_events (
    event_id    uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    slot_id     text NOT NULL,
    run_id      text NOT NULL,
    attempt     integer NOT NULL,
    racer       integer NOT NULL,
    code        text NOT NULL,
    detail      text NOT NULL,
    occurred_at timestamptz NOT NULL
)
