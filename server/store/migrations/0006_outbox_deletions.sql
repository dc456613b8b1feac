-- Deletions, their undo and moves among siblings are relayed too: written to the outbox with the
-- change, so a node that missed one (Redis away) hears of it from the sweeper, never keeps a
-- deleted object live.
ALTER TABLE outbox DROP CONSTRAINT outbox_kind_check;
ALTER TABLE outbox ADD CONSTRAINT outbox_kind_check CHECK (kind IN ('update', 'create', 'remark', 'level', 'workspace', 'delete', 'restore', 'move'));
