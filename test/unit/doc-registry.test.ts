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
  await store.createObjects([{ envelope, content: buildContent({ body: '' }), author: 'x', clients: [] }]);
  const docs = new DocRegistry(store, { compactAfter: 5, idleMs: 10, maxDocBytes: 1 << 20 });
  const writer = new Y.Doc();
  Y.applyUpdate(writer, (await store.loadDoc('doc1')).snapshot!);
  for (let i = 0; i < 12; i++) {
    const sv = Y.encodeStateVector(writer);
    bodyOf(writer).insert(bodyOf(writer).length, `${i},`);
    const update = Y.encodeStateAsUpdate(writer, sv);
    const { live, newClients } = await docs.apply('doc1', 0, update, 'writer');
    const [seq] = await store.appendUpdates([{ objectId: 'doc1', epoch: 0, update, author: 'writer', newClients }]);
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
  await store.createObjects([{ envelope, content: buildContent({ body: 'base' }), author: 'x', clients: [] }]);
  const docs = new DocRegistry(store, { compactAfter: 100, idleMs: 0, maxDocBytes: 1 << 20 });
  const base = new Y.Doc();
  Y.applyUpdate(base, (await store.loadDoc('doc1')).snapshot!);
  const sv = Y.encodeStateVector(base);
  bodyOf(base).insert(0, 'x');
  const { live } = await docs.apply('doc1', 0, Y.encodeStateAsUpdate(base, sv), 'writer');
  expect(await docs.evictIdle(Date.now() + 1000)).toBe(0);
  await docs.stored(live, undefined);
  const reloaded = await docs.open('doc1');
  expect(bodyOf(reloaded.doc).toString()).toBe('base');
  await store.close();
});

/** An update that appends `text` to a doc whose state is `base`. */
function appendUpdate(base: Uint8Array, change: (text: Y.Text) => void): Uint8Array {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, base);
  const sv = Y.encodeStateVector(doc);
  change(bodyOf(doc));
  return Y.encodeStateAsUpdate(doc, sv);
}

test('new epochs: an update applied but not yet stored is in the copy, its late write is never read, the old epoch is closed', async () => {
  const store = new SqliteStore(path.join(tempDir(), 'r.db'), { sync: 'normal' });
  const other = { ...envelope, id: 'doc2' };
  await store.createObjects([
    { envelope, content: buildContent({ body: 'base' }), author: 'x', clients: [] },
    { envelope: other, content: buildContent({ body: 'kept' }), author: 'x', clients: [] },
  ]);
  const docs = new DocRegistry(store, { compactAfter: 100, idleMs: 0, maxDocBytes: 1 << 20 });
  // doc2 is not in memory; its log holds text typed and deleted.
  const typed = appendUpdate((await docs.encodeState('doc2')).update, (t) => t.insert(4, ' SECRET-TYPED'));
  const state = Y.mergeUpdates([(await docs.encodeState('doc2')).update, typed]);
  const deleted = appendUpdate(state, (t) => t.delete(4, ' SECRET-TYPED'.length));
  await store.appendUpdates([typed, deleted].map((update) => ({ objectId: 'doc2', epoch: 0, update, author: 'x', newClients: [] })));

  const pending = appendUpdate((await docs.encodeState('doc1')).update, (t) => t.insert(4, '+pending'));
  const { live, newClients } = await docs.apply('doc1', 0, pending, 'test');
  const copies = await docs.startEpochs(new Map([['doc1', 1], ['doc2', 1]]), (fresh) =>
    store.remark([...fresh].map(([id, content]) => ({ envelope: { ...envelope, id, epoch: 1 }, content }))),
  );
  const [seq] = await store.appendUpdates([{ objectId: 'doc1', epoch: 0, update: pending, author: 'test', newClients }]);
  await docs.stored(live, seq);

  await expect(docs.apply('doc1', 0, appendUpdate(pending, (t) => t.insert(0, 'late')), 'test')).rejects.toMatchObject({ code: 'conflict' });
  expect(await docs.evictIdle(Date.now() + 1000)).toBe(2);
  for (const [id, text] of [['doc1', 'base+pending'], ['doc2', 'kept']] as const) {
    const { epoch, update } = await docs.encodeState(id);
    expect(epoch).toBe(1);
    expect(update).toEqual(copies.get(id));
    expect(Buffer.from(update).includes(Buffer.from('SECRET-TYPED'))).toBe(false);
    expect(Y.decodeUpdate(update).ds.clients.size).toBe(0);
    const reader = new Y.Doc();
    Y.applyUpdate(reader, update);
    expect(bodyOf(reader).toString()).toBe(text);
  }
  await store.close();
});

test('new epochs that cannot be stored change nothing: the stored epoch loads again', async () => {
  const store = new SqliteStore(path.join(tempDir(), 'r.db'), { sync: 'normal' });
  await store.createObjects([{ envelope, content: buildContent({ body: 'base' }), author: 'x', clients: [] }]);
  const docs = new DocRegistry(store, { compactAfter: 100, idleMs: 0, maxDocBytes: 1 << 20 });
  await docs.open('doc1');
  await expect(docs.startEpochs(new Map([['doc1', 1]]), () => Promise.reject(new Error('disk full')))).rejects.toThrow('disk full');
  const reloaded = await docs.open('doc1');
  expect(reloaded.epoch).toBe(0);
  expect(bodyOf(reloaded.doc).toString()).toBe('base');
  await docs.apply('doc1', 0, appendUpdate((await docs.encodeState('doc1')).update, (t) => t.insert(0, '!')), 'test');
  await store.close();
});

test('a stored update that does not apply makes that doc unavailable, with a clear error, and only that doc', async () => {
  const store = new SqliteStore(path.join(tempDir(), 'r.db'), { sync: 'normal' });
  const other = { ...envelope, id: 'doc2' };
  await store.createObjects([
    { envelope, content: buildContent({ body: 'fine so far' }), author: 'x', clients: [] },
    { envelope: other, content: buildContent({ body: 'healthy' }), author: 'x', clients: [] },
  ]);
  await store.appendUpdates([{ objectId: 'doc1', epoch: 0, update: new TextEncoder().encode('damaged on disk'), author: 'x', newClients: [] }]);
  const docs = new DocRegistry(store, { compactAfter: 100, idleMs: 0, maxDocBytes: 1 << 20 });
  await expect(docs.open('doc1')).rejects.toMatchObject({ code: 'unavailable', message: expect.stringMatching(/cannot read this item's stored content \(object doc1\)/) });
  // Not cached: a repaired doc loads at the next try.
  expect(docs.size).toBe(0);
  expect(bodyOf((await docs.open('doc2')).doc).toString()).toBe('healthy');
  await store.close();
});

test('a doc not in memory is merged from the store once for its readers, and read again once written to', async () => {
  const store = new SqliteStore(path.join(tempDir(), 'r.db'), { sync: 'normal' });
  await store.createObjects([{ envelope, content: buildContent({ body: 'base' }), author: 'x', clients: [] }]);
  const docs = new DocRegistry(store, { compactAfter: 100, idleMs: 0, maxDocBytes: 1 << 20, syncCacheBytes: 1 << 20 });
  let loads = 0;
  const loadDoc = store.loadDoc.bind(store);
  store.loadDoc = (id) => {
    loads++;
    return loadDoc(id);
  };
  const first = await docs.encodeState('doc1');
  const sv = Y.encodeStateVector(new Y.Doc());
  await Promise.all([docs.encodeState('doc1'), docs.encodeState('doc1', sv)]);
  expect(loads).toBe(1);

  const update = appendUpdate(first.update, (t) => t.insert(4, ' and more'));
  const { live, newClients } = await docs.apply('doc1', 0, update, 'writer');
  const [seq] = await store.appendUpdates([{ objectId: 'doc1', epoch: 0, update, author: 'writer', newClients }]);
  await docs.stored(live, seq);
  expect(await docs.evictIdle(Date.now() + 1000)).toBe(1);
  const reader = new Y.Doc();
  Y.applyUpdate(reader, (await docs.encodeState('doc1')).update);
  expect(bodyOf(reader).toString()).toBe('base and more');
  await store.close();
});
