-- Tearline on PostgreSQL: the durable truth shared by every node. Applied once by the migration
-- runner (server/store/pgMigrate.ts), in one transaction.

-- Cells: the record is the WorkspaceSummary as JSON, read-modify-written under a row lock.
CREATE TABLE workspaces (
  id TEXT PRIMARY KEY,
  record JSONB NOT NULL,
  created_at TEXT NOT NULL
);
CREATE TABLE workspace_levels (
  workspace_id TEXT NOT NULL,
  level_key TEXT NOT NULL,
  PRIMARY KEY (workspace_id, level_key)
);

-- Envelopes. `epoch` and `marking_version` are the fence every stored update is checked against;
-- `last_seq` numbers the object's updates.
CREATE TABLE objects (
  id TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  marking TEXT NOT NULL,
  portion TEXT NOT NULL,
  originator TEXT NOT NULL,
  parent_id TEXT,
  order_key TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  epoch INTEGER NOT NULL,
  source_id TEXT,
  marking_version INTEGER NOT NULL DEFAULT 1,
  last_seq BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX objects_by_workspace ON objects (workspace_id);

-- Content: one snapshot per object (its epoch's), the updates after it, the Yjs client owners.
CREATE TABLE doc_snapshots (
  object_id TEXT PRIMARY KEY,
  epoch INTEGER NOT NULL,
  data BYTEA NOT NULL
);
CREATE TABLE doc_updates (
  object_id TEXT NOT NULL,
  seq BIGINT NOT NULL,
  epoch INTEGER NOT NULL,
  marking_version INTEGER NOT NULL,
  data BYTEA NOT NULL,
  author TEXT NOT NULL,
  PRIMARY KEY (object_id, seq)
);
CREATE TABLE doc_clients (
  object_id TEXT NOT NULL,
  client_id BIGINT NOT NULL,
  sub TEXT NOT NULL,
  PRIMARY KEY (object_id, client_id)
);

-- What must be relayed to the other nodes (an update, a new object, a re-mark), written in the
-- transaction that stores it. The relay (next step) publishes rows and deletes them; a sweeper
-- re-publishes what a crash left.
CREATE TABLE outbox (
  id BIGSERIAL PRIMARY KEY,
  workspace_id TEXT NOT NULL,
  object_id TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('update', 'create', 'remark')),
  epoch INTEGER NOT NULL,
  seq BIGINT NOT NULL,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- The audit log: one hash chain; appends serialise on a transaction advisory lock.
CREATE TABLE audit_log (
  seq BIGINT PRIMARY KEY,
  at TEXT NOT NULL,
  workspace_id TEXT NOT NULL,
  actor_sub TEXT NOT NULL,
  actor_nation TEXT,
  action TEXT NOT NULL,
  object_id TEXT,
  detail TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX audit_log_by_workspace ON audit_log (workspace_id, seq);
CREATE INDEX audit_log_by_object ON audit_log (object_id, seq);
CREATE INDEX audit_log_by_action ON audit_log (action, seq);
CREATE TABLE audit_head (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  seq BIGINT NOT NULL,
  hash TEXT NOT NULL
);
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the audit log is append-only';
END;
$$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();

-- Release requests, whole as JSON with the queried fields copied out. A claim (claimed_by, until)
-- lets one node at a time carry out a deadline.
CREATE TABLE release_requests (
  id TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL,
  object_id TEXT NOT NULL,
  originator TEXT NOT NULL,
  state TEXT NOT NULL,
  requested_ms BIGINT NOT NULL,
  deadline_ms BIGINT NOT NULL,
  body TEXT NOT NULL,
  claimed_by TEXT,
  claimed_until_ms BIGINT
);
CREATE INDEX release_requests_pending ON release_requests (state, deadline_ms);
CREATE INDEX release_requests_by_workspace ON release_requests (workspace_id, requested_ms);
CREATE UNIQUE INDEX release_requests_one_pending ON release_requests (object_id) WHERE state = 'pending';
