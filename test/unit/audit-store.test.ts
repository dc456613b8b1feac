import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AuditDraft } from '../../server/audit/entry';
import type { AuditLog } from '../../server/audit/log';
import { createPostgresAuditLog } from '../../server/audit/postgresAuditLog';
import { createSqliteAuditLog } from '../../server/audit/sqliteAuditLog';
import { verifyChain } from '../../server/audit/verify';
import { createPool } from '../../server/store/pgPool';
import { recordRestart } from '../../server/audit/restart';
import { describeEngines, postgresTestsSkipped, useTestDatabase } from '../helpers/postgres';

// One contract suite for both audit logs: SQLite (one node) and PostgreSQL (several nodes on one
// database; skipped without a local PostgreSQL, never in CI).
interface Backend {
  log: AuditLog;
  /** Runs raw SQL against the stored log as the database's owner would, triggers in place. */
  raw(sql: string): Promise<void>;
  /** Runs raw SQL against the stored log with the append-only triggers out of the way. */
  tamper(sql: string): Promise<void>;
  close(): Promise<void>;
}

const clock = () => new Date('2025-03-01T08:00:00.000Z');
let dir: string;

function openSqlite(): Backend {
  const db = new Database(join(dir, 'tearline.db'));
  const log = createSqliteAuditLog(db, clock);
  const raw = async (sql: string) => {
    const other = new Database(join(dir, 'tearline.db'));
    try {
      other.exec(sql);
    } finally {
      other.close();
    }
  };
  return {
    log,
    raw,
    tamper: (sql) => raw(`DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete; ${sql}`),
    close: async () => {
      await log.close();
      db.close();
    },
  };
}

function openPostgres(url: string): Backend {
  const pool = createPool(url);
  const log = createPostgresAuditLog(pool, clock);
  const raw = async (sql: string) => {
    await pool.query(sql);
  };
  return {
    log,
    raw,
    tamper: (sql) => raw(`ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update; ${sql}; ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update`),
    close: async () => {
      await log.close();
      await pool.end();
    },
  };
}

function draft(n: number, workspaceId = 'ws-1'): AuditDraft {
  return {
    workspaceId,
    actor: { sub: 'usa-fdo', nation: 'USA' },
    action: 'object.remark',
    objectId: `obj-${n}`,
    detail: { from: 'SECRET//NOFORN', to: 'SECRET//REL TO USA, GBR' },
  };
}

async function seed(log: AuditLog, count: number): Promise<void> {
  for (let n = 1; n <= count; n++) await log.append(draft(n, n % 2 ? 'ws-1' : 'ws-2'));
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tearline-audit-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Registers a database for the enclosing describe; answers how to open a handle (a node) on it. */
function postgresBackend(): () => Backend {
  const url = useTestDatabase('audit_log, audit_head');
  return () => openPostgres(url());
}

describeEngines('audit log', { sqlite: () => openSqlite, postgres: postgresBackend }, (open) => {

  it('appends a chain that survives reopening and keeps growing from its last hash', async () => {
    const first = open();
    const one = (await first.log.append(draft(1)))!;
    const two = (await first.log.append({ ...draft(2), objectId: null, action: 'workspace.join', detail: {} }))!;
    expect(two).toMatchObject({ seq: 2, prevHash: one.hash, objectId: null, at: '2025-03-01T08:00:00.000Z' });
    await first.close();

    const second = open();
    const three = (await second.log.append(draft(3)))!;
    expect(three).toMatchObject({ seq: 3, prevHash: two.hash });
    expect(await second.log.verify()).toEqual({ ok: true, count: 3, head: { seq: 3, hash: three.hash } });
    expect(await second.log.listForWorkspace('ws-1')).toEqual([one, two, three]);
    await second.close();
  });

  it("a node restarting closes only its own sessions left open, never another node's live ones", async () => {
    const backend = open();
    const actor = { sub: 'usa-analyst', nation: 'USA' };
    const session = (action: 'workspace.join' | 'workspace.leave', node: string) => backend.log.append({ workspaceId: 'ws-1', actor, action, objectId: null, detail: { level: 'L', node } });
    await session('workspace.join', 'node-1');
    await session('workspace.join', 'node-2');
    await session('workspace.join', 'node-2');
    await session('workspace.leave', 'node-2');
    expect(await recordRestart(backend.log, 'node-1')).toBe(1);
    expect(await recordRestart(backend.log, 'node-1')).toBe(0);
    // node-2's open session is its own business: closed when node-2 restarts, once.
    expect(await recordRestart(backend.log, 'node-2')).toBe(1);
    expect(await recordRestart(backend.log, 'node-2')).toBe(0);
    const closed = (await backend.log.listForWorkspace('ws-1')).filter((entry) => entry.detail.reason).map((entry) => entry.detail.node);
    expect(closed).toEqual(['node-1', 'node-2']);
    await backend.close();
  });

  it('lists one workspace in seq order, paged', async () => {
    const backend = open();
    await seed(backend.log, 7);
    const ws1 = await backend.log.listForWorkspace('ws-1');
    expect(ws1.map((e) => e.seq)).toEqual([1, 3, 5, 7]);
    expect((await backend.log.listForWorkspace('ws-1', { afterSeq: 1, limit: 2 })).map((e) => e.seq)).toEqual([3, 5]);
    expect((await backend.log.listForWorkspace('ws-2', { afterSeq: 2 })).map((e) => e.seq)).toEqual([4, 6]);
    await backend.close();
  });

  it('lists one object\'s history in seq order, across workspaces', async () => {
    const backend = open();
    await seed(backend.log, 4);
    const again = (await backend.log.append({ ...draft(2, 'ws-2'), detail: { requestId: 'r-1' } }))!;
    expect((await backend.log.listForObject('obj-2')).map((e) => [e.seq, e.detail.requestId ?? null])).toEqual([
      [2, null],
      [again.seq, 'r-1'],
    ]);
    expect(await backend.log.listForObject('obj-none')).toEqual([]);
    await backend.close();
  });

  it('refuses updates and deletes through the database itself', async () => {
    const backend = open();
    await seed(backend.log, 2);
    await expect(backend.raw("UPDATE audit_log SET detail = '{}' WHERE seq = 1")).rejects.toThrow(/append-only/);
    await expect(backend.raw('DELETE FROM audit_log WHERE seq = 2')).rejects.toThrow(/append-only/);
    expect(await backend.log.verify()).toMatchObject({ ok: true, count: 2 });
    await backend.close();
  });

  describe('tampering with the stored log makes verify fail at that entry', () => {
    it.each([
      ['the detail', `UPDATE audit_log SET detail = '{"from":"SECRET//NOFORN","to":"UNCLASSIFIED"}' WHERE seq = 4`, 4, /altered/],
      ['the detail with text that is not JSON', `UPDATE audit_log SET detail = 'nonsense' WHERE seq = 4`, 4, /altered/],
      ['the actor', `UPDATE audit_log SET actor_sub = 'mallory' WHERE seq = 2`, 2, /altered/],
      ['the actor nation', `UPDATE audit_log SET actor_nation = 'GBR' WHERE seq = 6`, 6, /altered/],
      ['the time', `UPDATE audit_log SET at = '2024-01-01T00:00:00.000Z' WHERE seq = 1`, 1, /altered/],
      ['the action', `UPDATE audit_log SET action = 'release.deny' WHERE seq = 5`, 5, /altered/],
      ['the object', `UPDATE audit_log SET object_id = NULL WHERE seq = 3`, 3, /altered/],
      ['the workspace', `UPDATE audit_log SET workspace_id = 'ws-9' WHERE seq = 3`, 3, /altered/],
      ['the stored hash', `UPDATE audit_log SET hash = '${'b'.repeat(64)}' WHERE seq = 3`, 3, /altered/],
      ['the previous hash', `UPDATE audit_log SET prev_hash = '${'c'.repeat(64)}' WHERE seq = 5`, 5, /does not follow/],
    ])('altering %s', async (_what, sql, seq, reason) => {
      const backend = open();
      await seed(backend.log, 6);
      await backend.tamper(sql);
      expect(await backend.log.verify()).toMatchObject({ ok: false, seq, reason: expect.stringMatching(reason) });
      await backend.close();
    });

    it.each([1, 3, 6])('removing entry %i', async (seq) => {
      const backend = open();
      await seed(backend.log, 6);
      await backend.tamper(`DELETE FROM audit_log WHERE seq = ${seq}`);
      expect(await backend.log.verify()).toMatchObject({ ok: false, seq, reason: expect.stringMatching(/missing/) });
      await backend.close();
    });

    it('removing the last entries and the recorded head with them', async () => {
      const backend = open();
      await seed(backend.log, 6);
      await backend.tamper('DELETE FROM audit_log WHERE seq >= 5; DELETE FROM audit_head;');
      expect(await backend.log.verify()).toMatchObject({ ok: false, seq: 4, reason: expect.stringMatching(/head/) });
      await backend.close();
    });

    it('reordering two entries (swapping their positions)', async () => {
      const backend = open();
      await seed(backend.log, 6);
      await backend.tamper('UPDATE audit_log SET seq = -1 WHERE seq = 2; UPDATE audit_log SET seq = 2 WHERE seq = 5; UPDATE audit_log SET seq = 5 WHERE seq = -1;');
      expect(await backend.log.verify()).toMatchObject({ ok: false, seq: 2, reason: expect.stringMatching(/entry 2/) });
      await backend.close();
    });

    it('an entry inserted in the middle', async () => {
      const backend = open();
      await seed(backend.log, 4);
      await backend.tamper(
        `UPDATE audit_log SET seq = seq + 10 WHERE seq >= 3; UPDATE audit_log SET seq = seq - 9 WHERE seq >= 13;` +
          `INSERT INTO audit_log SELECT 3, at, workspace_id, 'mallory', actor_nation, action, object_id, detail, hash, hash FROM audit_log WHERE seq = 2;`,
      );
      expect(await backend.log.verify()).toMatchObject({ ok: false, seq: 3 });
      await backend.close();
    });

    it('leaves an untouched log verifiable', async () => {
      const backend = open();
      await seed(backend.log, 6);
      await backend.tamper('SELECT 1');
      expect(await backend.log.verify()).toMatchObject({ ok: true, count: 6 });
      await backend.close();
    });
  });
});

describe.skipIf(postgresTestsSkipped)('postgres audit log on several nodes', () => {
  const url = useTestDatabase();

  it('two nodes appending to one cell at once keep one valid chain', async () => {
    const nodes = [openPostgres(url()), openPostgres(url())];
    // Each node appends one entry at a time: 60 transactions racing for the end of the chain.
    const run = async (k: number) => {
      const stored = [];
      for (let n = 0; n < 30; n++) stored.push(await nodes[k]!.log.append({ ...draft(n), workspaceId: 'ws-1', objectId: `node-${k}-${n}` }));
      return stored;
    };
    const [fromA, fromB] = await Promise.all([run(0), run(1)]);
    // None refused (an append chained onto an entry another node chained onto first would be).
    expect([...fromA, ...fromB].every((entry) => entry !== undefined)).toBe(true);
    const stored = await nodes[0]!.log.listForWorkspace('ws-1', { limit: 100 });
    expect(verifyChain(stored)).toMatchObject({ ok: true, count: 60 });
    expect(stored.filter((entry) => entry.objectId!.startsWith('node-1-')).map((entry) => entry.objectId)).toEqual(fromB.map((entry) => entry!.objectId));
    expect(await nodes[1]!.log.verify()).toMatchObject({ ok: true, count: 60 });
    await Promise.all(nodes.map((node) => node.close()));
  });
});
