-- The reconciler's question: which closed slots still await settlement?
CREATE INDEX ASYNC IF NOT EXISTS ad_slots_status_closed_at ON ad_slots (status, closed_at)
