-- Advertisers who pay and publishers who are paid. initial_balance_micros is what
-- the account was seeded with, so conservation can be checked from this table alone.
CREATE TABLE IF NOT EXISTS enterprise_accounts (
    account_id             text PRIMARY KEY,
    kind                   text NOT NULL,
    balance_micros         bigint NOT NULL,
    initial_balance_micros bigint NOT NULL,
    version                bigint NOT NULL DEFAULT 0,
    updated_at             timestamptz NOT NULL DEFAULT now()
)
