// CPU per edit: an accepted update is decoded once for its check and once by Yjs when applied,
// and nothing else on its path decodes or re-encodes it (the profile found it read three times,
// and the doc's state vector encoded to bytes and decoded back on every edit).
import path from 'node:path';
import { expect, test, vi } from 'vitest';
import * as Y from 'yjs';
import { buildContent, bodyOf } from '../../shared/content';
import { DocRegistry } from '../../server/objects/docRegistry';
import { SqliteStore } from '../../server/store/sqliteStore';
import { UpdateWriter } from '../../server/store/updateWriter';
import { tempDir } from '../helpers/server';
import { envelope } from '../helpers/envelopes';

vi.mock('yjs', async (original) => {
  const yjs = await original<typeof import('yjs')>();
  const spied = ['decodeUpdate', 'parseUpdateMeta', 'applyUpdate', 'mergeUpdates', 'encodeStateVector', 'decodeStateVector', 'encodeStateVectorFromUpdate'] as const;
  return { ...yjs, ...Object.fromEntries(spied.map((name) => [name, vi.fn(yjs[name])])) };
});

test('an accepted update is decoded once for the check and applied once, and nothing else reads it', async () => {
  const store = new SqliteStore(path.join(tempDir(), 'd.db'), { sync: 'normal' });
  await store.createObjects([{ envelope: envelope('d1', 'UNCLASSIFIED'), content: buildContent({ body: 'hello' }), author: 'x', clients: [] }]);
  const docs = new DocRegistry(store, new UpdateWriter(store, { maxWindowMs: 0, framesPerSecond: 0 }), {
    compactAfter: 100,
    idleMs: 60_000,
    maxDocBytes: 1 << 20,
    onCompactionError: () => undefined,
  });
  const live = await docs.open('d1');
  const editor = new Y.Doc();
  Y.applyUpdate(editor, Y.encodeStateAsUpdate(live.doc));
  const before = Y.encodeStateVector(editor);
  bodyOf(editor).insert(5, ', world');
  const update = Y.encodeStateAsUpdate(editor, before);
  vi.clearAllMocks();

  await docs.update('d1', 0, update, 'x');

  expect(vi.mocked(Y.decodeUpdate).mock.calls.map(([bytes]) => bytes)).toEqual([update]);
  expect(vi.mocked(Y.applyUpdate).mock.calls.map(([doc, bytes]) => [doc, bytes])).toEqual([[live.doc, update]]);
  for (const other of [Y.parseUpdateMeta, Y.mergeUpdates, Y.encodeStateVector, Y.decodeStateVector, Y.encodeStateVectorFromUpdate]) {
    expect(vi.mocked(other)).not.toHaveBeenCalled();
  }
  expect(bodyOf(live.doc).toString()).toBe('hello, world');
  docs.destroy();
  await store.close();
});
