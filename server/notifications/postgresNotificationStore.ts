// PostgreSQL notifications and cell people, shared by every node (migration 0005_notifications.sql).
import type { Pool } from '../store/pgPool';
import { notificationOf, targetColumns, type CellPerson, type NotificationRow, type NotificationStore } from './store';

export function createPostgresNotificationStore(pool: Pool): NotificationStore {
  return {
    async add(items) {
      if (items.length === 0) return;
      const values: unknown[] = [];
      const rows = items.map(({ target, notification: n }, i) => {
        values.push(n.id, n.workspaceId, ...targetColumns(target), n.objectId, n.at, JSON.stringify(n));
        return `($${i * 7 + 1}, $${i * 7 + 2}, $${i * 7 + 3}, $${i * 7 + 4}, $${i * 7 + 5}, $${i * 7 + 6}, $${i * 7 + 7})`;
      });
      await pool.query(`INSERT INTO notifications (id, workspace_id, target_kind, target, object_id, created_at, body) VALUES ${rows.join(', ')}`, values);
    },
    async forReader(workspaceId, reader, limit) {
      const { rows } = await pool.query<NotificationRow>(
        `SELECT n.body AS body, r.sub IS NOT NULL AS read FROM notifications n
           LEFT JOIN notification_reads r ON r.notification_id = n.id AND r.sub = $2
         WHERE n.workspace_id = $1 AND ((n.target_kind = 'person' AND n.target = $2)
           OR (n.target_kind = 'nation' AND n.target = $3) OR (n.target_kind = 'fdos' AND n.target = $3 AND $4))
         ORDER BY n.created_at DESC, n.id COLLATE "C" DESC LIMIT $5`,
        [workspaceId, reader.sub, reader.nation, reader.fdo, limit],
      );
      return rows.map(notificationOf);
    },
    async markRead(sub, ids) {
      if (ids.length === 0) return;
      await pool.query('INSERT INTO notification_reads (sub, notification_id) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING', [sub, ids]);
    },
    async rememberPerson(workspaceId, person) {
      await pool.query(
        'INSERT INTO cell_people (workspace_id, sub, body) VALUES ($1, $2, $3) ON CONFLICT (workspace_id, sub) DO UPDATE SET body = excluded.body',
        [workspaceId, person.sub, JSON.stringify(person)],
      );
    },
    async person(workspaceId, sub) {
      const { rows } = await pool.query<{ body: string }>('SELECT body FROM cell_people WHERE workspace_id = $1 AND sub = $2', [workspaceId, sub]);
      return rows[0] ? (JSON.parse(rows[0].body) as CellPerson) : undefined;
    },
  };
}
