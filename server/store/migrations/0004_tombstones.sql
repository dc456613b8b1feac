-- Deleted objects (issue 17): the envelope, doc and audit trail stay; the tombstone keeps the
-- object from everyone until an undo takes it off.
CREATE TABLE object_tombstones (
  object_id TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL,
  deleted_at TEXT NOT NULL,
  deleted_by TEXT NOT NULL
);
CREATE INDEX object_tombstones_by_workspace ON object_tombstones (workspace_id);
