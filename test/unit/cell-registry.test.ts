// A cell is served even when some of its stored objects cannot be: the unreadable ones, and
// everything under them, are left out and logged; the rest is indexed as usual.
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

test('the cell loads with its readable objects and logs each one left out', async () => {
  const store = new SqliteStore(path.join(tempDir(), 'c.db'), { sync: 'normal' });
  const workspace = { ...cellOf('w1', ['USA', 'GBR']), name: 'Cell', defaultMarking: 'SECRET//REL TO USA, GBR' };
  await store.createWorkspace(workspace);
  await store.createObjects([envelope('ok', 'SECRET//REL TO USA, GBR'), envelope('bad', 'SECRET//REL TO USA, XYZ')].map((e) => ({ envelope: e, content: new Uint8Array([0, 0]), author: 'usa-analyst', clients: [] })));
  const { log, errors } = recordingLog();
  const cells = new CellRegistry(store, log);
  const cell = await cells.get('w1');
  expect([...cell!.index.all()].map((o) => o.envelope.id)).toEqual(['ok']);
  expect(errors()).toEqual([expect.objectContaining({ workspaceId: 'w1', objectId: 'bad' })]);
  await store.close();
});
