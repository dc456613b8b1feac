import path from 'node:path';
import { expect, test } from 'vitest';
import * as Y from 'yjs';
import { bodyOf, buildContent } from '../../shared/content';
import type { Envelope } from '../../shared/protocol';
import { DocRegistry } from '../../server/objects/docRegistry';
import { SqliteStore } from '../../server/store/sqliteStore';
import { tempDir } from '../helpers/server';

const envelope: Envelope = {
  id: 'doc1',
  workspaceId: 'w',
  kind: 'note',
  marking: 'UNCLASSIFIED',
  portion: '(U)',
  originator: 'USA',
  parentId: null,
  orderKey: 'a0',
  createdBy: 'x',
  createdAt: '2026-01-01T00:00:00Z',
  epoch: 0,
};

test('updates are compacted into a snapshot after the threshold; idle docs are evicted and reload intact', async () => {
  const store = new SqliteStore(path.join(tempDir(), 'r.db'), { sync: 'normal' });
  await store.createObjects([{ envelope, content: buildContent({ body: '' }) }]);
  const docs = new DocRegistry(store, { compactAfter: 5, idleMs: 10 });
  const writer = new Y.Doc();
  Y.applyUpdate(writer, (await store.loadDoc('doc1')).snapshot!);
  for (let i = 0; i < 12; i++) {
    const sv = Y.encodeStateVector(writer);
    bodyOf(writer).insert(bodyOf(writer).length, `${i},`);
    const update = Y.encodeStateAsUpdate(writer, sv);
    const live = await docs.apply('doc1', 0, update, 'test');
    const [seq] = await store.appendUpdates([{ objectId: 'doc1', epoch: 0, update }]);
    await docs.stored(live, seq);
  }
  // 12 updates with compaction every 5: two snapshots taken, two updates left in the log.
  expect((await store.loadDoc('doc1')).updates).toHaveLength(2);
  expect(docs.size).toBe(1);
  expect(await docs.evictIdle(Date.now() + 1000)).toBe(1);
  expect(docs.size).toBe(0);
  const { update } = await docs.encodeState('doc1');
  const reader = new Y.Doc();
  Y.applyUpdate(reader, update);
  expect(bodyOf(reader).toString()).toBe(bodyOf(writer).toString());
  const live = await docs.open('doc1');
  expect(bodyOf(live.doc).toString()).toBe('0,1,2,3,4,5,6,7,8,9,10,11,');
  await store.close();
});

test('a doc with a write in flight is not evicted; a failed write drops the in-memory doc', async () => {
  const store = new SqliteStore(path.join(tempDir(), 'r.db'), { sync: 'normal' });
  await store.createObjects([{ envelope, content: buildContent({ body: 'base' }) }]);
  const docs = new DocRegistry(store, { compactAfter: 100, idleMs: 0 });
  const base = new Y.Doc();
  Y.applyUpdate(base, (await store.loadDoc('doc1')).snapshot!);
  const sv = Y.encodeStateVector(base);
  bodyOf(base).insert(0, 'x');
  const live = await docs.apply('doc1', 0, Y.encodeStateAsUpdate(base, sv), 'test');
  expect(await docs.evictIdle(Date.now() + 1000)).toBe(0);
  await docs.stored(live, undefined);
  const reloaded = await docs.open('doc1');
  expect(bodyOf(reloaded.doc).toString()).toBe('base');
  await store.close();
});

test('a stored update that does not apply makes that doc unavailable, with a clear error, and only that doc', async () => {
  const store = new SqliteStore(path.join(tempDir(), 'r.db'), { sync: 'normal' });
  const other = { ...envelope, id: 'doc2' };
  await store.createObjects([
    { envelope, content: buildContent({ body: 'fine so far' }) },
    { envelope: other, content: buildContent({ body: 'healthy' }) },
  ]);
  await store.appendUpdates([{ objectId: 'doc1', epoch: 0, update: new TextEncoder().encode('damaged on disk') }]);
  const docs = new DocRegistry(store, { compactAfter: 100, idleMs: 0 });
  await expect(docs.open('doc1')).rejects.toMatchObject({ code: 'unavailable', message: expect.stringMatching(/cannot read this item's stored content \(object doc1\)/) });
  // Not cached: a repaired doc loads at the next try.
  expect(docs.size).toBe(0);
  expect(bodyOf((await docs.open('doc2')).doc).toString()).toBe('healthy');
  await store.close();
});
