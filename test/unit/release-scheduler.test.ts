import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ReleaseRequest } from '../../shared/release';
import { pendingRequest } from '../helpers/releaseRequests';
import type { ReleaseRequestStore } from '../../server/release/requestStore';
import { configFromEnv } from '../../server/config';
import { createDeadlineScheduler, type DeadlineScheduler } from '../../server/release/scheduler';
import { createSqliteReleaseRequestStore } from '../../server/release/sqliteRequestStore';

const minute = 60_000;
const t0 = Date.parse('2025-03-01T08:00:00.000Z');
/** The server's own retry wait (TEARLINE_RELEASE_RETRY_MS unset). */
const { releaseRetryMs: retryMs } = configFromEnv({});

function pending(id: string, deadlineMs: number, requestedMs = deadlineMs - 10 * minute): ReleaseRequest {
  return pendingRequest(id, { deadlineMs, requestedMs });
}

/** What the server's onDeadline does, reduced to its effect on the store. */
function autoRelease(store: ReleaseRequestStore, fired: string[]) {
  return async (id: string) => {
    fired.push(id);
    const request = await store.get(id);
    if (request?.state === 'pending') await store.update({ ...request, state: 'auto_released', closedAt: new Date().toISOString() }, 'pending');
  };
}

describe('deadline scheduler with fake timers', () => {
  let db: Database.Database;
  let store: ReleaseRequestStore;
  let scheduler: DeadlineScheduler | undefined;
  const fired: string[] = [];

  beforeEach(() => {
    vi.useFakeTimers({ now: t0 });
    db = new Database(':memory:');
    store = createSqliteReleaseRequestStore(db);
    fired.length = 0;
  });
  afterEach(async () => {
    await scheduler?.stop();
    scheduler = undefined;
    db.close();
    vi.useRealTimers();
  });

  it('fires a request at its deadline, not a millisecond before, and only once', async () => {
    await store.insert(pending('r1', t0 + 60 * minute));
    scheduler = createDeadlineScheduler({ store, onDeadline: autoRelease(store, fired), retryMs });
    await scheduler.start();
    await vi.advanceTimersByTimeAsync(60 * minute - 1);
    expect(fired).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(fired).toEqual(['r1']);
    expect((await store.get('r1'))?.state).toBe('auto_released');
    await vi.advanceTimersByTimeAsync(24 * 60 * minute);
    expect(fired).toEqual(['r1']);
  });

  it('fires several requests in deadline order, each at its own time', async () => {
    await store.insert(pending('later', t0 + 30 * minute));
    await store.insert(pending('sooner', t0 + 5 * minute));
    scheduler = createDeadlineScheduler({ store, onDeadline: autoRelease(store, fired), retryMs });
    await scheduler.start();
    await vi.advanceTimersByTimeAsync(5 * minute);
    expect(fired).toEqual(['sooner']);
    await vi.advanceTimersByTimeAsync(25 * minute);
    expect(fired).toEqual(['sooner', 'later']);
  });

  it('picks up a request created after start when woken with its deadline', async () => {
    scheduler = createDeadlineScheduler({ store, onDeadline: autoRelease(store, fired), retryMs });
    await scheduler.start();
    await store.insert(pending('slow', t0 + 72 * 60 * minute));
    scheduler.wake(new Date(t0 + 72 * 60 * minute));
    await store.insert(pending('crisis', t0 + 15 * minute));
    scheduler.wake(new Date(t0 + 15 * minute));
    await vi.advanceTimersByTimeAsync(15 * minute);
    expect(fired).toEqual(['crisis']);
    await vi.advanceTimersByTimeAsync(72 * 60 * minute);
    expect(fired).toEqual(['crisis', 'slow']);
  });

  it('does not fire a request that was decided before its deadline', async () => {
    const request = pending('r1', t0 + 60 * minute);
    await store.insert(request);
    scheduler = createDeadlineScheduler({ store, onDeadline: autoRelease(store, fired), retryMs });
    await scheduler.start();
    await vi.advanceTimersByTimeAsync(30 * minute);
    await store.update({ ...request, state: 'withdrawn', closedAt: new Date().toISOString() }, 'pending');
    await vi.advanceTimersByTimeAsync(60 * minute);
    expect(fired).toEqual([]);
  });

  it('waits past the 24.8-day timer ceiling without firing early', async () => {
    const deadline = t0 + 60 * 24 * 60 * minute;
    await store.insert(pending('r1', deadline));
    scheduler = createDeadlineScheduler({ store, onDeadline: autoRelease(store, fired), retryMs });
    await scheduler.start();
    await vi.advanceTimersByTimeAsync(deadline - t0 - 1);
    expect(fired).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(fired).toEqual(['r1']);
  });

  it('retries a failed deadline after retryMs instead of spinning, and keeps serving others', async () => {
    await store.insert(pending('broken', t0 + minute));
    await store.insert(pending('fine', t0 + 2 * minute));
    const errors: (string | undefined)[] = [];
    let healthy = false;
    const release = autoRelease(store, fired);
    scheduler = createDeadlineScheduler({
      store,
      retryMs: 10 * minute,
      onError: (_error, id) => errors.push(id),
      onDeadline: async (id) => {
        if (id === 'broken' && !healthy) throw new Error('object store unavailable');
        await release(id);
      },
    });
    await scheduler.start();
    await vi.advanceTimersByTimeAsync(minute);
    expect(errors).toEqual(['broken']);
    // The retry waits 10 minutes, but the next deadline is not held back by it.
    await vi.advanceTimersByTimeAsync(minute);
    expect(fired).toEqual(['fine']);
    expect(errors).toEqual(['broken', 'broken']);
    await vi.advanceTimersByTimeAsync(10 * minute - 1);
    expect(errors).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(errors).toHaveLength(3);
    healthy = true;
    await vi.advanceTimersByTimeAsync(10 * minute);
    expect(fired).toEqual(['fine', 'broken']);
    expect((await store.get('broken'))?.state).toBe('auto_released');
    await vi.advanceTimersByTimeAsync(60 * minute);
    expect(errors).toHaveLength(3);
  });

  it('fires a request that fell due while an earlier one was being handled, without waiting for a retry', async () => {
    await store.insert(pending('slow', t0 + minute));
    await store.insert(pending('next', t0 + minute + 1_000));
    const release = autoRelease(store, fired);
    scheduler = createDeadlineScheduler({
      store,
      retryMs: 10 * minute,
      onDeadline: async (id) => {
        if (id === 'slow') await new Promise((resolve) => setTimeout(resolve, 5_000));
        await release(id);
      },
    });
    await scheduler.start();
    await vi.advanceTimersByTimeAsync(minute + 5_000);
    expect(fired).toEqual(['slow']);
    await vi.advanceTimersByTimeAsync(1);
    expect(fired).toEqual(['slow', 'next']);
  });

  it('fires nothing once stopped', async () => {
    await store.insert(pending('r1', t0 + minute));
    scheduler = createDeadlineScheduler({ store, onDeadline: autoRelease(store, fired), retryMs });
    await scheduler.start();
    await scheduler.stop();
    scheduler.wake(new Date(t0 + minute));
    await vi.advanceTimersByTimeAsync(10 * minute);
    expect(fired).toEqual([]);
  });
});

describe('deadline scheduler across a restart (real clock)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tearline-scheduler-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('after reopening the same file, fires what fell due while down and what falls due later', async () => {
    const file = join(dir, 'tearline.db');
    const before = new Database(file);
    const beforeStore = createSqliteReleaseRequestStore(before);
    const beforeFired: string[] = [];
    const beforeScheduler = createDeadlineScheduler({ store: beforeStore, onDeadline: autoRelease(beforeStore, beforeFired), retryMs });
    await beforeScheduler.start();
    const now = Date.now();
    await beforeStore.insert(pending('due-while-down', now + 100));
    beforeScheduler.wake(new Date(now + 100));
    await beforeStore.insert(pending('due-after-restart', now + 1_500));
    beforeScheduler.wake(new Date(now + 1_500));
    // The server goes down before either deadline.
    await beforeScheduler.stop();
    before.close();

    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(beforeFired).toEqual([]);

    const after = new Database(file);
    const afterStore = createSqliteReleaseRequestStore(after);
    const fired: string[] = [];
    const scheduler = createDeadlineScheduler({ store: afterStore, onDeadline: autoRelease(afterStore, fired), retryMs });
    await scheduler.start();
    expect(fired).toEqual(['due-while-down']);
    expect((await afterStore.get('due-while-down'))?.state).toBe('auto_released');
    expect((await afterStore.get('due-after-restart'))?.state).toBe('pending');

    await vi.waitFor(() => expect(fired).toEqual(['due-while-down', 'due-after-restart']), { timeout: 10_000, interval: 20 });
    expect(Date.now()).toBeGreaterThanOrEqual(now + 1_500);
    await scheduler.stop();
    after.close();
  });
});
