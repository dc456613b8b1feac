// What a node does with another node's deletion, undo and move read from the relay
// (server/relay/receiver.ts), against a store that says what PostgreSQL holds: each object
// deleted there leaves the index and its live doc, and only the levels that saw it are told
// (portions before their report); an undo brings it back to those that may see it now; nothing
// about a deleted object brings it back but an undo; a reconcile does the same for what a lost
// stream carried.
import { describe, expect, test } from 'vitest';
import { accessLevelKey, defaultPolicy } from '../../shared/markings';
import type { Envelope } from '../../shared/protocol';
import { ObjectIndex } from '../../server/objects/objectIndex';
import type { ObjectPosition } from '../../server/store/postgresStore';
import type { Tombstone } from '../../server/store/types';
import { RelayReceiver } from '../../server/relay/receiver';
import type { RelayEntry } from '../../server/relay/entries';
import { Audience } from '../../server/rooms/audience';
import type { Cell } from '../../server/workspaces/cellRegistry';
import { envelope, participants } from '../helpers/fakeSocket';

const [USA, GBR, JPN] = [participants.usaTopSecret, participants.gbrSecret, participants.jpnSecret].map((p) => accessLevelKey(p)) as [string, string, string];

/** A report for USA, GBR and JPN with a GBR-only paragraph and a shared one, on a node that has the cell open. */
function node() {
  const stored = new Map<string, Envelope>(
    [
      envelope('report', 'SECRET//REL TO USA, GBR, JPN'),
      envelope('gbr-only', 'SECRET//REL TO USA, GBR', { parentId: 'report', orderKey: 'a1' }),
      envelope('shared', 'SECRET//REL TO USA, GBR, JPN', { parentId: 'report', orderKey: 'a2' }),
    ].map((e) => [e.id, e]),
  );
  const tombstones: Tombstone[] = [];
  const index = new ObjectIndex(defaultPolicy, stored.values());
  const cell = { workspace: { id: 'w1' }, policy: defaultPolicy, index, audience: new Audience(index, [USA, GBR, JPN]) } as unknown as Cell;
  /** What the fan-out sent: event, object, levels (a call for no level sends nothing, and is not kept). */
  const told: [string, string, string[]][] = [];
  const tell = (event: string, id: string, levels: Iterable<string>) => {
    const to = [...levels].sort();
    if (to.length > 0) told.push([event, id, to]);
  };
  const dropped: string[] = [];
  const receiver = new RelayReceiver({
    node: 'node-b',
    cells: { loaded: async () => cell, loadedIds: () => ['w1'], refreshRecord: async () => undefined, using: (_id, work) => work() },
    docs: {
      applyRemote: async () => undefined,
      catchUp: async () => undefined,
      encodeState: async () => ({ epoch: 0, update: new Uint8Array(2), seq: 0 }),
      drop: (id) => void dropped.push(id),
    },
    fanout: {
      relayed: () => told.push(['doc:update', '', []]),
      envelope: (_cell, event, e, levels) => tell(event, e.id, levels),
      removed: (_cell, id, levels) => tell('object:removed', id, levels),
      reset: () => undefined,
    },
    store: {
      getObject: async (id) => stored.get(id),
      markingVersionHeld: () => 1,
      positions: async () => new Map<string, ObjectPosition>([...stored.values()].map((e) => [e.id, { epoch: e.epoch, markingVersion: 1, lastSeq: 0, orderKey: e.orderKey }])),
      listTombstones: async () => [...tombstones],
    },
    audienceChanged: async () => undefined,
    log: { warn: () => undefined, error: () => undefined },
    gapWaitMs: 1000,
  });
  const entry = (kind: 'delete' | 'restore' | 'move', objectId: string, from = 'node-a'): RelayEntry => ({ kind, node: from, workspaceId: 'w1', objectId, epoch: 0, seq: 0, markingVersion: 1 });
  const deleteAll = () => tombstones.push(...['report', 'gbr-only', 'shared'].map((objectId) => ({ objectId, workspaceId: 'w1', deletedAt: '2026-11-30T12:00:00.000Z', deletedBy: 'usa-analyst' })));
  return { stored, tombstones, cell, told, dropped, receiver, entry, deleteAll };
}

const sorted = (...levels: string[]) => levels.sort();

describe('a relayed deletion, undo and move', () => {
  test('a deletion leaves the index and live docs; each level that saw an object is told, portions first; a level that never saw a portion hears nothing of it', async () => {
    const { cell, told, dropped, receiver, entry, deleteAll } = node();
    deleteAll();
    await receiver.handle(entry('delete', 'report'));
    expect(told).toEqual([
      ['object:removed', 'gbr-only', sorted(USA, GBR)],
      ['object:removed', 'shared', sorted(USA, GBR, JPN)],
      ['object:removed', 'report', sorted(USA, GBR, JPN)],
    ]);
    expect(dropped.sort()).toEqual(['gbr-only', 'report', 'shared']);
    expect(['report', 'gbr-only', 'shared'].map((id) => [cell.index.get(id), cell.index.deletedEntry(id)?.deletedBy])).toEqual([
      [undefined, 'usa-analyst'],
      [undefined, 'usa-analyst'],
      [undefined, 'usa-analyst'],
    ]);
    // Read from the store again (a sweeper's copy): nothing more to do.
    await receiver.handle(entry('delete', 'report', 'outbox-sweeper'));
    expect(told).toHaveLength(3);
  });

  test("this node's own entry changes nothing (it applied the deletion when it made it)", async () => {
    const { told, receiver, entry, deleteAll } = node();
    deleteAll();
    await receiver.handle(entry('delete', 'report', 'node-b'));
    expect(told).toEqual([]);
  });

  test('nothing but an undo brings a deleted object back: an update or a move of it delivers nothing', async () => {
    const { cell, told, receiver, entry, deleteAll } = node();
    deleteAll();
    await receiver.handle(entry('delete', 'report'));
    told.length = 0;
    await receiver.handle({ kind: 'update', node: 'node-a', workspaceId: 'w1', objectId: 'shared', epoch: 0, seq: 1, markingVersion: 1, update: 'AAA=', owners: [], epochSeq: 0 });
    await receiver.handle(entry('move', 'shared'));
    expect(told).toEqual([]);
    expect(cell.index.get('shared')).toBeUndefined();
  });

  test('an undo brings the objects back, the report first, each to the levels that may see it', async () => {
    const { cell, tombstones, told, receiver, entry, deleteAll } = node();
    deleteAll();
    await receiver.handle(entry('delete', 'report'));
    told.length = 0;
    tombstones.length = 0;
    await receiver.handle(entry('restore', 'report'));
    expect(told[0]).toEqual(['object:added', 'report', sorted(USA, GBR, JPN)]);
    expect(told.slice(1).sort()).toEqual([
      ['object:added', 'gbr-only', sorted(USA, GBR)],
      ['object:added', 'shared', sorted(USA, GBR, JPN)],
    ]);
    expect(cell.index.deletedEntry('report')).toBeUndefined();
    expect(cell.index.get('shared')).toBeDefined();
  });

  test('a move reads the envelope again: the levels that see the object get its new order key', async () => {
    const { stored, cell, told, receiver, entry } = node();
    stored.set('shared', { ...stored.get('shared')!, orderKey: 'a0' });
    await receiver.handle(entry('move', 'shared'));
    expect(told).toEqual([['object:changed', 'shared', sorted(USA, GBR, JPN)]]);
    expect(cell.index.get('shared')!.envelope.orderKey).toBe('a0');
  });

  test('a reconcile after a lost stream applies deletions and moves; an object created and deleted meanwhile is kept deleted and told to nobody', async () => {
    const { stored, tombstones, cell, told, receiver } = node();
    stored.set('shared', { ...stored.get('shared')!, orderKey: 'a0' });
    stored.set('missed', envelope('missed', 'SECRET//REL TO USA, GBR'));
    tombstones.push(
      { objectId: 'gbr-only', workspaceId: 'w1', deletedAt: '2026-11-30T12:00:00.000Z', deletedBy: 'usa-analyst' },
      { objectId: 'missed', workspaceId: 'w1', deletedAt: '2026-11-30T12:00:00.000Z', deletedBy: 'usa-analyst' },
    );
    await receiver.reconcile();
    expect(told).toEqual([
      ['object:removed', 'gbr-only', sorted(USA, GBR)],
      ['object:changed', 'shared', sorted(USA, GBR, JPN)],
    ]);
    expect([cell.index.get('missed'), cell.index.deletedEntry('missed')?.envelope.id]).toEqual([undefined, 'missed']);
  });
});
