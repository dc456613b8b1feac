// The first delivery of another node's edit to a socket served from stored data (faults.test.ts
// "delivery before the fault" failed in CI): node B serves a socket the stored state, node A
// stores an edit, node B loads the live doc for an edit of its own (the load reads A's edit),
// and only then reads A's relay entry. The live doc holds that edit; the socket does not, so the
// entry must still reach B's rooms. Two registries on one store stand for the two nodes, so the
// order of those steps is fixed, not left to timing.
import path from 'node:path';
import { expect, test } from 'vitest';
import * as Y from 'yjs';
import { bodyOf, buildContent } from '../../shared/content';
import type { Envelope } from '../../shared/protocol';
import { DocRegistry } from '../../server/objects/docRegistry';
import { RelayReceiver } from '../../server/relay/receiver';
import { SqliteStore } from '../../server/store/sqliteStore';
import { UpdateWriter } from '../../server/store/updateWriter';
import type { Cell } from '../../server/workspaces/cellRegistry';
import { tempDir } from '../helpers/server';

const envelope: Envelope = {
  id: 'note-1',
  workspaceId: 'cell-1',
  kind: 'note',
  marking: 'SECRET//REL TO USA, GBR',
  portion: '(S//REL TO USA, GBR)',
  originator: 'USA',
  parentId: null,
  orderKey: 'a0',
  createdBy: 'usa-analyst',
  createdAt: '2026-11-30T12:00:00Z',
  epoch: 0,
};

const registry = (store: SqliteStore) =>
  new DocRegistry(store, new UpdateWriter(store, { maxWindowMs: 0, framesPerSecond: 0 }), { compactAfter: 1000, idleMs: 60_000, maxDocBytes: 1 << 20, onCompactionError: () => undefined });

/** An edit inserting `text` at the start of a copy of `state`: the update and the copy it was made on. */
function edit(state: Uint8Array, text: string): Uint8Array {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, state);
  const before = Y.encodeStateVector(doc);
  bodyOf(doc).insert(0, text);
  return Y.encodeStateAsUpdate(doc, before);
}

test("a socket served from stored data before the live doc loaded still gets an edit the load read before the relay entry came", async () => {
  const store = new SqliteStore(path.join(tempDir(), 'relay.db'), { sync: 'normal' });
  await store.createObjects([{ envelope, content: buildContent({ body: 'start' }), author: 'usa-analyst', clients: [] }]);
  const [nodeA, nodeB] = [registry(store), registry(store)];
  const cell = { workspace: { id: 'cell-1' }, index: { get: () => ({ envelope }) }, audience: { levelsForObject: () => new Set(['gbr']) } } as unknown as Cell;
  const delivered: Uint8Array[] = [];
  const receiver = new RelayReceiver({
    node: 'node-b',
    cells: { loaded: async () => cell, loadedIds: () => ['cell-1'], refreshRecord: async () => undefined },
    docs: nodeB,
    fanout: { update: (_cell, _id, _epoch, update) => void delivered.push(update), envelope: () => undefined, removed: () => undefined, reset: () => undefined },
    store: { getObject: async () => envelope, markingVersionHeld: () => 0, positions: async () => new Map(), listTombstones: async () => [] },
    audienceChanged: async () => undefined,
    log: { warn: () => undefined, error: () => undefined },
    gapWaitMs: 60_000,
  });

  // GBR's socket on node B is served the stored state: no live doc there yet.
  const socket = new Y.Doc();
  Y.applyUpdate(socket, (await nodeB.encodeState(envelope.id)).update);
  // USA on node A stores an edit (acknowledged); its relay entry is still on its way to B.
  const fromA = edit((await nodeA.encodeState(envelope.id)).update, 'a-before ');
  await nodeA.update(envelope.id, 0, fromA, 'usa-analyst');
  const seqA = (await store.loadDoc(envelope.id)).lastSeq;
  // GBR edits on node B: B loads the live doc, which reads A's edit from the store.
  const fromB = edit(Y.encodeStateAsUpdate(socket), 'b-before ');
  await nodeB.update(envelope.id, 0, fromB, 'gbr-analyst');
  Y.applyUpdate(socket, fromB);
  // Now B reads A's entry, then its own.
  const entry = (seq: number, node: string, update: Uint8Array) => ({ kind: 'update' as const, node, workspaceId: 'cell-1', objectId: envelope.id, epoch: 0, seq, markingVersion: 0, update: Buffer.from(update).toString('base64'), owners: [] });
  await receiver.handle(entry(seqA, 'node-a', fromA));
  await receiver.handle(entry(seqA + 1, 'node-b', fromB));

  for (const update of delivered) Y.applyUpdate(socket, update);
  expect(bodyOf(socket).toString()).toContain('a-before');
  expect(bodyOf(socket).toString()).toEqual(bodyOf((await nodeB.open(envelope.id)).doc).toString());
  receiver.close();
  nodeA.destroy();
  nodeB.destroy();
});
