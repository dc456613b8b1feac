// A cell is served even when some of its stored objects cannot be: the unreadable ones, and
// everything under them, are left out and logged; the rest is indexed as usual.
// An idle cell is let go only when nobody holds it or asked for it within the idle time.
// A write whose commit outcome is unknown makes the registry read again what it may have stored.
import path from 'node:path';
import { afterEach, expect, test, vi } from 'vitest';
import { defaultPolicy } from '../../shared/markings';
import { CommitOutcomeUnknown } from '../../server/errors';
import { CellRegistry, loadableEnvelopes } from '../../server/workspaces/cellRegistry';
import { SqliteStore } from '../../server/store/sqliteStore';
import { recordingLog } from '../helpers/recordingLog';
import { tempDir } from '../helpers/server';
import { envelope } from '../helpers/envelopes';
import { workspace as cellOf } from '../helpers/fakeSocket';

test('an unreadable marking leaves out that object and what belongs to it; orphans and loops fail closed', () => {
  const { loadable, quarantined } = loadableEnvelopes(defaultPolicy, [
    envelope('ok', 'SECRET//REL TO USA, GBR'),
    envelope('ok-child', 'SECRET//REL TO USA, GBR', 'ok'),
    envelope('bad', 'SECRET//REL TO USA, XYZ'),
    envelope('bad-child', 'SECRET//REL TO USA, GBR', 'bad'),
    envelope('orphan', 'SECRET//REL TO USA, GBR', 'gone'),
    envelope('loop-a', 'SECRET//REL TO USA, GBR', 'loop-b'),
    envelope('loop-b', 'SECRET//REL TO USA, GBR', 'loop-a'),
  ]);
  expect(loadable.map((e) => e.id)).toEqual(['ok', 'ok-child']);
  expect(quarantined.map((q) => [q.envelope.id, q.reason])).toEqual([
    ['bad', expect.stringMatching(/^its stored marking cannot be read \(.*XYZ.*\)$/)],
    ['bad-child', 'the object it belongs to (bad) cannot be loaded'],
    ['orphan', 'the object it belongs to (gone) is missing'],
    ['loop-a', 'its chain of parents loops'],
    ['loop-b', 'its chain of parents loops'],
  ]);
});

const workspace = { ...cellOf('w1', ['USA', 'GBR']), name: 'Cell', defaultMarking: 'SECRET//REL TO USA, GBR' };

test('the cell loads with its readable objects and logs each one left out', async () => {
  const store = new SqliteStore(path.join(tempDir(), 'c.db'), { sync: 'normal' });
  await store.createWorkspace(workspace);
  await store.createObjects([envelope('ok', 'SECRET//REL TO USA, GBR'), envelope('bad', 'SECRET//REL TO USA, XYZ')].map((e) => ({ envelope: e, content: new Uint8Array([0, 0]), author: 'usa-analyst', clients: [] })));
  const { log, errors } = recordingLog();
  const cells = new CellRegistry(store, log);
  const cell = await cells.get('w1');
  expect([...cell!.index.all()].map((o) => o.envelope.id)).toEqual(['ok']);
  expect(errors()).toEqual([expect.objectContaining({ workspaceId: 'w1', objectId: 'bad' })]);
  await store.close();
});

test('a held cell, or one asked for within the idle time, is not unloaded; an unloaded copy is marked, and the next get loads a new one', async () => {
  const store = new SqliteStore(path.join(tempDir(), 'c.db'), { sync: 'normal' });
  await store.createWorkspace(workspace);
  let now = 0;
  const cells = new CellRegistry(store, recordingLog().log, undefined, () => now);
  const cell = (await cells.get('w1'))!;
  now = 999;
  expect(cells.idle(1000)).toEqual([]);
  now = 1000;
  const release = cells.hold('w1');
  expect(cells.idle(1000)).toEqual([]);
  expect(cells.unload(cell, 1000)).toBe(false);
  release();
  release();
  expect(cells.idle(1000)).toEqual([cell]);
  await cells.get('w1');
  // Asked for since it was found idle.
  expect(cells.unload(cell, 1000)).toBe(false);
  now = 2000;
  expect(cells.unload(cell, 1000)).toBe(true);
  expect(cell.unloaded).toBe(true);
  expect(cells.loaded('w1')).toBeUndefined();
  const again = await cells.get('w1');
  expect(again).not.toBe(cell);
  expect(again!.unloaded).toBeUndefined();
  await store.close();
});

test('a loaded cell is at hand without awaiting (counted as asked for); none while it loads or once unloaded', async () => {
  const store = new SqliteStore(path.join(tempDir(), 'c.db'), { sync: 'normal' });
  await store.createWorkspace(workspace);
  let now = 0;
  const cells = new CellRegistry(store, recordingLog().log, undefined, () => now);
  expect(cells.ready('w1')).toBeUndefined();
  const loading = cells.get('w1');
  expect(cells.ready('w1')).toBeUndefined();
  const cell = (await loading)!;
  expect(cells.ready('w1')).toBe(cell);
  now = 1000;
  expect(cells.idle(1000)).toEqual([cell]);
  // Asked for again: not idle any more, as after a `get`.
  expect(cells.ready('w1')).toBe(cell);
  expect(cells.idle(1000)).toEqual([]);
  now = 2000;
  expect(cells.unload(cell, 1000)).toBe(true);
  expect(cells.ready('w1')).toBeUndefined();
  await store.close();
});

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

/** A store write that lands (`landed`) or not, then fails as a COMMIT whose answer never came. */
function failingAfter<A extends unknown[]>(landed: boolean, write: (...args: A) => Promise<unknown>): (...args: A) => Promise<never> {
  return async (...args: A) => {
    if (landed) await write(...args);
    throw new CommitOutcomeUnknown(new Error('Connection terminated unexpectedly'));
  };
}

test('a cell record change whose commit outcome is unknown: the record is read again, landed or not; a refused commit reads nothing', async () => {
  const store = new SqliteStore(path.join(tempDir(), 'c.db'), { sync: 'normal' });
  await store.createWorkspace(workspace);
  const cells = new CellRegistry(store, recordingLog().log);
  cells.rereadWith({ objects: vi.fn(), tombstones: vi.fn() });
  const cell = (await cells.get('w1'))!;
  const real = store.updateWorkspace.bind(store);
  vi.spyOn(store, 'updateWorkspace').mockImplementationOnce(failingAfter(true, real));
  await expect(cells.updateWorkspace(cell, (stored) => ({ ...stored, crossNationEditing: 'direct' }))).rejects.toBeInstanceOf(CommitOutcomeUnknown);
  expect(cell.workspace.crossNationEditing).toBe('direct');

  vi.spyOn(store, 'updateWorkspace').mockImplementationOnce(failingAfter(false, real));
  await expect(cells.updateWorkspace(cell, (stored) => ({ ...stored, crossNationEditing: 'suggest' }))).rejects.toBeInstanceOf(CommitOutcomeUnknown);
  expect(cell.workspace.crossNationEditing).toBe('direct');

  const read = vi.spyOn(store, 'getWorkspace');
  const refused = Object.assign(new Error('could not serialize access'), { severity: 'ERROR' });
  vi.spyOn(store, 'updateWorkspace').mockRejectedValueOnce(refused);
  await expect(cells.updateWorkspace(cell, (stored) => stored)).rejects.toBe(refused);
  expect(read).not.toHaveBeenCalled();
  await store.close();
});

test('a read after an unknown commit outcome that fails is tried again each second until it is done (then the writer audits), and not once the cell left memory', async () => {
  const store = new SqliteStore(path.join(tempDir(), 'c.db'), { sync: 'normal' });
  await store.createWorkspace(workspace);
  let now = 0;
  const { log, errors } = recordingLog();
  const cells = new CellRegistry(store, log, undefined, () => now);
  const tombstones = vi.fn().mockRejectedValueOnce(new Error('the database is away')).mockRejectedValueOnce(new Error('still away')).mockResolvedValue(undefined);
  cells.rereadWith({ objects: vi.fn(), tombstones });
  const cell = (await cells.get('w1'))!;
  vi.useFakeTimers();
  vi.spyOn(store, 'deleteObjects').mockImplementation(failingAfter(false, async () => undefined));
  const tombstone = { objectId: 'o1', workspaceId: 'w1', deletedAt: new Date(0).toISOString(), deletedBy: 'usa-analyst' };
  // What the writer does once the read is done (it audits what landed): once, after the read that worked.
  const reread = vi.fn(async () => undefined);
  await expect(cells.deleteObjects(cell, [tombstone], reread)).rejects.toBeInstanceOf(CommitOutcomeUnknown);
  expect(tombstones).toHaveBeenCalledTimes(1);
  await vi.advanceTimersByTimeAsync(1000);
  expect(tombstones).toHaveBeenCalledTimes(2);
  expect(reread).not.toHaveBeenCalled();
  await vi.advanceTimersByTimeAsync(1000);
  expect(tombstones).toHaveBeenCalledTimes(3);
  expect(reread).toHaveBeenCalledTimes(1);
  await vi.advanceTimersByTimeAsync(5000);
  expect(tombstones).toHaveBeenCalledTimes(3);
  expect(reread).toHaveBeenCalledTimes(1);
  expect(errors()).toHaveLength(2);

  // Failing again, then the cell leaves memory: nothing is read for a copy nobody serves.
  tombstones.mockRejectedValueOnce(new Error('away again'));
  await expect(cells.deleteObjects(cell, [tombstone])).rejects.toBeInstanceOf(CommitOutcomeUnknown);
  now = 10_000;
  expect(cells.unload(cell, 1000)).toBe(true);
  await vi.advanceTimersByTimeAsync(5000);
  expect(tombstones).toHaveBeenCalledTimes(4);
  await store.close();
});
