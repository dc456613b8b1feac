// The relay receiver's counting of an object's numbers: entries reach a node in the order nodes
// publish them, not in the order of their numbers, so the first one a node reads does not mean
// it has those below it (seed 623916 of the fault schedule: a replaced node read its own newer
// edit first and dropped the older ones the other nodes published from their outbox).
import { describe, expect, test, vi } from 'vitest';
import { RelayReceiver, type ReceiverPorts } from '../../server/relay/receiver';
import type { RelayEntry } from '../../server/relay/entries';
import type { Cell } from '../../server/workspaces/cellRegistry';

const OBJECT = 'object-1';

function receiverWith(gapWaitMs = 60_000, failedReloads = 0) {
  const delivered: number[] = [];
  const repaired: string[] = [];
  const cell = {
    workspace: { id: 'cell-1' },
    index: { get: () => ({ envelope: { epoch: 0 } }) },
    audience: { levelsForObject: () => new Set(['level-a']) },
  } as unknown as Cell;
  const ports: ReceiverPorts = {
    node: 'node-2',
    cells: { loaded: async () => cell, loadedIds: () => [], refreshRecord: async () => undefined, using: (_id, work) => work() },
    docs: {
      applyRemote: async () => undefined,
      catchUp: async (id) => {
        if (failedReloads-- > 0) throw new Error('Connection terminated unexpectedly');
        repaired.push(id);
        return undefined;
      },
      encodeState: async () => ({ epoch: 0, update: new Uint8Array([0, 0]), seq: 0 }),
      drop: () => undefined,
    },
    fanout: { relayed: (_cell, _id, _epoch, update) => delivered.push(update[0]!), envelope: () => undefined, removed: () => undefined, reset: () => undefined },
    store: { getObject: async () => undefined, markingVersionHeld: () => 0, positions: async () => new Map(), listTombstones: async () => [] },
    audienceChanged: async () => undefined,
    log: { warn: () => undefined, error: () => undefined },
    gapWaitMs,
  };
  return { receiver: new RelayReceiver(ports), delivered, repaired, ports };
}

/** An update entry whose bytes start with its number, so what was delivered can be told apart. */
function update(seq: number, node: string): RelayEntry {
  return { kind: 'update', node, workspaceId: 'cell-1', objectId: OBJECT, epoch: 0, seq, markingVersion: 0, update: Buffer.from([seq, 0]).toString('base64'), owners: [], epochSeq: 0 };
}

describe('the relay receiver counting numbers a node has not read yet', () => {
  test('an older number read after a newer one is delivered when the live doc does not hold it', async () => {
    const { receiver, delivered } = receiverWith();
    // Its own edit (number 6) first, then the other nodes' 4 and 5 from their outbox.
    await receiver.handle(update(6, 'node-2'));
    await receiver.handle(update(4, 'outbox-sweeper'));
    await receiver.handle(update(5, 'node-1'));
    await receiver.handle(update(5, 'node-1'));
    expect(delivered).toEqual([4, 5]);
    receiver.close();
  });

  test('a number this node stored counts as seen at its commit: its copy from the sweeper is not delivered, and the next numbers follow on without a repair', async () => {
    const { receiver, delivered, repaired } = receiverWith(0);
    await receiver.handle(update(1, 'node-1'));
    await receiver.storedHere({ workspaceId: 'cell-1', objectId: OBJECT, epoch: 0, seq: 2, markingVersion: 0 });
    await receiver.handle(update(2, 'outbox-sweeper'));
    await receiver.handle(update(3, 'node-1'));
    expect(delivered).toEqual([1, 3]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(repaired).toEqual([]);
    receiver.close();
  });

  test('each number is delivered once: a copy of an entry (a sweeper publishing it again) is dropped', async () => {
    const { receiver, delivered } = receiverWith();
    await receiver.handle(update(4, 'node-1'));
    await receiver.handle(update(4, 'outbox-sweeper'));
    await receiver.handle(update(5, 'node-1'));
    expect(delivered).toEqual([4, 5]);
    receiver.close();
  });

  test('without a live doc, nothing below the first number read counts as held: the gap is repaired', async () => {
    const { receiver, delivered, repaired } = receiverWith(0);
    await receiver.handle(update(6, 'node-1'));
    await receiver.handle(update(4, 'node-3'));
    expect(delivered).toEqual([6, 4]);
    await vi.waitFor(() => expect(repaired).toEqual([OBJECT]));
    receiver.close();
  });

  test('a reload that fails (PostgreSQL restarting) is tried again until the gap is repaired', async () => {
    const { receiver, repaired } = receiverWith(0, 2);
    await receiver.handle(update(6, 'node-1'));
    await receiver.handle(update(4, 'node-3'));
    await vi.waitFor(() => expect(repaired).toEqual([OBJECT]));
    receiver.close();
  });

  test('an entry counted as seen but not applied (the database away) is made good by a reload', async () => {
    const { receiver, repaired, ports } = receiverWith(0);
    let failures = 1;
    const apply = ports.docs.applyRemote;
    ports.docs.applyRemote = async (...args) => {
      if (failures-- > 0) throw new Error('Connection terminated unexpectedly');
      return apply(...args);
    };
    await expect(receiver.handle(update(4, 'node-1'))).rejects.toThrow(/Connection terminated/);
    await vi.waitFor(() => expect(repaired).toEqual([OBJECT]));
    receiver.close();
  });
});

describe('the numbers a relayed update is delivered with', () => {
  test("counted within its epoch (seq - epochSeq), as the writing node's own clients get them; an entry without the epoch's start is repaired instead", async () => {
    const { receiver, ports, repaired } = receiverWith();
    const ranges: unknown[] = [];
    ports.fanout.relayed = (_cell, _id, _epoch, _update, seq) => void ranges.push(seq);
    await receiver.handle({ ...(update(8, 'node-1') as Extract<RelayEntry, { kind: 'update' }>), epochSeq: 5 });
    expect(ranges).toEqual([{ from: 3, to: 3 }]);
    const { epochSeq: _start, ...withoutStart } = update(9, 'node-1') as Extract<RelayEntry, { kind: 'update' }>;
    await receiver.handle(withoutStart);
    expect(ranges).toHaveLength(1);
    expect(repaired).toEqual([OBJECT]);
    receiver.close();
  });
});
