// What the relay does with a commit's outbox rows once it published them: it hands them back to
// the store to remove with its next commit (`noteRelayed`), never with a PostgreSQL query of
// their own per publication (docs/performance.md, "Session 9").
import { afterAll, beforeAll, expect, test, vi } from 'vitest';
import { createClient } from 'redis';
import { streamOf } from '../../server/relay/entries';
import { RedisRelay } from '../../server/relay/redisRelay';
import type { CommittedChange } from '../../server/store/postgresStore';
import { startRedisServer, type RedisServer } from '../helpers/redisServer';

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(() => redis?.stop());

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

test('a commit published to its shard is noted relayed, with its rows, after the XADD', async () => {
  let commit: (changes: CommittedChange[]) => void = () => undefined;
  const noteRelayed = vi.fn();
  const relay = new RedisRelay({
    url: redis.url,
    node: 'node-a',
    maxLen: 1000,
    store: { onCommit: (listener) => (commit = listener), noteRelayed, sweepOutbox: async () => 0 },
    log: quiet,
  });
  await relay.connect();
  await relay.start({ wants: () => false, handle: async () => undefined, reconcile: async () => undefined });
  commit([
    { id: 7, kind: 'update', workspaceId: 'w1', objectId: 'o1', epoch: 0, seq: 1, markingVersion: 1, update: new Uint8Array([0, 0]), owners: [], epochSeq: 0 },
    { id: 8, kind: 'level', workspaceId: 'w1', level: 'level-a' },
  ]);
  await vi.waitFor(() => expect(noteRelayed).toHaveBeenCalledWith([7, 8]));
  await relay.stop();
  const client = createClient({ url: redis.url });
  await client.connect();
  // Published before it was noted: both entries are on the cell's shard.
  expect(await client.xLen(streamOf('w1'))).toBe(2);
  await client.quit();
});
