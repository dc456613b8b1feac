// The audit chain's order around a re-mark (issue 14): a re-mark's entry is chained in the
// re-mark's own transaction, and the entries the node's audit log holds queued (made before the
// re-mark, or kept through a storage fault) are chained in that transaction first, so on one node
// the chain's order is the order things were done in. Storage as a node opens it (openStorage), on
// SQLite and on PostgreSQL; the storage fault refuses the audit log's inserts. The log's group and
// retry timers are faked: a write happens only when a test lets it.
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { buildContent } from '../../shared/content';
import type { AuditActor } from '../../shared/rest';
import type { AuditDraft } from '../../server/audit/entry';
import type { AuditAppendOptions } from '../../server/audit/groupedAppends';
import { openStorage, type Storage } from '../../server/openStorage';
import type { SqliteStore } from '../../server/store/sqliteStore';
import type { AuditRecord } from '../../server/store/types';
import { noteEnvelope } from '../helpers/envelopes';
import { describeEngines, postgresTestsSkipped, useTestDatabase } from '../helpers/postgres';
import { recordingLog } from '../helpers/recordingLog';
import { tempDir } from '../helpers/server';

const TABLES = 'audit_log, audit_head, workspaces, workspace_levels, objects, doc_snapshots, doc_updates, doc_clients, outbox, doc_history';

const usa: AuditActor = { sub: 'usa-analyst', nation: 'USA' };
const gbr: AuditActor = { sub: 'gbr-analyst', nation: 'GBR' };
const fdo: AuditActor = { sub: 'usa-fdo', nation: 'USA' };
const joined = (actor: AuditActor): AuditDraft => ({ workspaceId: 'w', actor, action: 'workspace.join', detail: { level: `${actor.nation}|SECRET|` } });
const left = (actor: AuditActor): AuditDraft => ({ workspaceId: 'w', actor, action: 'workspace.leave', detail: { level: `${actor.nation}|SECRET|` } });
const remarked = (objectId: string, to: string): AuditRecord => ({ workspaceId: 'w', actor: fdo, action: 'object.remark', objectId, detail: { to } });

/** A node's storage, and a storage fault: the audit log's inserts refused (`only`: those of that actor). */
interface Engine {
  open(options?: AuditAppendOptions): Promise<Storage>;
  refuseAuditWrites(storage: Storage, only?: string): Promise<() => Promise<void>>;
}

const sqlite = (): Engine => {
  let dataDir = '';
  beforeEach(() => {
    dataDir = tempDir('tearline-audit-order-');
  });
  return {
    open: (options = {}) => openStorage({ store: 'sqlite', databaseUrl: undefined, dataDir, sqliteSync: 'normal', pgStatementTimeoutMs: 0 }, options),
    async refuseAuditWrites(storage, only) {
      const db = (storage.store as SqliteStore).db;
      const when = only ? `WHEN NEW.actor_sub = '${only}'` : '';
      db.exec(`CREATE TEMP TRIGGER refuse_audit BEFORE INSERT ON audit_log ${when} BEGIN SELECT RAISE(FAIL, 'database or disk is full'); END`);
      return async () => void db.exec('DROP TRIGGER temp.refuse_audit');
    },
  };
};

const postgres = (): Engine => {
  const url = useTestDatabase(TABLES);
  return {
    open: (options = {}) => openStorage({ store: 'postgres', databaseUrl: url(), dataDir: '', sqliteSync: 'normal', pgStatementTimeoutMs: 0 }, options),
    async refuseAuditWrites(_storage, only) {
      const admin = new pg.Client({ connectionString: url() });
      await admin.connect();
      const when = only ? `WHEN (NEW.actor_sub = '${only}')` : '';
      await admin.query(`CREATE OR REPLACE FUNCTION refuse_audit() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'could not extend file: No space left on device' USING ERRCODE = '53100'; END $$`);
      await admin.query(`CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_log FOR EACH ROW ${when} EXECUTE FUNCTION refuse_audit()`);
      return async () => {
        await admin.query('DROP TRIGGER refuse_audit ON audit_log');
        await admin.end();
      };
    },
  };
};

const opened: Storage[] = [];
beforeEach(() => {
  // Only the log's timers: the group and the retry run when a test advances them.
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
});
afterEach(async () => {
  vi.useRealTimers();
  for (const storage of opened.splice(0)) {
    await storage.audit.close();
    await storage.store.close();
  }
});

async function node(engine: Engine, options: AuditAppendOptions = {}): Promise<Storage> {
  const storage = await engine.open(options);
  opened.push(storage);
  return storage;
}

async function withNote(storage: Storage, id: string): Promise<void> {
  await storage.store.createObjects([{ envelope: noteEnvelope(id, { marking: 'SECRET//REL TO USA, GBR' }), content: buildContent({ body: id }), author: 'usa-analyst', clients: [] }]);
}

const remark = (storage: Storage, id: string, marking: string) => storage.store.remark([{ envelope: noteEnvelope(id, { marking }) }], { audit: remarked(id, marking) });

/** Lets the log's retry timer run until what it kept is written: `entries` of the cell stored in all. */
async function retried(storage: Storage, entries: number): Promise<void> {
  await vi.waitUntil(async () => storage.audit.unwritten() === 0 && (await storage.audit.listForWorkspace('w')).length === entries, { timeout: 20_000 });
}

/** The cell's entries in chain order, as `action actor` (the re-mark's: `object.remark <marking>`). */
async function trail(storage: Storage): Promise<string[]> {
  return (await storage.audit.listForWorkspace('w')).map((entry) => `${entry.action} ${entry.action === 'object.remark' ? String(entry.detail.to) : entry.actor.sub}`);
}

describeEngines('audit order', { sqlite, postgres }, (engine) => {
  test('entries kept through a storage fault are chained before a re-mark that commits once it ends, in the order things happened', async () => {
    const storage = await node(engine, { groupMs: 0 });
    await withNote(storage, 'n1');
    await storage.audit.append(joined(usa));
    const restore = await engine.refuseAuditWrites(storage);
    // Done during the fault: answered at once, kept in order.
    expect(await storage.audit.append(joined(gbr))).toBeUndefined();
    expect(await storage.audit.append(left(usa))).toBeUndefined();
    expect(storage.audit.unwritten()).toBe(2);
    await restore();
    // The re-mark commits before the log's retry is due: the kept entries go first, in its transaction.
    await remark(storage, 'n1', 'SECRET//NOFORN');
    expect(storage.audit.unwritten()).toBe(0);
    // The log is healthy again: the next append waits for its write and answers its entry.
    expect(await storage.audit.append(left(gbr))).toMatchObject({ seq: 5, action: 'workspace.leave' });
    expect(await trail(storage)).toEqual([
      'workspace.join usa-analyst',
      'workspace.join gbr-analyst',
      'workspace.leave usa-analyst',
      'object.remark SECRET//NOFORN',
      'workspace.leave gbr-analyst',
    ]);
    // The retry that was due finds nothing left to write: nothing twice.
    await vi.advanceTimersByTimeAsync(60_000);
    expect(await storage.audit.verify()).toMatchObject({ ok: true, count: 5 });
  });

  test('a re-mark the storage still refuses stores nothing; the kept entries stay ahead of later ones and are written in order once it ends', async () => {
    const storage = await node(engine, { groupMs: 0 });
    await withNote(storage, 'n1');
    const restore = await engine.refuseAuditWrites(storage);
    await storage.audit.append(joined(gbr));
    await expect(remark(storage, 'n1', 'SECRET//NOFORN')).rejects.toThrow();
    await storage.audit.append(left(gbr));
    expect(storage.audit.unwritten()).toBe(2);
    await restore();
    await retried(storage, 2);
    expect(await trail(storage)).toEqual(['workspace.join gbr-analyst', 'workspace.leave gbr-analyst']);
    expect(await storage.store.getObject('n1')).toMatchObject({ marking: 'SECRET//REL TO USA, GBR' });
    expect(await storage.audit.verify()).toMatchObject({ ok: true, count: 2 });
  });

  test('an append whose group is still open when a re-mark begins is chained before it, in its transaction, and answered with its entry', async () => {
    const storage = await node(engine);
    await withNote(storage, 'n1');
    const join = storage.audit.append(joined(gbr));
    await remark(storage, 'n1', 'SECRET//NOFORN');
    expect(await trail(storage)).toEqual(['workspace.join gbr-analyst', 'object.remark SECRET//NOFORN']);
    expect(await join).toMatchObject({ seq: 1, action: 'workspace.join' });
    expect(await storage.audit.verify()).toMatchObject({ ok: true, count: 2 });
  });

  test('entries the storage refuses on their own never hold a re-mark: it goes ahead, they stay queued in order and are written once taken', async () => {
    const server = recordingLog();
    const storage = await node(engine, { groupMs: 0, log: server.log });
    await withNote(storage, 'n1');
    const restore = await engine.refuseAuditWrites(storage, 'gbr-analyst');
    await storage.audit.append(joined(gbr));
    await remark(storage, 'n1', 'SECRET//NOFORN');
    expect(await storage.store.getObject('n1')).toMatchObject({ marking: 'SECRET//NOFORN' });
    expect(storage.audit.unwritten()).toBe(1);
    expect(server.errors().at(-1)?.msg).toMatch(/queued before a re-mark could not be written with it/);
    await restore();
    await retried(storage, 2);
    expect(await trail(storage)).toEqual(['object.remark SECRET//NOFORN', 'workspace.join gbr-analyst']);
    expect(await storage.audit.verify()).toMatchObject({ ok: true, count: 2 });
  });
});

describe.skipIf(postgresTestsSkipped)('postgres audit order, several nodes writing one chain', () => {
  const engine = postgres();

  test("each node's entries are in the order that node made them, re-marks included; the one chain verifies", async () => {
    const [a, b] = [await node(engine), await node(engine)];
    await withNote(a, 'na');
    await withNote(b, 'nb');
    vi.useRealTimers();
    // Both nodes at once, each without waiting for its own writes between steps.
    const run = async (storage: Storage, actor: AuditActor, id: string) => {
      const before = storage.audit.append(joined(actor));
      await remark(storage, id, 'SECRET//NOFORN');
      await Promise.all([before, storage.audit.append(left(actor))]);
    };
    await Promise.all([run(a, usa, 'na'), run(b, gbr, 'nb')]);
    const entries = await a.audit.listForWorkspace('w');
    const of = (actor: AuditActor, id: string) =>
      entries.filter((entry) => entry.actor.sub === actor.sub || entry.objectId === id).map((entry) => entry.action);
    expect(of(usa, 'na')).toEqual(['workspace.join', 'object.remark', 'workspace.leave']);
    expect(of(gbr, 'nb')).toEqual(['workspace.join', 'object.remark', 'workspace.leave']);
    expect(await a.audit.verify()).toMatchObject({ ok: true, count: 6 });
  });

  test("another node's entries kept through a fault are chained when that node writes them: after a re-mark made meanwhile, each with the time it was made", async () => {
    const [a, b] = [await node(engine, { groupMs: 0 }), await node(engine, { groupMs: 0 })];
    await withNote(b, 'nb');
    const restore = await engine.refuseAuditWrites(a);
    await a.audit.append(joined(usa));
    await restore();
    await remark(b, 'nb', 'SECRET//NOFORN');
    await retried(a, 2);
    const entries = await b.audit.listForWorkspace('w');
    expect(entries.map((entry) => entry.action)).toEqual(['object.remark', 'workspace.join']);
    expect(entries[1]!.at <= entries[0]!.at).toBe(true);
    expect(await b.audit.verify()).toMatchObject({ ok: true, count: 2 });
  });
});
