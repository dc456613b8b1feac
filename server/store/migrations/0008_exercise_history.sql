-- Exercise cells' replay history (issue 15): kept apart from the working tables, so nothing that
-- compacts, re-epochs or deletes there takes it away. `exercise_history` holds each object's
-- envelope after each change of it (creation, re-mark, move among siblings, deletion, undo), and
-- the first snapshot of each epoch; `exercise_updates` every stored update with its time.
CREATE TABLE exercise_history (
  id BIGSERIAL PRIMARY KEY,
  workspace_id TEXT NOT NULL,
  object_id TEXT NOT NULL,
  at_ms BIGINT NOT NULL,
  marking TEXT NOT NULL,
  portion TEXT NOT NULL,
  parent_id TEXT,
  order_key TEXT NOT NULL,
  epoch INTEGER NOT NULL,
  source_id TEXT,
  deleted BOOLEAN NOT NULL,
  snapshot BYTEA
);
CREATE INDEX exercise_history_by_workspace ON exercise_history (workspace_id, id);
CREATE TABLE exercise_updates (
  object_id TEXT NOT NULL,
  seq BIGINT NOT NULL,
  workspace_id TEXT NOT NULL,
  epoch INTEGER NOT NULL,
  at_ms BIGINT NOT NULL,
  data BYTEA NOT NULL,
  PRIMARY KEY (object_id, seq)
);
CREATE INDEX exercise_updates_by_workspace ON exercise_updates (workspace_id, at_ms);
