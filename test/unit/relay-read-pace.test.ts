// The relay's reads are paced on the fan-out (`RelayOptions.readPause`): after a read that returned
// entries, the next XREAD waits until the fan-out would flush what it brings, or until a local
// commit starts. Entries published meanwhile, this node's own among them, are read by one XREAD
// instead of waking one each (docs/performance.md, "Session 11: the relay's read loop").
import { afterAll, beforeAll, expect, test, vi } from 'vitest';
import { createClient } from 'redis';
import { encodeEntry, streamOf, type RelayEntry } from '../../server/relay/entries';
import { RedisRelay } from '../../server/relay/redisRelay';
import { startRedisServer, type RedisServer } from '../helpers/redisServer';

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(() => redis?.stop());

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** Redis's completed XREADs so far (INFO commandstats). */
async function xreads(): Promise<number> {
  const client = createClient({ url: redis.url });
  await client.connect();
  const stats = await client.info('commandstats');
  await client.quit();
  return Number(/^cmdstat_xread:calls=(\d+)/m.exec(stats)?.[1] ?? 0);
}

function update(node: string, workspaceId: string, seq: number): RelayEntry {
  return { kind: 'update', node, workspaceId, objectId: 'o1', epoch: 0, seq, markingVersion: 1, update: 'AAA=', owners: [], epochSeq: 0 };
}

/** Node B's relay, following `workspaceId`, its reads paused for as long as the fan-out says (`pause`, ms). */
async function readingRelay(workspaceId: string, pause: () => number) {
  const handled: RelayEntry[] = [];
  const outcomes: string[] = [];
  const relay = new RedisRelay({
    url: redis.url,
    node: 'node-b',
    maxLen: 1000,
    store: { onCommit: () => undefined, noteRelayed: () => undefined, sweepOutbox: async () => 0 },
    readPause: pause,
    counted: (outcome) => outcomes.push(outcome),
    log: quiet,
  });
  await relay.connect();
  await relay.start({ wants: () => true, handle: async (entry) => void handled.push(entry), reconcile: async () => undefined, storedHere: async () => undefined });
  await relay.follow(workspaceId);
  return { relay, handled, outcomes };
}

test("entries published during a paused read (this node's own among them) are read by one XREAD, made when a local commit starts", async () => {
  // The fan-out's next flush is far off: only a commit starting ends the pause (within this test).
  const { relay, handled, outcomes } = await readingRelay('w1', () => 60_000);
  const client = createClient({ url: redis.url });
  await client.connect();
  const stream = streamOf('w1');
  await client.xAdd(stream, '*', encodeEntry(update('node-a', 'w1', 1)));
  await vi.waitFor(() => expect(handled).toHaveLength(1));
  const before = await xreads();
  // Ten of node B's own updates, then another of node A's: each woke a blocking XREAD before.
  for (let seq = 2; seq <= 11; seq++) await client.xAdd(stream, '*', encodeEntry(update('node-b', 'w1', seq)));
  await client.xAdd(stream, '*', encodeEntry(update('node-a', 'w1', 12)));
  relay.commitStarting(0);
  await vi.waitFor(() => expect(handled).toHaveLength(2));
  const read = (await xreads()) - before;
  await relay.stop();
  await client.quit();
  expect(handled.map((entry) => entry.kind === 'update' && entry.seq)).toEqual([1, 12]);
  expect(outcomes).toEqual(['handled', ...Array<string>(10).fill('own'), 'handled']);
  expect(read).toBe(1);
});

test('without a pause (the fan-out would flush at once) every entry is read as it comes, in order', async () => {
  const { relay, handled, outcomes } = await readingRelay('w2', () => 0);
  const client = createClient({ url: redis.url });
  await client.connect();
  const stream = streamOf('w2');
  for (let seq = 1; seq <= 3; seq++) {
    await client.xAdd(stream, '*', encodeEntry(update('node-a', 'w2', seq)));
    await vi.waitFor(() => expect(handled).toHaveLength(seq));
  }
  await relay.stop();
  await client.quit();
  expect(handled.map((entry) => entry.kind === 'update' && entry.seq)).toEqual([1, 2, 3]);
  expect(outcomes).toEqual(['handled', 'handled', 'handled']);
});

test('a cell followed during a paused read is read at once, the pause ended', async () => {
  const { relay, handled } = await readingRelay('w3', () => 60_000);
  const client = createClient({ url: redis.url });
  await client.connect();
  await client.xAdd(streamOf('w3'), '*', encodeEntry(update('node-a', 'w3', 1)));
  await vi.waitFor(() => expect(handled).toHaveLength(1));
  // A cell on another shard, followed during the pause: its entry is read without a commit starting.
  const other = ['w4', 'w5', 'w6', 'w7'].find((id) => streamOf(id) !== streamOf('w3'))!;
  const before = await xreads();
  await relay.follow(other);
  await client.xAdd(streamOf(other), '*', encodeEntry(update('node-a', other, 1)));
  await vi.waitFor(() => expect(handled).toHaveLength(2));
  const read = (await xreads()) - before;
  await relay.stop();
  await client.quit();
  expect(handled[1]).toMatchObject({ workspaceId: other, seq: 1 });
  expect(read).toBeLessThanOrEqual(2);
});
