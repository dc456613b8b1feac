import { expect, test } from 'vitest';
import type { PresenceState } from '../../shared/protocol';
import { PresenceQueue } from '../../server/rooms/presenceBatch';
import { TokenBucket } from '../../server/sessions/rateLimiter';

const state = (clientId: string, cursor: number): PresenceState => ({ clientId, sub: clientId, name: clientId, nation: 'USA', objectId: 'o1', cursor });

test("a client's latest change replaces any older one still waiting", () => {
  const queue = new PresenceQueue();
  queue.offer(state('a', 1));
  queue.offer(state('b', 1));
  queue.offer(state('a', 2));
  expect(queue.take(0)).toEqual([state('a', 2), state('b', 1)]);
  expect(queue.size).toBe(0);
  queue.offer(state('a', 3));
  queue.offer({ clientId: 'a', removed: true });
  expect(queue.take(0)).toEqual([{ clientId: 'a', removed: true }]);
});

test("states over the sender's budget wait, the latest winning, until the budget allows; removals always go", () => {
  const queue = new PresenceQueue();
  const budget = new TokenBucket(2, 1, 0);
  queue.offer(state('a', 1), budget);
  expect(queue.take(0)).toEqual([state('a', 1)]);
  queue.offer(state('a', 2), budget);
  queue.offer(state('b', 1));
  expect(queue.take(100)).toEqual([state('b', 1)]);
  queue.offer(state('a', 3), budget);
  expect(queue.size).toBe(1);
  // One token back after 500 ms at 2 a second.
  expect(queue.take(499)).toEqual([]);
  expect(queue.take(500)).toEqual([state('a', 3)]);
  queue.offer(state('a', 4), budget);
  queue.offer({ clientId: 'a', removed: true }, budget);
  expect(queue.take(500)).toEqual([{ clientId: 'a', removed: true }]);
});
