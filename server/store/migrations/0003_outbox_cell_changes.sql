-- Every invalidation is durable in the outbox, not only objects' (issue 14): a level that joined a
-- cell (`level`, its key in `level_key`) and a cell's record that changed (`workspace`) are written
-- with the change, so a Redis outage delays them like updates instead of losing them.
ALTER TABLE outbox ALTER COLUMN object_id DROP NOT NULL;
ALTER TABLE outbox ADD COLUMN level_key TEXT;
ALTER TABLE outbox DROP CONSTRAINT outbox_kind_check;
ALTER TABLE outbox ADD CONSTRAINT outbox_kind_check CHECK (kind IN ('update', 'create', 'remark', 'level', 'workspace'));
