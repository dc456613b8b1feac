// Grouped appends, entries kept through a storage fault, and the restart record.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, expect, test, vi } from 'vitest';
import { chainEntry, type AuditDraft } from '../../server/audit/entry';
import { groupedAppends } from '../../server/audit/groupedAppends';
import { recordRestart } from '../../server/audit/restart';
import { createSqliteAuditLog } from '../../server/audit/sqliteAuditLog';
import { recordingLog } from '../helpers/recordingLog';

let dir: string;
let db: Database.Database;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tearline-audit-group-'));
  db = new Database(join(dir, 'tearline.db'));
  db.pragma('journal_mode = WAL');
});
afterEach(() => {
  vi.useRealTimers();
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const usa = { sub: 'usa-analyst', nation: 'USA' };
const gbr = { sub: 'gbr-analyst', nation: 'GBR' };
const join_ = (workspaceId: string, actor = usa, level = 'USA|SECRET|'): AuditDraft => ({ workspaceId, actor, action: 'workspace.join', detail: { level } });
const leave = (workspaceId: string, actor = usa, level = 'USA|SECRET|'): AuditDraft => ({ workspaceId, actor, action: 'workspace.leave', detail: { level } });

/** Storage that refuses the audit's inserts, as a full disk does (a trigger on this connection only). */
function refuseAuditWrites(): () => void {
  db.exec("CREATE TEMP TRIGGER refuse_audit BEFORE INSERT ON audit_log BEGIN SELECT RAISE(FAIL, 'database or disk is full'); END");
  return () => db.exec('DROP TRIGGER temp.refuse_audit');
}

test('appends made together share one transaction, chained in the order they were made', async () => {
  const log = createSqliteAuditLog(db);
  const watcher = new Database(join(dir, 'tearline.db'), { readonly: true });
  const commitsBefore = watcher.pragma('data_version', { simple: true }) as number;
  const entries = await Promise.all(Array.from({ length: 40 }, (_, n) => log.append(join_(`ws-${n}`))));
  expect(watcher.pragma('data_version', { simple: true })).toBe(commitsBefore + 1);
  watcher.close();
  expect(entries.map((entry) => entry?.workspaceId)).toEqual(Array.from({ length: 40 }, (_, n) => `ws-${n}`));
  expect(entries.map((entry) => entry?.seq)).toEqual(Array.from({ length: 40 }, (_, n) => n + 1));
  expect(await log.verify()).toMatchObject({ ok: true, count: 40 });
});

test('entries the storage refuses are kept in order, answered at once meanwhile, and written when it takes writes again', async () => {
  vi.useFakeTimers();
  const server = recordingLog();
  const outcomes: unknown[] = [];
  const log = createSqliteAuditLog(db, undefined, {
    groupMs: 0,
    log: server.log,
    outcomes: { wrote: (error) => void outcomes.push(error ?? 'ok') },
  });
  await log.append(join_('ws-1'));
  const restore = refuseAuditWrites();
  const refused = log.append(leave('ws-1'));
  // The leave happened: whoever waited for its record is answered, the entry stays queued.
  expect(await refused).toBeUndefined();
  expect(await log.append(join_('ws-1', gbr, 'GBR|SECRET|'))).toBeUndefined();
  expect(log.unwritten()).toBe(2);
  expect(server.errors()).toHaveLength(1);
  expect(outcomes.at(-1)).toMatchObject({ code: 'SQLITE_CONSTRAINT_TRIGGER' });
  // Retried with a backoff: 100 ms, then 200 ms, … while the storage still refuses.
  await vi.advanceTimersByTimeAsync(100);
  expect(server.errors()).toHaveLength(2);
  restore();
  await vi.advanceTimersByTimeAsync(200);
  expect(log.unwritten()).toBe(0);
  expect(outcomes.at(-1)).toBe('ok');
  expect((await log.listForWorkspace('ws-1')).map((entry) => [entry.action, entry.actor.sub])).toEqual([
    ['workspace.join', 'usa-analyst'],
    ['workspace.leave', 'usa-analyst'],
    ['workspace.join', 'gbr-analyst'],
  ]);
  expect(await log.verify()).toMatchObject({ ok: true, count: 3 });
  // Healthy again: appends wait for their write and answer the stored entry.
  expect(await log.append(leave('ws-1', gbr))).toMatchObject({ seq: 4 });
});

test('entries still refused when the log closes are reported in full in the server log, not dropped silently', async () => {
  const server = recordingLog();
  const log = createSqliteAuditLog(db, undefined, { log: server.log });
  refuseAuditWrites();
  await log.append(join_('ws-1'));
  await log.close();
  expect(server.errors().at(-1)?.entries).toEqual([expect.objectContaining({ workspaceId: 'ws-1', action: 'workspace.join' })]);
});

test('a restart closes in the log the sessions a crash left open, says why, and is recorded once', async () => {
  const log = createSqliteAuditLog(db);
  for (const draft of [join_('ws-1'), join_('ws-1'), leave('ws-1'), join_('ws-1', gbr, 'GBR|SECRET|'), leave('ws-1', gbr, 'GBR|SECRET|'), join_('ws-2')]) await log.append(draft);
  await log.append({ workspaceId: 'ws-2', actor: usa, action: 'membership.change', detail: { from: 'USA|SECRET|', to: 'USA|TOP SECRET|' } });

  expect(await recordRestart(log)).toBe(2);
  const closing = (workspaceId: string) =>
    log.listForWorkspace(workspaceId).then((entries) => entries.filter((entry) => entry.detail.reason || entry.action === 'server.restart').map(({ action, actor, detail }) => ({ action, sub: actor.sub, detail })));
  expect(await closing('ws-1')).toEqual([
    { action: 'workspace.leave', sub: 'usa-analyst', detail: { level: 'USA|SECRET|', reason: 'server restarted' } },
    { action: 'server.restart', sub: 'system', detail: { sessionsClosed: 1 } },
  ]);
  expect(await closing('ws-2')).toEqual([
    { action: 'workspace.leave', sub: 'usa-analyst', detail: { level: 'USA|TOP SECRET|', reason: 'server restarted' } },
    { action: 'server.restart', sub: 'system', detail: { sessionsClosed: 1 } },
  ]);
  // A clean stop after this (every join left) records nothing more.
  await log.append(join_('ws-1', gbr, 'GBR|SECRET|'));
  await log.append(leave('ws-1', gbr, 'GBR|SECRET|'));
  expect(await recordRestart(log)).toBe(0);
  expect(await log.verify()).toMatchObject({ ok: true, count: 13 });
});

test("another transaction's write (a re-mark's) waits for the write under way, takes what is queued, and holds later writes until it ends", async () => {
  const writes: string[][] = [];
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  const stored = (drafts: readonly AuditDraft[]) => drafts.map((draft) => chainEntry(null, draft, new Date()));
  const appends = groupedAppends(
    async (drafts) => {
      writes.push(drafts.map((draft) => draft.workspaceId));
      if (writes.length === 1) await gate;
      return stored(drafts);
    },
    () => new Date(),
    { groupMs: 0 },
  );
  const first = appends.append(join_('under-way'));
  await Promise.resolve();
  expect(writes).toEqual([['under-way']]);
  const queuedBefore = appends.append(join_('queued'));
  let during: Promise<unknown> | undefined;
  const remark = appends.withQueued(async (queued) => {
    writes.push([...queued.drafts.map((draft) => draft.workspaceId), 'remark']);
    during = appends.append(join_('during'));
    await Promise.resolve();
    queued.chained(stored(queued.drafts));
    return 'remarked';
  });
  // Nothing of the re-mark runs while the write under way has not ended.
  await Promise.resolve();
  expect(writes).toEqual([['under-way']]);
  open();
  expect(await remark).toBe('remarked');
  await Promise.all([first, queuedBefore, during]);
  expect(writes).toEqual([['under-way'], ['queued', 'remark'], ['during']]);
  expect(await queuedBefore).toMatchObject({ workspaceId: 'queued' });
});
