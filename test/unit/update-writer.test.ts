// The group commit (server/store/updateWriter.ts, commitPolicy.ts), on a fake store whose commits
// finish when the test says so, fake timers, and fan-out frames the test reports.
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { commitInterval, commitWait, FanoutFrames, relayPace } from '../../server/store/commitPolicy';
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

/** Lets the promise callbacks and the timers due within `ms` run. */
async function advance(ms = 0): Promise<void> {
  await vi.advanceTimersByTimeAsync(ms);
}

/** 25 ms at most; 5,000 frames a second: a commit reaching 50 sockets waits 10 ms after the last one's start, 125 or more the window. */
const POLICY = { maxWindowMs: 25, framesPerSecond: 5000 };

describe('group commit', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  test('a lone edit is committed at once, not after the window', async () => {
    const fake = fakeStore();
    const writer = new UpdateWriter(fake.store, POLICY);
    const written = writer.write(edit('o1', 'x'));
    await advance(0);
    expect(fake.batches).toEqual([['o1:x']]);
    fake.finish();
    await expect(written).resolves.toBe(1);
  });

  test('edits arriving during a commit share the next one, which starts as soon as it ends', async () => {
    const fake = fakeStore();
    const writer = new UpdateWriter(fake.store, POLICY);
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

  test('when commits fan out to many sockets, the next waits the window after the last one started, so a burst shares it', async () => {
    const fake = fakeStore();
    const writer = new UpdateWriter(fake.store, POLICY);
    void writer.write(edit('o0', 'first'));
    await advance(0);
    fake.finish();
    writer.frames.add(400); // that commit's fan-out reached 400 sockets (smoothed: 200 per commit → the whole window)
    await advance(0);
    const burst = [1, 2, 3, 4, 5];
    const written: Promise<number>[] = [];
    for (const i of burst) {
      written.push(writer.write(edit(`o${i}`, String(i))));
      await advance(4);
    }
    expect(fake.batches).toHaveLength(1);
    await advance(25 - 4 * burst.length - 1);
    expect(fake.batches).toHaveLength(1);
    await advance(1);
    expect(fake.batches).toEqual([['o0:first'], burst.map((i) => `o${i}:${i}`)]);
    fake.finish();
    await Promise.all(written);
  });

  test('in a small cell the next commit waits only what its fan-out allows, and not at all long after the last', async () => {
    const fake = fakeStore();
    const writer = new UpdateWriter(fake.store, POLICY);
    void writer.write(edit('o1', 'a'));
    await advance(0);
    fake.finish();
    writer.frames.add(20); // 10 frames per commit, smoothed: 2 ms apart
    await advance(0);
    void writer.write(edit('o1', 'b'));
    await advance(1);
    expect(fake.batches).toHaveLength(1);
    await advance(1);
    expect(fake.batches).toHaveLength(2);
    fake.finish();
    await advance(50);
    void writer.write(edit('o1', 'c'));
    await advance(0);
    expect(fake.batches).toHaveLength(3);
  });

  test('a failed commit drops its objects’ queued updates only; the others are committed next', async () => {
    const fake = fakeStore();
    const writer = new UpdateWriter(fake.store, POLICY);
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
    const writer = new UpdateWriter(fake.store, POLICY);
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

describe('commit policy', () => {
  test('commits start (frames of a commit ÷ frames per second) apart, at most the window', () => {
    expect([0, 10, 50, 100, 125, 200, 500].map((frames) => commitInterval(frames, POLICY))).toEqual([0, 2, 10, 20, 25, 25, 25]);
  });

  test('the wait is what is left of the interval since the last commit started', () => {
    expect(commitWait(4, 50, POLICY)).toBe(6);
    expect(commitWait(30, 500, POLICY)).toBe(0);
    expect(commitWait(Infinity, 500, POLICY)).toBe(0);
  });

  test('relayed updates alone wait the commit interval after a flush, twice it while a local commit (whose flush takes them along) is under way or due', () => {
    expect(relayPace(50, POLICY, false)).toBe(10);
    expect(relayPace(50, POLICY, true)).toBe(20);
    expect(relayPace(500, POLICY, true)).toBe(50);
  });

  test('a commit is pending from the first queued update until the last commit ended', async () => {
    vi.useFakeTimers();
    try {
      const fake = fakeStore();
      const writer = new UpdateWriter(fake.store, POLICY);
      expect(writer.pending).toBe(false);
      const written = writer.write(edit('o1', 'a'));
      expect(writer.pending).toBe(true);
      await advance(0);
      expect(writer.pending).toBe(true);
      fake.finish();
      await written;
      await advance(0);
      expect(writer.pending).toBe(false);
    } finally {
      vi.useRealTimers();
    }
  });

  test('0 frames per second: commits always the whole window apart', () => {
    expect(commitInterval(0, { maxWindowMs: 25, framesPerSecond: 0 })).toBe(25);
  });

  test('frames per commit: each commit start closes a count, smoothed with the ones before', () => {
    const frames = new FanoutFrames();
    expect(frames.perCommit()).toBe(0);
    frames.add(150);
    frames.add(50);
    expect(frames.perCommit()).toBe(100); // half of the open count, half of the past (0)
    frames.commitStarted();
    expect(frames.perCommit()).toBe(50);
    frames.add(200);
    frames.commitStarted();
    expect(frames.perCommit()).toBe(75); // (100 + 200) / 2, then halved with the open count (0)
  });
});
