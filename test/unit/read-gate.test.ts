// The read gate of a node behind on the relay (server/relay/readGate.ts): nothing on the healthy
// path, a PostgreSQL re-read begun after each request otherwise (requests arriving meanwhile share
// the next one), and entries already read that change who sees what applied before the read.
import { describe, expect, test } from 'vitest';
import { ReadGate, type ReadGatePorts } from '../../server/relay/readGate';
import type { Cell } from '../../server/workspaces/cellRegistry';

const cell = { workspace: { id: 'w1' } } as unknown as Cell;

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}

function gate(overrides: Partial<ReadGatePorts> = {}) {
  const rechecks: ReturnType<typeof deferred>[] = [];
  const log: string[] = [];
  const ports: ReadGatePorts = {
    trusted: () => false,
    applied: () => undefined,
    recheck: () => {
      const pending = deferred();
      rechecks.push(pending);
      log.push(`recheck ${rechecks.length}`);
      return pending.promise;
    },
    readerAhead: async () => false,
    repair: async () => undefined,
    ...overrides,
  };
  return { gate: new ReadGate(ports), rechecks, log };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('ReadGate', () => {
  test('a trusted relay: reads are served at once, nothing is read again', async () => {
    const { gate: reads, rechecks } = gate({ trusted: () => true });
    expect(reads.ready(cell)).toBeUndefined();
    expect(reads.caughtUp(cell, [{ id: 'o1' }])).toBeUndefined();
    expect(rechecks).toHaveLength(0);
  });

  test('behind: each read waits for a re-read begun after it arrived; reads arriving during one share the next', async () => {
    const { gate: reads, rechecks, log } = gate();
    const first = reads.ready(cell)!.then(() => log.push('first served'));
    await flush();
    expect(rechecks).toHaveLength(1);
    // Arrived while the first re-read runs (it may have read PostgreSQL before them): they wait for another.
    const second = reads.ready(cell)!.then(() => log.push('second served'));
    const third = reads.ready(cell)!.then(() => log.push('third served'));
    await flush();
    rechecks[0]!.resolve();
    await first;
    await flush();
    expect(rechecks).toHaveLength(2);
    expect(log).toEqual(['recheck 1', 'first served', 'recheck 2']);
    rechecks[1]!.resolve();
    await Promise.all([second, third]);
    expect(log).toEqual(['recheck 1', 'first served', 'recheck 2', 'second served', 'third served']);
  });

  test('a failed re-read fails the read (fail closed), and the next read tries again', async () => {
    let calls = 0;
    const reads = new ReadGate({
      trusted: () => false,
      applied: () => undefined,
      recheck: async () => {
        calls++;
        if (calls === 1) throw new Error('PostgreSQL unreachable');
      },
      readerAhead: async () => false,
      repair: async () => undefined,
    });
    await expect(reads.ready(cell)!).rejects.toThrow('PostgreSQL unreachable');
    await reads.ready(cell);
    expect(calls).toBe(2);
  });

  test('entries read from the relay that change who sees what are applied before a read of their cell', async () => {
    const applying = deferred();
    const log: string[] = [];
    const reads = new ReadGate({
      trusted: () => true,
      applied: (workspaceId) => (workspaceId === 'w1' ? applying.promise.then(() => void log.push('applied')) : undefined),
      recheck: async () => undefined,
      readerAhead: async () => false,
      repair: async () => undefined,
    });
    const served = reads.ready(cell)!.then(() => log.push('served'));
    await flush();
    expect(log).toEqual([]);
    applying.resolve();
    await served;
    expect(log).toEqual(['applied', 'served']);
  });

  test('a reader ahead of the live doc has it caught up first; one without a state vector costs nothing', async () => {
    const repaired: string[] = [];
    const asked: string[] = [];
    const reads = new ReadGate({
      trusted: () => true,
      applied: () => undefined,
      recheck: async () => undefined,
      readerAhead: async (id) => (asked.push(id), id === 'ahead'),
      repair: async (_cell, id) => void repaired.push(id),
    });
    await reads.caughtUp(cell, [{ id: 'plain' }, { id: 'ahead', stateVector: new Uint8Array([0]) }, { id: 'level', stateVector: new Uint8Array([0]) }]);
    expect(asked).toEqual(['ahead', 'level']);
    expect(repaired).toEqual(['ahead']);
  });
});
