-- The audit groups ledger rows by settlement.
CREATE INDEX ASYNC IF NOT EXISTS financial_ledger_settlement ON financial_ledger (settlement_id)
