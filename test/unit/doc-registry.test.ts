import path from 'node:path';
import Database from 'better-sqlite3';
import { expect, test, vi } from 'vitest';
import * as Y from 'yjs';
import { bodyOf, buildContent, editableFieldText } from '../../shared/content';
import { DocRegistry, type DocRegistryOptions } from '../../server/objects/docRegistry';
import { SqliteStore } from '../../server/store/sqliteStore';
import { UpdateWriter } from '../../server/store/updateWriter';
import { noteEnvelope } from '../helpers/envelopes';
import { tempDir } from '../helpers/server';
import { textReplica } from '../helpers/textReplica';

const envelope = noteEnvelope('doc1');

const DISK_FULL = () => new Database.SqliteError('database or disk is full', 'SQLITE_FULL');

async function setUp(bodies: Record<string, string>, options: Partial<DocRegistryOptions> = {}) {
  const store = new SqliteStore(path.join(tempDir(), 'r.db'), { sync: 'normal' });
  await store.createObjects(
    Object.entries(bodies).map(([id, body]) => ({ envelope: { ...envelope, id }, content: buildContent({ body }), author: 'x', clients: [] })),
  );
  const compactionErrors: unknown[] = [];
  const docs = new DocRegistry(store, new UpdateWriter(store, { maxWindowMs: 0, framesPerSecond: 0 }), {
    compactAfter: 100,
    idleMs: 0,
    maxDocBytes: 1 << 20,
    onCompactionError: (error) => compactionErrors.push(error),
    ...options,
  });
  return { store, docs, compactionErrors };
}

/**
 * Holds every write until `release` is called; then each held batch is written, or refused with
 * `error`. `started` resolves once a batch is held, i.e. its updates are accepted and being written.
 */
function holdWrites(store: SqliteStore) {
  let open!: (error?: Error) => void;
  const gate = new Promise<Error | undefined>((resolve) => (open = resolve));
  let started!: () => void;
  const held = new Promise<void>((resolve) => (started = resolve));
  let released = false;
  const write = store.appendUpdates.bind(store);
  vi.spyOn(store, 'appendUpdates').mockImplementation(async (batch) => {
    if (!released) {
      started();
      const error = await gate;
      if (error) throw error;
    }
    return write(batch);
  });
  const release = (error?: Error) => {
    released = true;
    open(error);
  };
  return { release, held };
}

async function textOf(docs: DocRegistry, id: string): Promise<string> {
  const reader = new Y.Doc();
  Y.applyUpdate(reader, (await docs.encodeState(id)).update);
  return bodyOf(reader).toString();
}

const nextTick = () => new Promise((resolve) => setImmediate(resolve));

test('updates are compacted into a snapshot after the threshold; idle docs are evicted and reload intact', async () => {
  const { store, docs, compactionErrors } = await setUp({ doc1: '' }, { compactAfter: 5, idleMs: 10 });
  const writer = textReplica((await docs.encodeState('doc1')).update);
  for (let i = 0; i < 12; i++) await docs.update('doc1', 0, writer.edit((t) => t.insert(t.length, `${i},`)), 'writer');
  await nextTick();
  // 12 updates with compaction every 5: two snapshots taken, two updates left in the log.
  expect((await store.loadDoc('doc1')).updates).toHaveLength(2);
  expect(compactionErrors).toEqual([]);
  expect(docs.size).toBe(1);
  expect(await docs.evictIdle(Date.now() + 1000)).toBe(1);
  expect(docs.size).toBe(0);
  expect(await textOf(docs, 'doc1')).toBe(bodyOf(writer.doc).toString());
  const live = await docs.open('doc1');
  expect(bodyOf(live.doc).toString()).toBe('0,1,2,3,4,5,6,7,8,9,10,11,');
  await store.close();
});

test('a doc whose history must be kept (an exercise cell’s) is never compacted, and is asked about once', async () => {
  const keepsHistory = vi.fn(async (id: string) => id === 'doc1');
  const { store, docs, compactionErrors } = await setUp({ doc1: '', doc2: '' }, { compactAfter: 3, keepsHistory });
  for (const id of ['doc1', 'doc2']) {
    const writer = textReplica((await docs.encodeState(id)).update);
    for (let i = 0; i < 10; i++) await docs.update(id, 0, writer.edit((t) => t.insert(t.length, `${i},`)), 'writer');
  }
  await nextTick();
  expect((await store.loadDoc('doc1')).updates).toHaveLength(10);
  expect((await store.loadDoc('doc2')).updates.length).toBeLessThan(3);
  expect(keepsHistory.mock.calls.filter(([id]) => id === 'doc1')).toHaveLength(1);
  expect(compactionErrors).toEqual([]);
  await store.close();
});

test('nobody reads an update before it is durable, and one whose write fails is never read', async () => {
  const { store, docs } = await setUp({ doc1: 'base' });
  const writer = textReplica((await docs.encodeState('doc1')).update);
  const { release, held } = holdWrites(store);
  const pending = docs.update('doc1', 0, writer.edit((t) => t.insert(0, 'NOT-DURABLE ')), 'writer');
  await held;
  // Accepted and being written: readers, in memory or from the store, still get the durable text.
  expect(await textOf(docs, 'doc1')).toBe('base');
  expect(bodyOf((await docs.open('doc1')).doc).toString()).toBe('base');
  expect(await docs.evictIdle(Date.now() + 1000)).toBe(0);
  release(DISK_FULL());
  await expect(pending).rejects.toMatchObject({ code: 'SQLITE_FULL' });
  expect(await textOf(docs, 'doc1')).toBe('base');
  expect(await store.loadDoc('doc1')).toMatchObject({ updates: [] });
  await store.close();
});

test('a writer’s next update may build on one still being written; both are applied in order once durable', async () => {
  const { store, docs } = await setUp({ doc1: 'base' });
  const writer = textReplica((await docs.encodeState('doc1')).update);
  const { release, held } = holdWrites(store);
  const first = docs.update('doc1', 0, writer.edit((t) => t.insert(4, ' one')), 'writer');
  await held;
  // It refers to the text of the first, which the doc does not hold yet; and it claims a field text.
  const second = docs.update('doc1', 0, writer.edit((t) => t.insert(8, ' two')), 'writer');
  const before = Y.encodeStateVector(writer.doc);
  editableFieldText(writer.doc, 'title').insert(0, 'T');
  const third = docs.update('doc1', 0, Y.encodeStateAsUpdate(writer.doc, before), 'writer');
  await nextTick();
  expect(await textOf(docs, 'doc1')).toBe('base');
  release();
  await Promise.all([first, second, third]);
  expect(await textOf(docs, 'doc1')).toBe('base one two');
  const reloaded = new Y.Doc();
  const stored = await store.loadDoc('doc1');
  for (const update of [stored.snapshot!, ...stored.updates]) Y.applyUpdate(reloaded, update);
  expect(bodyOf(reloaded).toString()).toBe('base one two');
  expect(stored.owners.get(writer.doc.clientID)).toBe('writer');
  await store.close();
});

test('when a write fails, the updates of that doc queued behind it fail too, and its client ids are free again', async () => {
  const { store, docs } = await setUp({ doc1: 'base', doc2: 'other' });
  const writer = textReplica((await docs.encodeState('doc1')).update);
  const bystander = textReplica((await docs.encodeState('doc2')).update);
  const { release, held } = holdWrites(store);
  const first = docs.update('doc1', 0, writer.edit((t) => t.insert(0, 'A')), 'writer');
  await held;
  // Queued for the next commit, on top of the first.
  const dependent = docs.update('doc1', 0, writer.edit((t) => t.insert(1, 'B')), 'writer');
  await nextTick();
  release(DISK_FULL());
  await expect(first).rejects.toMatchObject({ code: 'SQLITE_FULL' });
  await expect(dependent).rejects.toMatchObject({ code: 'SQLITE_FULL' });
  // Another doc's update, in the next commit, is written: only the failed doc's queue was affected.
  await docs.update('doc2', 0, bystander.edit((t) => t.insert(0, '+')), 'bystander');
  expect(await textOf(docs, 'doc2')).toBe('+other');
  expect((await docs.open('doc1')).owners.has(writer.doc.clientID)).toBe(false);
  // The client replays its unacknowledged edits once space returns: all of it arrives.
  await docs.update('doc1', 0, Y.encodeStateAsUpdate(writer.doc, Y.encodeStateVector((await docs.open('doc1')).doc)), 'writer');
  expect(await textOf(docs, 'doc1')).toBe('ABbase');
  await store.close();
});

test('a write the database never answered, whose commit landed after all, is served once the store answers (no relay needed)', async () => {
  const { store, docs } = await setUp({ doc1: 'base' });
  const writer = textReplica((await docs.encodeState('doc1')).update);
  const write = store.appendUpdates.bind(store);
  // The commit lands, but its answer never comes (a database frozen just after the COMMIT was sent).
  vi.spyOn(store, 'appendUpdates').mockImplementationOnce(async (batch) => {
    await write(batch);
    throw new Error('Query read timeout');
  });
  await expect(docs.update('doc1', 0, writer.edit((t) => t.insert(0, 'LATE ')), 'writer')).rejects.toThrow('Query read timeout');
  await nextTick();
  expect(await textOf(docs, 'doc1')).toBe('LATE base');
  // And the next update is numbered after it, as the store numbered it.
  expect((await docs.update('doc1', 0, writer.edit((t) => t.insert(0, 'next ')), 'writer')).seq).toBe(2);
  expect(await textOf(docs, 'doc1')).toBe('next LATE base');
  await store.close();
});

test('a failed compaction is reported and changes nothing: the update that triggered it stands', async () => {
  const { store, docs, compactionErrors } = await setUp({ doc1: '' }, { compactAfter: 2 });
  vi.spyOn(store, 'compact').mockRejectedValue(DISK_FULL());
  const writer = textReplica((await docs.encodeState('doc1')).update);
  for (const word of ['one ', 'two ', 'three ']) await docs.update('doc1', 0, writer.edit((t) => t.insert(t.length, word)), 'writer');
  await nextTick();
  expect(compactionErrors).toEqual([expect.objectContaining({ code: 'SQLITE_FULL' })]);
  expect((await store.loadDoc('doc1')).updates).toHaveLength(3);
  docs.drop('doc1');
  await nextTick();
  expect(await textOf(docs, 'doc1')).toBe('one two three ');
  await store.close();
});

test('new epochs: an update being written lands first and is in the copy; one arriving meanwhile answers conflict', async () => {
  const { store, docs } = await setUp({ doc1: 'base', doc2: 'kept' });
  // doc2 is not in memory; its log holds text typed and deleted.
  const typist = textReplica((await docs.encodeState('doc2')).update);
  const typed = typist.edit((t) => t.insert(4, ' SECRET-TYPED'));
  const deleted = typist.edit((t) => t.delete(4, ' SECRET-TYPED'.length));
  await store.appendUpdates([typed, deleted].map((update) => ({ objectId: 'doc2', epoch: 0, update, author: 'x', newClients: [] })));

  const writer = textReplica((await docs.encodeState('doc1')).update);
  const { release, held } = holdWrites(store);
  const pending = docs.update('doc1', 0, writer.edit((t) => t.insert(4, '+pending')), 'writer');
  await held;
  const epochs = docs.startEpochs(new Map([['doc1', 1], ['doc2', 1]]), (fresh) =>
    store.remark([...fresh].map(([id, copy]) => ({ envelope: { ...envelope, id, epoch: 1 }, ...copy }))),
  );
  // The new epoch has begun: it waits for the update being written.
  await nextTick();
  const late = docs.update('doc1', 0, writer.edit((t) => t.insert(0, 'late')), 'writer');
  release();
  await pending;
  const copies = await epochs;
  await expect(late).rejects.toMatchObject({ code: 'conflict' });

  expect(await docs.evictIdle(Date.now() + 1000)).toBe(2);
  for (const [id, text] of [['doc1', 'base+pending'], ['doc2', 'kept']] as const) {
    const { epoch, update } = await docs.encodeState(id);
    expect(epoch).toBe(1);
    expect(update).toEqual(copies.get(id));
    expect(Buffer.from(update).includes(Buffer.from('SECRET-TYPED'))).toBe(false);
    expect(Y.decodeUpdate(update).ds.clients.size).toBe(0);
    expect(await textOf(docs, id)).toBe(text);
  }
  await store.close();
});

test('new epochs that cannot be stored change nothing: the stored epoch is still served and written', async () => {
  const { store, docs } = await setUp({ doc1: 'base' });
  await docs.open('doc1');
  await expect(docs.startEpochs(new Map([['doc1', 1]]), () => Promise.reject(new Error('disk full')))).rejects.toThrow('disk full');
  const live = await docs.open('doc1');
  expect(live.epoch).toBe(0);
  expect(bodyOf(live.doc).toString()).toBe('base');
  await docs.update('doc1', 0, textReplica((await docs.encodeState('doc1')).update).edit((t) => t.insert(0, '!')), 'test');
  expect(await textOf(docs, 'doc1')).toBe('!base');
  await store.close();
});

test('a stored update that does not apply makes that doc unavailable, with a clear error, and only that doc', async () => {
  const { store, docs } = await setUp({ doc1: 'fine so far', doc2: 'healthy' });
  await store.appendUpdates([{ objectId: 'doc1', epoch: 0, update: new TextEncoder().encode('damaged on disk'), author: 'x', newClients: [] }]);
  await expect(docs.open('doc1')).rejects.toMatchObject({ code: 'unavailable', message: expect.stringMatching(/cannot read this item's stored content \(object doc1\)/) });
  // Not cached: a repaired doc loads at the next try.
  expect(docs.size).toBe(0);
  expect(bodyOf((await docs.open('doc2')).doc).toString()).toBe('healthy');
  await store.close();
});

test('a doc not in memory is merged from the store once for its readers, and read again once written to', async () => {
  const { store, docs } = await setUp({ doc1: 'base' }, { syncCacheBytes: 1 << 20 });
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

  await docs.update('doc1', 0, textReplica(first.update).edit((t) => t.insert(4, ' and more')), 'writer');
  expect(await docs.evictIdle(Date.now() + 1000)).toBe(1);
  const reader = new Y.Doc();
  Y.applyUpdate(reader, (await docs.encodeState('doc1')).update);
  expect(bodyOf(reader).toString()).toBe('base and more');
  await store.close();
});

test('updates are numbered within their epoch for clients, in memory and from the store alike; a new epoch starts again from 0', async () => {
  const { store, docs } = await setUp({ doc1: 'base' });
  const writer = textReplica((await docs.encodeState('doc1')).update);
  const numbers: number[] = [];
  for (const word of ['one', 'two', 'three']) numbers.push((await docs.update('doc1', 0, writer.edit((t) => t.insert(0, word)), 'writer')).seq);
  expect(numbers).toEqual([1, 2, 3]);
  expect((await docs.encodeState('doc1')).seq).toBe(3);
  expect(await docs.heldSeqs([{ id: 'doc1', epoch: 0 }])).toEqual(new Map([['doc1', 3]]));
  await docs.startEpochs(new Map([['doc1', 1]]), (fresh) => store.remark([...fresh].map(([id, copy]) => ({ envelope: { ...envelope, id, epoch: 1 }, ...copy }))));
  // Nothing of epoch 0 shows: its copy is 0, its first update 1.
  expect((await docs.encodeState('doc1')).seq).toBe(0);
  const fresh = textReplica((await docs.encodeState('doc1')).update);
  expect((await docs.update('doc1', 1, fresh.edit((t) => t.insert(0, 'four')), 'writer')).seq).toBe(1);
  expect(await docs.heldSeqs([{ id: 'doc1', epoch: 0 }])).toEqual(new Map());
  // Read from the store (evicted), and caught up from it, the numbers are the same.
  expect(await docs.evictIdle(Date.now() + 1000)).toBe(1);
  expect((await docs.encodeStates([{ id: 'doc1' }])[0])!.seq).toBe(1);
  await docs.open('doc1');
  expect(await docs.catchUp('doc1', 0)).toMatchObject({ epoch: 1, reset: false, from: 1, seq: 1 });
  docs.destroy();
  await store.close();
});

test('an update to a doc in memory takes its place in the doc’s order within the call, before anything awaits', async () => {
  const { docs, store } = await setUp({ doc1: 'x' });
  const writer = textReplica((await docs.encodeState('doc1')).update);
  await docs.update('doc1', 0, writer.edit((t) => t.insert(0, 'loads it ')), 'writer');
  let staged = false;
  const written = docs.update('doc1', 0, writer.edit((t) => t.insert(0, 'then ')), 'writer', () => (staged = true));
  // Read from memory, not through a settled promise: the socket's next message may start at once.
  expect(staged).toBe(true);
  expect(await written).toMatchObject({ seq: 2 });
  expect(await textOf(docs, 'doc1')).toBe('then loads it x');
  await store.close();
});

test('a reader whose state vector is ahead of the live doc is told apart (readerAhead); a cached stored state it is ahead of is dropped, so its read goes to the store', async () => {
  const { store, docs } = await setUp({ doc1: 'base', doc2: 'cold' }, { syncCacheBytes: 1 << 20 });
  const copyOf = (update: Uint8Array) => {
    const doc = new Y.Doc();
    Y.applyUpdate(doc, update);
    return doc;
  };
  const live = await docs.open('doc1');
  const reader = copyOf(Y.encodeStateAsUpdate(live.doc));
  expect(await docs.readerAhead('doc1', Y.encodeStateVector(reader))).toBe(false);
  expect(await docs.readerAhead('doc1', Y.encodeStateVector(new Y.Doc()))).toBe(false);
  // An edit made (and stored) through another node: this node's live doc does not hold it yet.
  bodyOf(reader).insert(0, 'elsewhere ');
  expect(await docs.readerAhead('doc1', Y.encodeStateVector(reader))).toBe(true);
  expect(await docs.readerAhead('doc1', new Uint8Array([0xff]))).toBe(false);

  const cached = copyOf((await docs.encodeStates([{ id: 'doc2' }])[0])!.update);
  const reads = vi.spyOn(store, 'loadDocs');
  await docs.encodeStates([{ id: 'doc2' }])[0];
  expect(reads).not.toHaveBeenCalled();
  bodyOf(cached).insert(0, 'elsewhere ');
  expect(await docs.readerAhead('doc2', Y.encodeStateVector(cached))).toBe(false);
  await docs.encodeStates([{ id: 'doc2' }])[0];
  expect(reads).toHaveBeenCalledTimes(1);
  await store.close();
});
