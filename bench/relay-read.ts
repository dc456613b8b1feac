// What a node's relay reads cost, read as entries come or paced on the fan-out
// (`RelayOptions.readPause`), on a redis-server of its own: entries published one at a time
// `--gap` ms apart on one shard, every other one the reading node's own (skipped unread, as at two
// nodes), read by one relay. Variants, taking turns each round:
//   - `as they come`: no pause, one blocking XREAD woken per entry (before session 11);
//   - `paced`: a fan-out flushing every `--pace` ms, the reads waiting for it.
// Per entry: XREADs (Redis's own count), CPU of this process (the reading relay and the publishing
// client, the same in both) and of redis-server, from process.cpuUsage and /proc, not wall time.
// `npm run bench -- relay-read [--entries 1500] [--gap 2] [--pace 20] [--rounds 4]`.
import { createClient } from 'redis';
import { encodeEntry, streamOf, type RelayEntry } from '../server/relay/entries';
import { RedisRelay } from '../server/relay/redisRelay';
import { numberFlag } from './options';
import { startRedis, type BenchRedis } from './servers/infra';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
type Variant = 'as they come' | 'paced';
const VARIANTS: Variant[] = ['as they come', 'paced'];

interface Measured {
  xreads: number;
  nodeMicros: number;
  redisMicros: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function measure(variant: Variant, redis: BenchRedis, cell: string, options: { entries: number; gap: number; pace: number }): Promise<Measured> {
  let read = 0;
  const relay = new RedisRelay({
    url: redis.url,
    node: 'reader',
    maxLen: 100_000,
    store: { onCommit: () => undefined, noteRelayed: () => undefined, sweepOutbox: async () => 0 },
    // The time left to the fan-out's next flush, one every `pace` ms.
    ...(variant === 'paced' ? { readPause: () => options.pace - (performance.now() % options.pace) } : {}),
    counted: () => read++,
    log: quiet,
  });
  const publisher = createClient({ url: redis.url });
  try {
    await relay.connect();
    await relay.start({ wants: () => true, handle: async () => undefined, reconcile: async () => undefined, storedHere: async () => undefined });
    await relay.follow(cell);
    await publisher.connect();
    const xreads = async () => Number(/^cmdstat_xread:calls=(\d+)/m.exec(await publisher.info('commandstats'))?.[1] ?? 0);
    const startXreads = await xreads();
    const startRedis = redis.cpuSeconds();
    const start = process.cpuUsage();
    for (let i = 1; i <= options.entries; i++) {
      const entry: RelayEntry = { kind: 'update', node: i % 2 === 0 ? 'reader' : 'writer', workspaceId: cell, objectId: 'o1', epoch: 0, seq: i, markingVersion: 1, update: Buffer.alloc(60, i).toString('base64'), owners: [], epochSeq: 0 };
      await publisher.xAdd(streamOf(cell), '*', encodeEntry(entry));
      await sleep(options.gap);
    }
    while (read < options.entries) await sleep(5);
    const used = process.cpuUsage(start);
    return {
      xreads: ((await xreads()) - startXreads) / options.entries,
      nodeMicros: (used.user + used.system) / options.entries,
      redisMicros: ((redis.cpuSeconds() - startRedis) * 1e6) / options.entries,
    };
  } finally {
    await relay.stop();
    if (publisher.isOpen) await publisher.quit();
  }
}

export async function run(args: string[]): Promise<number> {
  const options = { entries: numberFlag(args, 'entries', 1500), gap: numberFlag(args, 'gap', 2), pace: numberFlag(args, 'pace', 20) };
  const rounds = numberFlag(args, 'rounds', 4);
  const redis = await startRedis();
  const results = new Map<Variant, Measured[]>(VARIANTS.map((variant) => [variant, []]));
  try {
    for (let round = 0; round < rounds; round++) {
      for (const variant of VARIANTS) results.get(variant)!.push(await measure(variant, redis, `cell-${round}-${variant}`, options));
    }
  } finally {
    await redis.stop();
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  console.log(`relay-read: ${options.entries} entries ${options.gap} ms apart (half the reader's own), ${rounds} rounds, medians (each round)`);
  console.log('| reads | XREAD per entry | µs CPU per entry: reader + publisher | redis-server |');
  console.log('| --- | --- | --- | --- |');
  for (const [variant, measured] of results) {
    const list = (pick: (m: Measured) => number, digits: number) => `${median(measured.map(pick)).toFixed(digits)} (${measured.map((m) => pick(m).toFixed(digits)).join(', ')})`;
    console.log(`| ${variant} | ${list((m) => m.xreads, 3)} | ${list((m) => m.nodeMicros, 1)} | ${list((m) => m.redisMicros, 1)} |`);
  }
  return 0;
}
