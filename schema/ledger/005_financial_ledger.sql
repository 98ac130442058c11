-- Double entry: each settlement writes two rows, the debit negative and the
-- credit positive, summing to zero. An entry is keyed by its settlement and its
-- side (debit or credit), which also groups a settlement's entries for the audit;
-- the side, not the account, so that an account on both sides is two entries.
CREATE TABLE IF NOT EXISTS financial_ledger (
    settlement_id uuid NOT NULL,
    side          text NOT NULL,
    account_id    text NOT NULL,
    slot_id       text NOT NULL,
    amount_micros bigint NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (settlement_id, side)
)
