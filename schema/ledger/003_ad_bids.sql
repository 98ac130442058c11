-- Winning bids only: the rest of the traffic never crosses into the ledger.
CREATE TABLE IF NOT EXISTS ad_bids (
    slot_id       text PRIMARY KEY,
    bid_id        text NOT NULL,
    region        text NOT NULL,
    advertiser_id text NOT NULL,
    price_micros  bigint NOT NULL,
    arrival       timestamptz NOT NULL
)
