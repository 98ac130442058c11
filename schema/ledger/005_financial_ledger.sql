-- Double entry: each settlement writes two rows, the debit negative and the
-- credit positive, summing to zero. An entry is keyed by its settlement and
-- account, which also groups a settlement's entries for the audit.
CREATE TABLE IF NOT EXISTS financial_ledger (
    settlement_id uuid NOT NULL,
    account_id    text NOT NULL,
    slot_id       text NOT NULL,
    amount_micros bigint NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (settlement_id, account_id)
)
