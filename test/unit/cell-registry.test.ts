// A cell is served even when some of its stored objects cannot be: the unreadable ones, and
// everything under them, are left out and logged; the rest is indexed as usual.
// An idle cell is let go only when nobody holds it or asked for it within the idle time.
import path from 'node:path';
import { expect, test } from 'vitest';
import { defaultPolicy } from '../../shared/markings';
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
