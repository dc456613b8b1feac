import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ReleaseRequest } from '../../shared/release';
import { pendingRequest } from '../helpers/releaseRequests';
import type { ReleaseRequestStore } from '../../server/release/requestStore';
import { createSqliteReleaseRequestStore } from '../../server/release/sqliteRequestStore';

// Contract tests take a factory so a PostgreSQL store can run the same suite later.
interface Backend {
  store: ReleaseRequestStore;
  reopen(): Backend;
  close(): void;
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
  return { store: createSqliteReleaseRequestStore(db), reopen: openSqlite, close: () => db.close() };
}

const hour = 3_600_000;
const t0 = Date.parse('2025-03-01T08:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();

function pending(id: string, overrides: Partial<ReleaseRequest> & { deadlineMs?: number } = {}): ReleaseRequest {
  return pendingRequest(id, { deadlineMs: t0 + 72 * hour, requestedMs: t0, ...overrides });
}

describe.each([['sqlite', openSqlite]])('%s release request store', (_name, open) => {
  it('stores a request whole and finds it after reopening the file', async () => {
    const first = open();
    const request = pending('r1');
    await first.store.insert(request);
    first.close();
    const second = first.reopen();
    expect(await second.store.get('r1')).toEqual(request);
    expect(await second.store.get('nope')).toBeUndefined();
    second.close();
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
    close();
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
    close();
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
    close();
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
    close();
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
    close();
  });
});
