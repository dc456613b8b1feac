// What a node delivers of other nodes' edits to a socket served from stored data before its live
// doc loaded: the load reads edits whose relay entries are still on their way (faults.test.ts
// "delivery before the fault" failed in CI), or waiting in a killed node's outbox (faults.test.ts
// "a node SIGKILLed while its clients write"). The live doc holds them; the socket does not, so
// they must still reach the node's rooms: when their entry comes, or through the gap repair.
// Two registries on one store stand for the two nodes, so the order of the steps is fixed, not
// left to timing.
import path from 'node:path';
import { expect, test, vi } from 'vitest';
import * as Y from 'yjs';
import { bodyOf, buildContent } from '../../shared/content';
import { DocRegistry } from '../../server/objects/docRegistry';
import type { RelayEntry } from '../../server/relay/entries';
import { RelayReceiver } from '../../server/relay/receiver';
import { SqliteStore } from '../../server/store/sqliteStore';
import { UpdateWriter } from '../../server/store/updateWriter';
import type { Cell } from '../../server/workspaces/cellRegistry';
import { noteEnvelope } from '../helpers/envelopes';
import { tempDir } from '../helpers/server';

const envelope = noteEnvelope('note-1', {
  workspaceId: 'cell-1',
  marking: 'SECRET//REL TO USA, GBR',
  portion: '(S//REL TO USA, GBR)',
  createdBy: 'usa-analyst',
  createdAt: '2026-11-30T12:00:00Z',
});

const registry = (store: SqliteStore) =>
  new DocRegistry(store, new UpdateWriter(store, { maxWindowMs: 0, framesPerSecond: 0 }), { compactAfter: 1000, idleMs: 60_000, maxDocBytes: 1 << 20, onCompactionError: () => undefined });

/** Node A writing, node B with a receiver and GBR's socket on it, served the stored state before B loaded the live doc. */
async function twoNodes() {
  const store = new SqliteStore(path.join(tempDir(), 'relay.db'), { sync: 'normal' });
  await store.createObjects([{ envelope, content: buildContent({ body: 'start' }), author: 'usa-analyst', clients: [] }]);
  const [nodeA, nodeB] = [registry(store), registry(store)];
  const cell = { workspace: { id: 'cell-1' }, index: { get: () => ({ envelope }) }, audience: { levelsForObject: () => new Set(['gbr']) } } as unknown as Cell;
  const socket = new Y.Doc();
  const receiver = new RelayReceiver({
    node: 'node-b',
    cells: { loaded: async () => cell, loadedIds: () => ['cell-1'], refreshRecord: async () => undefined, using: (_id, work) => work() },
    docs: nodeB,
    fanout: { relayed: (_cell, _id, _epoch, update) => Y.applyUpdate(socket, update), envelope: () => undefined, removed: () => undefined, reset: () => undefined },
    store: { getObject: async () => envelope, markingVersionHeld: () => 0, positions: async () => new Map(), listTombstones: async () => [] },
    audienceChanged: async () => undefined,
    log: { warn: () => undefined, error: () => undefined },
    gapWaitMs: 0,
  });
  Y.applyUpdate(socket, (await nodeB.encodeState(envelope.id)).update);
  /** Writes `text` on a node as `author` (acknowledged: durable); answers the update and its number. */
  const write = async (node: DocRegistry, text: string, author: string) => {
    const doc = new Y.Doc();
    Y.applyUpdate(doc, (await node.encodeState(envelope.id)).update);
    const before = Y.encodeStateVector(doc);
    bodyOf(doc).insert(0, text);
    const update = Y.encodeStateAsUpdate(doc, before);
    await node.update(envelope.id, 0, update, author);
    return { update, seq: (await store.loadDoc(envelope.id)).lastSeq };
  };
  const entry = ({ update, seq }: { update: Uint8Array; seq: number }, node: string): RelayEntry => ({
    kind: 'update',
    node,
    workspaceId: 'cell-1',
    objectId: envelope.id,
    epoch: 0,
    seq,
    markingVersion: 0,
    update: Buffer.from(update).toString('base64'),
    owners: [],
    epochSeq: 0,
  });
  const close = () => {
    receiver.close();
    nodeA.destroy();
    nodeB.destroy();
  };
  return { nodeA, nodeB, socket, receiver, write, entry, close };
}

test('an entry whose edit the live doc loaded before the entry came is still delivered', async () => {
  const { nodeA, nodeB, socket, receiver, write, entry, close } = await twoNodes();
  // USA on node A stores an edit; its entry is still on its way to B.
  const fromA = await write(nodeA, 'a-before ', 'usa-analyst');
  // GBR edits on node B (its own edit reaches its socket by the local fan-out): B loads the live doc, reading A's edit.
  const fromB = await write(nodeB, 'b-before ', 'gbr-analyst');
  Y.applyUpdate(socket, fromB.update);
  await receiver.handle(entry(fromA, 'node-a'));
  await receiver.handle(entry(fromB, 'node-b'));
  expect(bodyOf(socket).toString()).toContain('a-before');
  expect(bodyOf(socket).toString()).toEqual(bodyOf((await nodeB.open(envelope.id)).doc).toString());
  close();
});

test('a gap repaired while the live doc holds the missing edit delivers that edit to the rooms', async () => {
  const { nodeA, nodeB, socket, receiver, write, entry, close } = await twoNodes();
  const first = await write(nodeA, 'a-first ', 'usa-analyst');
  await receiver.handle(entry(first, 'node-a'));
  // A's second edit is committed, but A dies before publishing it (its outbox row waits for the sweeper).
  await write(nodeA, 'a-unpublished ', 'usa-analyst');
  const fromB = await write(nodeB, 'b-after ', 'gbr-analyst');
  Y.applyUpdate(socket, fromB.update);
  // B reads its own entry: the number before it is missing, and the repair runs.
  await receiver.handle(entry(fromB, 'node-b'));
  await vi.waitFor(() => expect(bodyOf(socket).toString()).toContain('a-unpublished'));
  expect(bodyOf(socket).toString()).toEqual(bodyOf((await nodeB.open(envelope.id)).doc).toString());
  close();
});

test('an entry without its bytes (swept from an outbox) makes the node deliver that edit from the store', async () => {
  const { nodeA, nodeB, socket, receiver, write, entry, close } = await twoNodes();
  const fromB = await write(nodeB, 'b-first ', 'gbr-analyst');
  Y.applyUpdate(socket, fromB.update);
  await receiver.handle(entry(fromB, 'node-b'));
  const swept = await write(nodeA, 'a-swept ', 'usa-analyst');
  const { update: _bytes, owners: _owners, ...withoutBytes } = entry(swept, 'outbox-sweeper') as Extract<RelayEntry, { kind: 'update' }>;
  await receiver.handle(withoutBytes);
  expect(bodyOf(socket).toString()).toContain('a-swept');
  expect(bodyOf(socket).toString()).toEqual(bodyOf((await nodeB.open(envelope.id)).doc).toString());
  close();
});
