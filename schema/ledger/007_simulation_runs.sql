-- One row per run: its configuration and, once it ends, its summary (JSON text).
CREATE TABLE IF NOT EXISTS simulation_runs (
    run_id     text PRIMARY KEY,
    started_at timestamptz NOT NULL,
    ended_at   timestamptz,
    config     text NOT NULL,
    summary    text
)
