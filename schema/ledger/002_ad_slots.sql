-- Closed auctions. A slot closed with a winner carries the winning bid and its
-- price, so any process can settle it from this row alone. Settling moves status
-- from closed to settled (or unsold), records which attempt decided it
-- (decided_by: the attempt's id, which is also the settlement's id when the slot
-- settled) and bumps version: concurrent settlers of one slot always write this
-- row, so they always collide.
CREATE TABLE IF NOT EXISTS ad_slots (
    slot_id               text PRIMARY KEY,
    publisher_id          text NOT NULL,
    floor_micros          bigint NOT NULL,
    status                text NOT NULL,
    reason                text,
    winning_bid_id        text,
    winning_region        text,
    winning_advertiser_id text,
    winning_bid_micros    bigint,
    winning_arrival       timestamptz,
    price_micros          bigint NOT NULL DEFAULT 0,
    decided_by            uuid,
    run_id                text NOT NULL,
    closed_at             timestamptz NOT NULL,
    version               bigint NOT NULL DEFAULT 0,
    updated_at            timestamptz NOT NULL DEFAULT now()
)
