import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import type { ReleaseRequest } from '../../shared/release';
import { pendingRequest } from '../helpers/releaseRequests';
import type { ReleaseRequestStore } from '../../server/release/requestStore';
import { createPostgresReleaseRequestStore } from '../../server/release/postgresRequestStore';
import { createSqliteReleaseRequestStore } from '../../server/release/sqliteRequestStore';
import { CommitOutcomeUnknown, toProtocolError } from '../../server/errors';
import { failCommit, fsyncFailed } from '../helpers/sqliteFaults';
import { createPool } from '../../server/store/pgPool';
import { describeEngines, useTestDatabase } from '../helpers/postgres';

// One contract suite for both stores: SQLite (one node) and PostgreSQL (several nodes on one
// database; skipped without a local PostgreSQL, never in CI).
interface Backend {
  store: ReleaseRequestStore;
  /** Another handle on the same storage (a reopened file, another node). */
  reopen(): Backend;
  close(): Promise<void>;
}


let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tearline-release-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function openSqlite(): Backend {
  const db = new Database(join(dir, 'tearline.db'));
  return { store: createSqliteReleaseRequestStore(db), reopen: openSqlite, close: async () => void db.close() };
}

function openPostgres(url: string): Backend {
  const pool = createPool(url);
  return { store: createPostgresReleaseRequestStore(pool), reopen: () => openPostgres(url), close: () => pool.end() };
}

const hour = 3_600_000;
const t0 = Date.parse('2025-03-01T08:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();

function pending(id: string, overrides: Partial<ReleaseRequest> & { deadlineMs?: number } = {}): ReleaseRequest {
  return pendingRequest(id, { deadlineMs: t0 + 72 * hour, requestedMs: t0, ...overrides });
}

/** Registers a database for the enclosing describe; answers how to open a handle (a node) on it. */
function postgresBackend(): () => Backend {
  const url = useTestDatabase('release_requests');
  return () => openPostgres(url());
}

describeEngines('release request store', { sqlite: () => openSqlite, postgres: postgresBackend }, (open) => {

  it('stores a request whole and finds it after reopening the file', async () => {
    const first = open();
    const request = pending('r1');
    await first.store.insert(request);
    await first.close();
    const second = first.reopen();
    expect(await second.store.get('r1')).toEqual(request);
    expect(await second.store.get('nope')).toBeUndefined();
    await second.close();
  });

  it('updates only from the expected state (compare-and-set)', async () => {
    const { store, close } = open();
    const request = pending('r1');
    await store.insert(request);
    const approved: ReleaseRequest = {
      ...request,
      state: 'approved',
      closedAt: iso(t0 + hour),
      decidedBy: { sub: 'usa-fdo', name: 'US FDO', nation: 'USA' },
    };
    const withdrawn: ReleaseRequest = { ...request, state: 'withdrawn', closedAt: iso(t0 + hour) };
    expect(await store.update(approved, 'pending')).toBe(true);
    expect(await store.update(withdrawn, 'pending')).toBe(false);
    expect(await store.get('r1')).toEqual(approved);
    await close();
  });

  it('keeps one pending request per object', async () => {
    const { store, close } = open();
    await store.insert(pending('r1', { objectId: 'obj-x' }));
    await expect(store.insert(pending('r2', { objectId: 'obj-x' }))).rejects.toMatchObject({ code: 'conflict' });
    const r1 = (await store.get('r1'))!;
    await store.update({ ...r1, state: 'withdrawn', closedAt: iso(t0) }, 'pending');
    await store.insert(pending('r2', { objectId: 'obj-x' }));
    expect((await store.pendingForObject('obj-x'))?.id).toBe('r2');
    expect(await store.pendingForObject('obj-y')).toBeUndefined();
    await close();
  });

  it('answers the scheduler: due requests and the next deadline, pending only', async () => {
    const { store, close } = open();
    expect(await store.nextDeadline()).toBeUndefined();
    await store.insert(pending('late', { deadlineMs: t0 + 3 * hour }));
    await store.insert(pending('soon', { deadlineMs: t0 + hour }));
    await store.insert(pending('gone', { deadlineMs: t0 + 30 * 60_000, state: 'withdrawn', closedAt: iso(t0) } as Partial<ReleaseRequest>));
    expect(await store.nextDeadline()).toEqual(new Date(t0 + hour));
    expect(await store.nextDeadline(new Date(t0 + hour))).toEqual(new Date(t0 + 3 * hour));
    expect(await store.nextDeadline(new Date(t0 + 3 * hour))).toBeUndefined();
    expect(await store.pendingDueBy(new Date(t0 + hour - 1))).toEqual([]);
    expect((await store.pendingDueBy(new Date(t0 + hour))).map((r) => r.id)).toEqual(['soon']);
    expect((await store.pendingDueBy(new Date(t0 + 5 * hour))).map((r) => r.id)).toEqual(['soon', 'late']);
    await close();
  });

  it('claims due requests for one node at a time: nodes claiming at once get disjoint ones, a lapsed claim is taken again', async () => {
    const nodeA = open();
    const nodeB = nodeA.reopen();
    for (let n = 0; n < 12; n++) await nodeA.store.insert(pending(`due-${String(n).padStart(2, '0')}`, { deadlineMs: t0 + n * 60_000 }));
    await nodeA.store.insert(pending('later', { deadlineMs: t0 + 5 * hour }));
    const now = new Date(t0 + hour);
    const [a, b] = await Promise.all([nodeA.store.claimDue(now, 'node-a', 30_000), nodeB.store.claimDue(now, 'node-b', 30_000)]);
    const claimed = [...a, ...b].map((r) => r.id);
    expect(new Set(claimed).size).toBe(claimed.length);
    expect(claimed.sort()).toEqual(Array.from({ length: 12 }, (_, n) => `due-${String(n).padStart(2, '0')}`));
    expect(a.map((r) => r.deadline)).toEqual([...a.map((r) => r.deadline)].sort());
    // Claimed and not lapsed: nobody takes them again; lapsed (that node died): taken again.
    expect(await nodeB.store.claimDue(new Date(t0 + hour + 29_999), 'node-b', 30_000)).toEqual([]);
    expect(await nodeB.store.claimDue(new Date(t0 + hour + 30_000), 'node-b', 30_000)).toHaveLength(12);
    // A request decided meanwhile is no longer claimable.
    const first = (await nodeA.store.get('due-00'))!;
    await nodeA.store.update({ ...first, state: 'withdrawn', closedAt: iso(t0) }, 'pending');
    expect((await nodeA.store.claimDue(new Date(t0 + 2 * hour), 'node-a', 30_000)).map((r) => r.id)).not.toContain('due-00');
    await Promise.all([nodeA.close(), nodeB.close()]);
  });

  it('lists the FDO inbox per workspace and per originator nation, soonest deadline first', async () => {
    const { store, close } = open();
    await store.insert(pending('us-2', { deadlineMs: t0 + 2 * hour }));
    await store.insert(pending('us-1', { deadlineMs: t0 + hour }));
    await store.insert(pending('gb-1', { originator: 'GBR' }));
    await store.insert(pending('us-other-cell', { workspaceId: 'ws-2' }));
    const ids = async (filter: Parameters<ReleaseRequestStore['listPending']>[0]) => (await store.listPending(filter)).map((r) => r.id);
    expect(await ids({ workspaceId: 'ws-1', originator: 'USA' })).toEqual(['us-1', 'us-2']);
    expect(await ids({ originator: 'USA' })).toEqual(['us-1', 'us-2', 'us-other-cell']);
    expect(await ids({ workspaceId: 'ws-1' })).toEqual(['us-1', 'us-2', 'gb-1']);
    expect(await ids({ workspaceId: 'ws-1', originator: 'AUS' })).toEqual([]);
    await close();
  });

  it('lists every request of a workspace, oldest first, whatever its state', async () => {
    const { store, close } = open();
    await store.insert(pending('b', { requestedAt: iso(t0 + 2 * hour) }));
    await store.insert(pending('a', { requestedAt: iso(t0 + hour), state: 'denied', closedAt: iso(t0 + 3 * hour), reason: 'Source protection.', decidedBy: { sub: 'usa-fdo', name: 'US FDO', nation: 'USA' } } as Partial<ReleaseRequest>));
    await store.insert(pending('c', { workspaceId: 'ws-2' }));
    expect((await store.listForWorkspace('ws-1')).map((r) => [r.id, r.state])).toEqual([
      ['a', 'denied'],
      ['b', 'pending'],
    ]);
    await close();
  });
});

it('SQLite: a request whose COMMIT fails with an I/O error may have been stored, and says so', async () => {
  const db = new Database(join(dir, 'tearline.db'));
  const store = createSqliteReleaseRequestStore(db);
  try {
    failCommit(db, fsyncFailed());
    const unconfirmed = await store.insert(pending('r1')).catch((error: unknown) => error);
    expect(unconfirmed).toBeInstanceOf(CommitOutcomeUnknown);
    expect(toProtocolError(unconfirmed).message).toMatch(/may or may not have been saved/);
    expect(await store.get('r1')).toBeUndefined();
    await store.insert(pending('r1'));
    failCommit(db, fsyncFailed());
    expect(await store.update({ ...pending('r1'), state: 'withdrawn', closedAt: iso(t0 + hour) }, 'pending').catch((error: unknown) => error)).toBeInstanceOf(CommitOutcomeUnknown);
    expect((await store.get('r1'))!.state).toBe('pending');
  } finally {
    vi.restoreAllMocks();
    db.close();
  }
});
