// SQLite notifications and cell people (better-sqlite3, Database injected): the same tables as
// PostgreSQL's migration 0005_notifications.sql.
import type Database from 'better-sqlite3';
import { notificationOf, targetColumns, type CellPerson, type NotificationRow, type NotificationStore } from './store';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS notifications (
  id TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL,
  target_kind TEXT NOT NULL,
  target TEXT NOT NULL,
  object_id TEXT NOT NULL,
  created_at TEXT NOT NULL,
  body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS notifications_by_target ON notifications (workspace_id, target_kind, target, created_at);
CREATE TABLE IF NOT EXISTS notification_reads (sub TEXT NOT NULL, notification_id TEXT NOT NULL, PRIMARY KEY (sub, notification_id));
CREATE TABLE IF NOT EXISTS cell_people (workspace_id TEXT NOT NULL, sub TEXT NOT NULL, body TEXT NOT NULL, PRIMARY KEY (workspace_id, sub));
`;

export function createSqliteNotificationStore(db: Database.Database): NotificationStore {
  db.exec(SCHEMA);
  const insert = db.prepare('INSERT INTO notifications (id, workspace_id, target_kind, target, object_id, created_at, body) VALUES (?, ?, ?, ?, ?, ?, ?)');
  const forReader = db.prepare<{ workspaceId: string; sub: string; nation: string; fdo: number; limit: number }, NotificationRow>(
    `SELECT n.body AS body, r.sub IS NOT NULL AS read FROM notifications n
       LEFT JOIN notification_reads r ON r.notification_id = n.id AND r.sub = @sub
     WHERE n.workspace_id = @workspaceId AND ((n.target_kind = 'person' AND n.target = @sub)
       OR (n.target_kind = 'nation' AND n.target = @nation) OR (n.target_kind = 'fdos' AND n.target = @nation AND @fdo = 1))
     ORDER BY n.created_at DESC, n.id DESC LIMIT @limit`,
  );
  const markRead = db.prepare('INSERT OR IGNORE INTO notification_reads (sub, notification_id) VALUES (?, ?)');
  const putPerson = db.prepare('INSERT INTO cell_people (workspace_id, sub, body) VALUES (?, ?, ?) ON CONFLICT (workspace_id, sub) DO UPDATE SET body = excluded.body');
  const getPerson = db.prepare<[string, string], { body: string }>('SELECT body FROM cell_people WHERE workspace_id = ? AND sub = ?');
  const addAll = db.transaction((items: Parameters<NotificationStore['add']>[0]) => {
    for (const { target, notification: n } of items) insert.run(n.id, n.workspaceId, ...targetColumns(target), n.objectId, n.at, JSON.stringify(n));
  });
  const readAll = db.transaction((sub: string, ids: readonly string[]) => {
    for (const id of ids) markRead.run(sub, id);
  });
  return {
    async add(items) {
      addAll(items);
    },
    async forReader(workspaceId, reader, limit) {
      return forReader.all({ workspaceId, sub: reader.sub, nation: reader.nation, fdo: reader.fdo ? 1 : 0, limit }).map(notificationOf);
    },
    async markRead(sub, ids) {
      readAll(sub, ids);
    },
    async rememberPerson(workspaceId, person) {
      putPerson.run(workspaceId, person.sub, JSON.stringify(person));
    },
    async person(workspaceId, sub) {
      const row = getPerson.get(workspaceId, sub);
      return row ? (JSON.parse(row.body) as CellPerson) : undefined;
    },
  };
}
