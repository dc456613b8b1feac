// The adaptive group commit (server/store/updateWriter.ts, commitPolicy.ts), on a fake store
// whose commits finish when the test says so, fake timers and a load the test sets.
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { commitWait, eventLoopLoad, type LoadGauge } from '../../server/store/commitPolicy';
import { FencedWriteError } from '../../server/store/fence';
import type { PendingUpdate, Store } from '../../server/store/types';
import { UpdateWriter } from '../../server/store/updateWriter';

/** A store whose every commit waits for `finish()`; `batches` lists what each commit held. */
function fakeStore() {
  const batches: string[][] = [];
  const commits: { resolve(seqs: number[]): void; reject(error: unknown): void; batch: PendingUpdate[] }[] = [];
  const store = {
    appendUpdates(batch: PendingUpdate[]) {
      batches.push(batch.map((item) => `${item.objectId}:${new TextDecoder().decode(item.update)}`));
      return new Promise<number[]>((resolve, reject) => commits.push({ resolve, reject, batch: [...batch] }));
    },
  } as unknown as Store;
  return {
    store,
    batches,
    /** Ends the oldest commit still open: stored, or failed with `error`. */
    finish(error?: unknown) {
      const commit = commits.shift()!;
      if (error) commit.reject(error);
      else commit.resolve(commit.batch.map((_, i) => i + 1));
    },
  };
}

const edit = (objectId: string, text: string): PendingUpdate => ({ objectId, epoch: 0, update: new TextEncoder().encode(text), author: 'a', newClients: [] });

function gauge(load: number): LoadGauge & { value: number } {
  return { value: load, load() { return this.value; }, committed: () => undefined };
}

/** Lets the promise callbacks and the timers due within `ms` run. */
async function advance(ms = 0): Promise<void> {
  await vi.advanceTimersByTimeAsync(ms);
}

const WINDOW = { maxWindowMs: 25, busyFrom: 0.2 };

describe('adaptive group commit', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  test('a lone edit in a quiet server is committed at once, not after the window', async () => {
    const fake = fakeStore();
    const writer = new UpdateWriter(fake.store, WINDOW, undefined, gauge(0.05));
    const written = writer.write(edit('o1', 'x'));
    await advance(0);
    expect(fake.batches).toEqual([['o1:x']]);
    fake.finish();
    await expect(written).resolves.toBe(1);
  });

  test('edits arriving during a commit share the next one, which starts as soon as it ends', async () => {
    const fake = fakeStore();
    const writer = new UpdateWriter(fake.store, WINDOW, undefined, gauge(0.05));
    const first = writer.write(edit('o1', 'a'));
    await advance(0);
    const during = ['b', 'c', 'd'].map((text, i) => writer.write(edit(`o${i + 2}`, text)));
    await advance(100);
    // One commit at a time: the others wait however long the first takes.
    expect(fake.batches).toEqual([['o1:a']]);
    fake.finish();
    await advance(0);
    expect(fake.batches).toEqual([['o1:a'], ['o2:b', 'o3:c', 'o4:d']]);
    fake.finish();
    await expect(Promise.all([first, ...during])).resolves.toEqual([1, 1, 2, 3]);
  });

  test('under load the next commit waits, so a burst shares one commit; the wait ends when the load does', async () => {
    const fake = fakeStore();
    const load = gauge(0.4); // twice busyFrom: the whole window
    const writer = new UpdateWriter(fake.store, WINDOW, undefined, load);
    const burst = Array.from({ length: 5 }, (_, i) => i);
    const written: Promise<number>[] = [];
    for (const i of burst) {
      written.push(writer.write(edit(`o${i}`, String(i))));
      await advance(4);
    }
    expect(fake.batches).toEqual([]);
    await advance(25 - 4 * burst.length);
    expect(fake.batches).toEqual([burst.map((i) => `o${i}:${i}`)]);
    fake.finish();
    await Promise.all(written);
    load.value = 0.05;
    void writer.write(edit('o9', 'quiet'));
    await advance(0);
    expect(fake.batches).toHaveLength(2);
  });

  test('a failed commit drops its objects’ queued updates only; the others are committed next', async () => {
    const fake = fakeStore();
    const writer = new UpdateWriter(fake.store, WINDOW, undefined, gauge(0));
    const first = writer.write(edit('o1', 'a'));
    await advance(0);
    const dependent = writer.write(edit('o1', 'b'));
    const other = writer.write(edit('o2', 'c'));
    const failure = new Error('disk');
    fake.finish(failure);
    await expect(first).rejects.toBe(failure);
    await expect(dependent).rejects.toBe(failure);
    await advance(0);
    expect(fake.batches).toEqual([['o1:a'], ['o2:c']]);
    fake.finish();
    await expect(other).resolves.toBe(1);
  });

  test('a fenced object’s updates are refused; the rest of its commit is written at once', async () => {
    const fake = fakeStore();
    const writer = new UpdateWriter(fake.store, WINDOW, undefined, gauge(0));
    const stale = writer.write(edit('o1', 'a'));
    const fine = writer.write(edit('o2', 'b'));
    await advance(0);
    const queued = writer.write(edit('o1', 'c'));
    fake.finish(new FencedWriteError(['o1']));
    await expect(stale).rejects.toBeInstanceOf(FencedWriteError);
    await expect(queued).rejects.toBeInstanceOf(FencedWriteError);
    await advance(0);
    expect(fake.batches).toEqual([['o1:a', 'o2:b'], ['o2:b']]);
    fake.finish();
    await expect(fine).resolves.toBe(1);
  });
});

test('the gauge is told the time a commit held the event loop, not the time it took', async () => {
  vi.useFakeTimers();
  try {
    const held: number[] = [];
    let finish!: () => void;
    const store = {
      appendUpdates(batch: PendingUpdate[]) {
        vi.advanceTimersByTime(7); // a synchronous commit, as SQLite's
        return new Promise<number[]>((resolve) => (finish = () => resolve(batch.map(() => 1))));
      },
    } as unknown as Store;
    const writer = new UpdateWriter(store, WINDOW, undefined, { load: () => 0, committed: (ms) => held.push(ms) });
    const written = writer.write(edit('o1', 'x'));
    await advance(0);
    await advance(30); // then waiting on the disk, as PostgreSQL's: not the event loop's time
    finish();
    await written;
    expect(held).toEqual([7]);
  } finally {
    vi.useRealTimers();
  }
});

describe('commit policy', () => {
  test('no wait up to busyFrom, then growing to the window at twice busyFrom', () => {
    const policy = { maxWindowMs: 20, busyFrom: 0.2 };
    expect([0, 0.2, 0.3, 0.4, 0.9].map((load) => commitWait(load, policy))).toEqual([0, 0, 10, 20, 20]);
  });

  test('busyFrom 0 is the fixed window; 1 never waits', () => {
    expect(commitWait(0, { maxWindowMs: 25, busyFrom: 0 })).toBe(25);
    expect(commitWait(1, { maxWindowMs: 25, busyFrom: 1 })).toBe(0);
  });

  test('the load leaves out the time spent committing (SQLite fsyncs on the event loop)', () => {
    let active = 0;
    let idle = 0;
    const gaugeOf = eventLoopLoad((since) => ({
      active: active - (since?.active ?? 0),
      idle: idle - (since?.idle ?? 0),
      utilization: 0,
    }));
    active += 300; // 300 ms busy of 1,000, 250 of them committing
    idle += 700;
    gaugeOf.committed(250);
    expect(gaugeOf.load()).toBeCloseTo(0.025); // (300 - 250) / 1000, smoothed with the start's 0
    active += 10; // too short a sample: the last figure stands
    expect(gaugeOf.load()).toBeCloseTo(0.025);
  });
});
