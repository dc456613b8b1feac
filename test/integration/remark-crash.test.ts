// Invariant 4: every change of who can see what is audited. A node killed as soon as a re-mark is
// stored (TEARLINE_TEST_FAULT=kill-after-remark), before anything else of it runs, comes back with
// the re-mark and its audit entry: the entry is chained in the re-mark's own transaction. Once on
// SQLite, once on PostgreSQL.
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, expect, test } from 'vitest';
import { verifyPostgresAuditLog } from '../../server/audit/postgresAuditLog';
import { verifySqliteAuditLog } from '../../server/audit/sqliteAuditLog';
import type { VerifyResult } from '../../server/audit/verify';
import { createPool } from '../../server/store/pgPool';
import { buildContent } from '../../shared/content';
import type { AuditTrailPage } from '../../shared/rest';
import { childStorage } from '../helpers/childStorage';
import { describeEngines } from '../helpers/postgres';
import { kill, spawnServer, type ChildServer } from '../helpers/process';
import { api, connect, createCell, tokenFor } from '../helpers/server';

/** Verifies the stored audit chain where the node keeps it (read only, beside the running node). */
async function verifyStored(env: Record<string, string>): Promise<VerifyResult> {
  if (env.DATABASE_URL) {
    const pool = createPool(env.DATABASE_URL);
    try {
      return await verifyPostgresAuditLog(pool);
    } finally {
      await pool.end();
    }
  }
  const db = new Database(path.join(env.TEARLINE_DATA_DIR!, 'tearline.db'), { readonly: true });
  try {
    return verifySqliteAuditLog(db);
  } finally {
    db.close();
  }
}

let running: ChildServer | undefined;
afterEach(async () => {
  if (running) await kill(running);
  running = undefined;
});

describeEngines(
  'store',
  childStorage,
  (storage) => {
    test('a node killed right after storing a re-mark comes back with the re-mark and its audit entry, the chain intact', { timeout: 120_000 }, async () => {
      const env = { ...storage(), TEARLINE_NODE_ID: 'remark-node' };
      running = await spawnServer({ ...env, TEARLINE_TEST_FAULT: 'kill-after-remark' });
      const cell = await createCell(running.url, await tokenFor(running.url, 'usa-analyst'), { name: 'Crash', template: 'adhoc', members: ['USA', 'GBR'] });
      const usa = await connect(running.url, 'usa-analyst');
      await usa.ok('workspace:join', { workspaceId: cell.id });
      const { object } = await usa.ok('object:create', { workspaceId: cell.id, kind: 'note', marking: 'SECRET//REL TO USA, GBR', content: buildContent({ body: 'x' }) });
      const died = new Promise((resolve) => running!.child.once('exit', resolve));
      // Not answered: the node dies first.
      void usa.call('object:remark', { workspaceId: cell.id, id: object.id, marking: 'SECRET//NOFORN' }).catch(() => undefined);
      await died;
      usa.close();

      running = await spawnServer(env);
      const again = await connect(running.url, 'usa-analyst');
      const { objects } = await again.ok('workspace:join', { workspaceId: cell.id });
      expect(objects.find((o) => o.id === object.id)?.marking).toBe('SECRET//NOFORN');
      const trail = await api<AuditTrailPage>(running.url, 'GET', `/api/workspaces/${cell.id}/audit`, undefined, await tokenFor(running.url, 'usa-fdo'));
      const remarks = trail.body.entries.filter((entry) => entry.action === 'object.remark' && entry.objectId === object.id);
      expect(remarks).toEqual([expect.objectContaining({ detail: expect.objectContaining({ from: 'SECRET//REL TO USA, GBR', to: 'SECRET//NOFORN', direction: 'narrow' }) })]);
      again.close();
      expect(await verifyStored(env)).toMatchObject({ ok: true });
    });
  },
);
