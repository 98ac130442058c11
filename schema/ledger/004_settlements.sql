-- One row per settled slot, keyed by the slot: a second settlement of a slot is a
-- key violation, whatever else went wrong.
CREATE TABLE IF NOT EXISTS settlements (
    slot_id       text PRIMARY KEY,
    settlement_id uuid NOT NULL DEFAULT gen_random_uuid(),
    bid_id        text NOT NULL,
    advertiser_id text NOT NULL,
    publisher_id  text NOT NULL,
    amount_micros bigint NOT NULL,
    run_id        text NOT NULL,
    racer         integer NOT NULL,
    attempt       integer NOT NULL,
    settled_at    timestamptz NOT NULL DEFAULT now()
)
