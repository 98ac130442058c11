-- Double entry: each settlement writes two rows, the debit negative and the
-- credit positive, summing to zero.
CREATE TABLE IF NOT EXISTS financial_ledger (
    entry_id      uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    settlement_id uuid NOT NULL,
    slot_id       text NOT NULL,
    account_id    text NOT NULL,
    amount_micros bigint NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now()
)
