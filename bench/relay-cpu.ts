// What the relay path costs a node in CPU time (process.cpuUsage in this one process, not wall
// time), on the local PostgreSQL and a redis-server of its own (./servers/infra.ts), one small edit
// per commit, the variants taking turns in each round:
//   - `store`: PostgresStore.appendUpdates alone (the pg client's share of a commit; no relay);
//   - `store + publish`: the same with the relay publishing each commit (XADD) and noting its
//     outbox rows relayed (removed with the next commit), each commit awaited until they are noted;
//   - `store + publish + read`: the same with a second relay (another node) reading the cell's
//     shard and decoding each entry (JSON, zod, base64) for a receiver that keeps nothing. Less
//     the row before: what reading one relayed edit costs a node, before it applies and delivers it.
// Each `store` figure comes with the CPU the PostgreSQL backends serving it spent per commit
// (/proc/<pid>/schedstat, in ns). `--base <dir>`: a `store (base)` variant runs another checkout's
// PostgresStore (and its migrations) in this same process, on a database of its own, the two
// stores committing in turn one commit at a time, so both meet the same load on a shared machine.
// `npm run bench -- relay-cpu [--commits 1000] [--rounds 3] [--base <dir>] [--store-only]`.
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { decodeEntry } from '../server/relay/entries';
import { RedisRelay } from '../server/relay/redisRelay';
import { openPool } from '../server/store/pgPool';
import { PostgresStore } from '../server/store/postgresStore';
import { oneObjectEdits } from './commit-cpu';
import { numberFlag, textFlag } from './options';
import { createDatabase, startRedis } from './servers/infra';

const WARMUP = 200;
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
type Variant = 'store' | 'store (base)' | 'store + publish' | 'store + publish + read';

/** A checkout's store: this tree's, or the base's (`--base`). */
interface StoreCode {
  PostgresStore: typeof PostgresStore;
  openPool: typeof openPool;
}

/** µs CPU per commit of one round of a relay variant, on a fresh database. */
async function measure(variant: Variant, commits: number, redisUrl: string): Promise<number> {
  const database = await createDatabase();
  const store = new PostgresStore(await openPool(database.url));
  const relays: RedisRelay[] = [];
  try {
    const edits = await oneObjectEdits(store, WARMUP + commits);
    let marked = 0;
    let read = 0;
    // Woken by each mark and each read, so waiting for them spends no CPU.
    let wake = () => undefined as void;
    const counted = (count: () => void) => {
      count();
      wake();
    };
    // Each commit awaited until its outbox rows are noted relayed: the whole write path.
    const relay = new RedisRelay({
      url: redisUrl,
      node: 'writer',
      maxLen: 100_000,
      store: { onCommit: (listener) => store.onCommit(listener), noteRelayed: (ids) => {
        store.noteRelayed(ids);
        counted(() => marked++);
      }, sweepOutbox: async () => 0 },
      log: quiet,
    });
    relays.push(relay);
    await relay.connect();
    await relay.start({ wants: () => false, handle: async () => undefined, reconcile: async () => undefined, storedHere: async () => undefined });
    if (variant === 'store + publish + read') {
      const reader = new RedisRelay({ url: redisUrl, node: 'reader', maxLen: 100_000, store: { onCommit: () => undefined, noteRelayed: () => undefined, sweepOutbox: async () => 0 }, log: quiet });
      relays.push(reader);
      await reader.connect();
      // `handle` gets entries already decoded; decoding one more time here would count it twice.
      await reader.start({ wants: () => true, handle: async () => counted(() => read++), reconcile: async () => undefined, storedHere: async () => undefined });
      await reader.follow('w');
    }
    const settled = async (i: number) => {
      while (marked < i + 1 || (variant === 'store + publish + read' && read < i + 1)) await new Promise<void>((resolve) => (wake = resolve));
    };
    const append = async (i: number) => {
      await store.appendUpdates([edits[i]!]);
      await settled(i);
    };
    for (let i = 0; i < WARMUP; i++) await append(i);
    const start = process.cpuUsage();
    for (let i = WARMUP; i < WARMUP + commits; i++) await append(i);
    const used = process.cpuUsage(start);
    return (used.user + used.system) / commits;
  } finally {
    for (const relay of relays) await relay.stop();
    await store.close();
    await database.drop().catch(() => undefined);
  }
}

/** A store of `code` on a fresh database, its edits, and its warmed-up backends. */
async function storeRun(code: StoreCode, commits: number) {
  const database = await createDatabase();
  const store = new code.PostgresStore(await code.openPool(database.url));
  const edits = await oneObjectEdits(store, WARMUP + commits);
  for (let i = 0; i < WARMUP; i++) await store.appendUpdates([edits[i]!]);
  const backends = await backendPids(database.url);
  let node = 0;
  return {
    /** Commit `i` (after the warm-up), counting this process's CPU while it runs. */
    async append(i: number) {
      const start = process.cpuUsage();
      await store.appendUpdates([edits[WARMUP + i]!]);
      const used = process.cpuUsage(start);
      node += used.user + used.system;
    },
    cpu: () => ({ node, server: cpuNs(backends) / 1000 }),
    async close() {
      await store.close();
      await database.drop().catch(() => undefined);
    },
  };
}

/** µs CPU per commit of each store's, the stores taking turns commit by commit: this process's, and their backends'. */
async function measurePaired(codes: readonly StoreCode[], commits: number): Promise<{ node: number; server: number }[]> {
  const runs = await Promise.all(codes.map((code) => storeRun(code, commits)));
  try {
    const starts = runs.map((run) => run.cpu());
    for (let i = 0; i < commits; i++) for (const run of runs) await run.append(i);
    return runs.map((run, r) => {
      const end = run.cpu();
      return { node: (end.node - starts[r]!.node) / commits, server: (end.server - starts[r]!.server) / commits };
    });
  } finally {
    for (const run of runs) await run.close();
  }
}

/** The backends serving the database now (the store's pool, warmed up), not the asking one. */
async function backendPids(url: string): Promise<number[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()');
    return rows.map((row) => row.pid);
  } finally {
    await client.end();
  }
}

/** CPU time so far of the processes, in ns (the first field of /proc/<pid>/schedstat). */
function cpuNs(pids: readonly number[]): number {
  return pids.reduce((sum, pid) => sum + Number(fs.readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[0]), 0);
}

export async function run(args: string[]): Promise<number> {
  const commits = Math.round(numberFlag(args, 'commits', 1000));
  const rounds = Math.round(numberFlag(args, 'rounds', 3));
  const base = textFlag(args, 'base');
  const here: StoreCode = { PostgresStore, openPool };
  const codes = new Map<Variant, StoreCode>([['store', here]]);
  if (base) {
    const [store, pool] = await Promise.all(['postgresStore.ts', 'pgPool.ts'].map((file) => import(path.resolve(base, 'server/store', file))));
    codes.set('store (base)', { PostgresStore: store.PostgresStore, openPool: pool.openPool });
  }
  // `--store-only`: the commit alone (this tree's, and the base's), more rounds in the same time.
  if (!args.includes('--store-only')) codes.set('store + publish', here).set('store + publish + read', here);
  const variants = [...codes.keys()];
  const stores = variants.filter((variant) => !variant.startsWith('store +'));
  const redis = await startRedis();
  try {
    console.log(`CPU time per commit of one small edit on PostgreSQL, ${commits} commits per variant and round (not wall time): this process, and (PG) the PostgreSQL backends serving it\n`);
    const columns = [...variants, ...stores.map((variant) => `PG: ${variant}`)];
    console.log(`| round | ${columns.join(' | ')} |\n| --- |${columns.map(() => ' --- |').join('')}`);
    for (let round = 1; round <= rounds; round++) {
      const paired = await measurePaired(stores.map((variant) => codes.get(variant)!), commits);
      const figures = new Map<Variant, { node: number; server: number }>(stores.map((variant, i) => [variant, paired[i]!]));
      for (const variant of variants.filter((v) => !figures.has(v))) figures.set(variant, { node: await measure(variant, commits, redis.url), server: 0 });
      const row = [...variants.map((variant) => figures.get(variant)!.node), ...stores.map((variant) => figures.get(variant)!.server)];
      console.log(`| ${round} | ${row.map((us) => us.toFixed(0)).join(' | ')} |`);
    }
  } finally {
    await redis.stop();
  }
  // `decodeEntry` alone, for the share of reading that is JSON, zod and base64.
  console.log(`\nµs CPU per decodeEntry of a one-character update entry: ${decodeMicros().toFixed(2)}`);
  return 0;
}

function decodeMicros(): number {
  const fields = {
    e: JSON.stringify({ kind: 'update', node: 'bench-node-1', workspaceId: 'w', objectId: 'o1', epoch: 0, seq: 42, markingVersion: 1, update: Buffer.alloc(28, 7).toString('base64'), owners: [], epochSeq: 0 }),
    w: 'w',
  };
  const n = 50_000;
  for (let i = 0; i < n / 10; i++) decodeEntry(fields);
  const start = process.cpuUsage();
  for (let i = 0; i < n; i++) decodeEntry(fields);
  const used = process.cpuUsage(start);
  return (used.user + used.system) / n;
}
