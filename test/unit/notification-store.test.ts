// One contract suite for the notification stores, SQLite (one node) and PostgreSQL (several nodes
// on one database, migration 0005_notifications.sql; skipped without a local PostgreSQL, never in
// CI): stored per target, read per person with their read marks, kept across a reopen.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { NotificationTarget } from '../../shared/notifications';
import { createPostgresNotificationStore } from '../../server/notifications/postgresNotificationStore';
import { createSqliteNotificationStore } from '../../server/notifications/sqliteNotificationStore';
import type { NotificationStore, StoredNotification } from '../../server/notifications/store';
import { createPool } from '../../server/store/pgPool';
import { describeEngines, useTestDatabase } from '../helpers/postgres';

interface Backend {
  store: NotificationStore;
  reopen(): Backend;
  close(): Promise<void>;
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tearline-notifications-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function openSqlite(): Backend {
  const db = new Database(join(dir, 'tearline.db'));
  return { store: createSqliteNotificationStore(db), reopen: openSqlite, close: async () => void db.close() };
}

function openPostgres(url: string): Backend {
  const pool = createPool(url);
  return { store: createPostgresNotificationStore(pool), reopen: () => openPostgres(url), close: () => pool.end() };
}

function postgresBackend(): () => Backend {
  const url = useTestDatabase('notifications, notification_reads, cell_people');
  return () => openPostgres(url());
}

function item(id: string, target: NotificationTarget, minute: number, workspaceId = 'cell'): StoredNotification {
  return { target, notification: { id, workspaceId, kind: 'mention', objectId: `obj-${id}`, at: new Date(Date.UTC(2026, 10, 30, 12, minute)).toISOString(), actor: { name: 'Alex', nation: 'USA' } } };
}

describeEngines('notification store', { sqlite: () => openSqlite, postgres: postgresBackend }, (open) => {
  it('gives each reader what names them (themselves, their nation, their nation’s FDOs), newest first, after a reopen', async () => {
    const first = open();
    await first.store.add([
      item('a', { kind: 'person', sub: 'jpn-analyst' }, 1),
      item('b', { kind: 'nation', nation: 'JPN' }, 2),
      item('c', { kind: 'fdos', nation: 'JPN' }, 3),
      item('d', { kind: 'nation', nation: 'GBR' }, 4),
      item('e', { kind: 'person', sub: 'jpn-analyst' }, 5, 'other-cell'),
    ]);
    await first.close();
    const second = first.reopen();
    const analyst = await second.store.forReader('cell', { sub: 'jpn-analyst', nation: 'JPN', fdo: false }, 10);
    expect(analyst.map((n) => n.id)).toEqual(['b', 'a']);
    const fdo = await second.store.forReader('cell', { sub: 'jpn-fdo', nation: 'JPN', fdo: true }, 10);
    expect(fdo.map((n) => n.id)).toEqual(['c', 'b']);
    expect(analyst[0]).toMatchObject({ kind: 'mention', objectId: 'obj-b', actor: { name: 'Alex', nation: 'USA' }, read: false });
    expect(await second.store.forReader('cell', { sub: 'jpn-analyst', nation: 'JPN', fdo: false }, 1)).toHaveLength(1);
    await second.close();
  });

  it('keeps read marks per person', async () => {
    const backend = open();
    await backend.store.add([item('n', { kind: 'nation', nation: 'JPN' }, 1)]);
    await backend.store.markRead('jpn-analyst', ['n']);
    await backend.store.markRead('jpn-analyst', ['n']);
    expect((await backend.store.forReader('cell', { sub: 'jpn-analyst', nation: 'JPN', fdo: false }, 10))[0]!.read).toBe(true);
    expect((await backend.store.forReader('cell', { sub: 'jpn-other', nation: 'JPN', fdo: false }, 10))[0]!.read).toBe(false);
    await backend.close();
  });

  it('remembers the people of a cell as they last joined it', async () => {
    const backend = open();
    await backend.store.rememberPerson('cell', { sub: 'jpn-analyst', name: 'Sato', participant: { nation: 'JPN', clearance: 'S', compartments: [] } });
    await backend.store.rememberPerson('cell', { sub: 'jpn-analyst', name: 'Sato', participant: { nation: 'JPN', clearance: 'TS', compartments: [] } });
    expect(await backend.store.person('cell', 'jpn-analyst')).toEqual({ sub: 'jpn-analyst', name: 'Sato', participant: { nation: 'JPN', clearance: 'TS', compartments: [] } });
    expect(await backend.store.person('other-cell', 'jpn-analyst')).toBeUndefined();
    await backend.close();
  });
});
