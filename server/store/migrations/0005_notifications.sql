-- Notifications (one row per target: a person, a nation's FDOs, a nation), read marks per person,
-- and the people who opened each cell (who a mention may name). server/notifications/.
CREATE TABLE notifications (
  id TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL,
  target_kind TEXT NOT NULL,
  target TEXT NOT NULL,
  object_id TEXT NOT NULL,
  created_at TEXT NOT NULL,
  body TEXT NOT NULL
);
CREATE INDEX notifications_by_target ON notifications (workspace_id, target_kind, target, created_at);
CREATE TABLE notification_reads (sub TEXT NOT NULL, notification_id TEXT NOT NULL, PRIMARY KEY (sub, notification_id));
CREATE TABLE cell_people (workspace_id TEXT NOT NULL, sub TEXT NOT NULL, body TEXT NOT NULL, PRIMARY KEY (workspace_id, sub));
