// What the relay does with a commit's outbox rows once it published them: it hands them back to
// the store to remove with its next commit (`noteRelayed`), never with a PostgreSQL query of
// their own per publication (docs/performance.md, "Session 9").
import { afterAll, beforeAll, expect, test, vi } from 'vitest';
import { createClient } from 'redis';
import { encodeEntry, streamOf, type RelayEntry } from '../../server/relay/entries';
import { RedisRelay } from '../../server/relay/redisRelay';
import type { CommittedChange } from '../../server/store/postgresStore';
import { startRedisServer, type RedisServer } from '../helpers/redisServer';

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(() => redis?.stop());

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** A started relay that reads nothing: `commit` hands it a commit to publish, `noteRelayed` is told what it published. */
async function publishingRelay() {
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
  await relay.start({ wants: () => false, handle: async () => undefined, reconcile: async () => undefined, storedHere: async () => undefined });
  return { relay, commit: (changes: CommittedChange[]) => commit(changes), noteRelayed };
}

test('a commit published to its shard is noted relayed, with its rows, after the XADD', async () => {
  const { relay, commit, noteRelayed } = await publishingRelay();
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

/** Redis's calls of `command` so far (INFO commandstats). */
async function calls(command: string): Promise<number> {
  const client = createClient({ url: redis.url });
  await client.connect();
  const stats = await client.info('commandstats');
  await client.quit();
  return Number(new RegExp(`^cmdstat_${command}:calls=(\\d+)`, 'm').exec(stats)?.[1] ?? 0);
}

test('a commit is published without MULTI/EXEC: one XADD, or several pipelined, in order', async () => {
  const { relay, commit, noteRelayed } = await publishingRelay();
  const before = { multi: await calls('multi'), exec: await calls('exec'), xadd: await calls('xadd') };
  commit([{ id: 1, kind: 'level', workspaceId: 'w2', level: 'level-a' }]);
  commit([
    { id: 2, kind: 'level', workspaceId: 'w2', level: 'level-b' },
    { id: 3, kind: 'level', workspaceId: 'w2', level: 'level-c' },
  ]);
  await vi.waitFor(() => expect(noteRelayed).toHaveBeenCalledWith([2, 3]));
  await relay.stop();
  expect({ multi: await calls('multi'), exec: await calls('exec'), xadd: await calls('xadd') }).toEqual({ ...before, xadd: before.xadd + 3 });
  const client = createClient({ url: redis.url });
  await client.connect();
  const levels = (await client.xRange(streamOf('w2'), '-', '+')).map((message) => JSON.parse(message.message.e!).level);
  await client.quit();
  expect(levels).toEqual(['level-a', 'level-b', 'level-c']);
});

test("a node's own updates are counted at commit and skipped unread on the relay; another node's are decoded and handled", async () => {
  let commit: (changes: CommittedChange[]) => void = () => undefined;
  const handled: RelayEntry[] = [];
  const stored: unknown[] = [];
  const outcomes: string[] = [];
  const relay = new RedisRelay({
    url: redis.url,
    node: 'node-a',
    maxLen: 1000,
    store: { onCommit: (listener) => (commit = listener), noteRelayed: () => undefined, sweepOutbox: async () => 0 },
    counted: (outcome) => outcomes.push(outcome),
    log: quiet,
  });
  await relay.connect();
  await relay.start({
    wants: () => true,
    handle: async (entry) => void handled.push(entry),
    reconcile: async () => undefined,
    storedHere: async (change) => void stored.push(change),
  });
  await relay.follow('w3');
  commit([{ id: 9, kind: 'update', workspaceId: 'w3', objectId: 'o3', epoch: 0, seq: 1, markingVersion: 1, update: new Uint8Array([0, 0]), owners: [], epochSeq: 0 }]);
  expect(stored).toEqual([expect.objectContaining({ workspaceId: 'w3', objectId: 'o3', epoch: 0, seq: 1, markingVersion: 1 })]);
  const other: RelayEntry = { kind: 'update', node: 'node-b', workspaceId: 'w3', objectId: 'o3', epoch: 0, seq: 2, markingVersion: 1, update: 'AAA=', owners: [], epochSeq: 0 };
  const client = createClient({ url: redis.url });
  await client.connect();
  // After node A's own entry on the shard: once B's is handled, A has read past its own.
  await vi.waitFor(async () => expect(await client.xLen(streamOf('w3'))).toBe(1));
  await client.xAdd(streamOf('w3'), '*', encodeEntry(other));
  await client.quit();
  await vi.waitFor(() => expect(handled).toHaveLength(1));
  await relay.stop();
  expect(handled).toEqual([other]);
  expect(outcomes).toEqual(['own', 'handled']);
});
