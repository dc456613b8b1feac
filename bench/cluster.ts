// `npm run bench -- cluster [--nodes 1,2,3]` (also `npm run bench -- --nodes 1,2,3`, and
// `npm run bench:cluster` for the full form): the fan-out scenario (./fanout.ts) on 1, 2 and 3
// Tearline nodes on PostgreSQL and Redis, clients spread over the nodes (every node has clients of
// every level, and writers), each node count on a fresh database and a fresh redis-server of the
// run's own (./servers/infra.ts). Reported per node count: p50/p99 edit → receive latency,
// deliveries per second, CPU per delivery summed over the nodes, Redis and PostgreSQL, and each
// node's CPU per delivery to its own sockets: the per-node quantities the capacity model of
// docs/performance.md ("Several nodes") is built from. `--quick`: a run of seconds, for the test
// that keeps this from rotting; no figures are to be read from it.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createClient } from 'redis';
import { measureFanout, runFanout, type FanoutPlan, type FanoutResult } from './fanout';
import { numberFlag, textFlag } from './options';
import { createDatabase, startRedis } from './servers/infra';
import { ServerProcess } from './servers/spawn';
import { devTokens, tearlineTarget, TearlineSession } from './targets/tearline';

export const CLUSTER_USAGE = `usage: npm run bench -- cluster [--quick] [--nodes 1,2,3] [--no-sqlite] [--clients 500] [--writers 12] [--rate 100] [--warmup 3] [--seconds 20] [--profile <dir>] [--idle-node] [--base <checkout> [--rounds 3]] [--out bench/results/cluster.json]`;

const FULL = { clients: 500, editsPerSecond: 100, warmupSeconds: 3, measureSeconds: 20 };
const QUICK = { clients: 24, editsPerSecond: 30, warmupSeconds: 0.5, measureSeconds: 2 };

/** Work counted per edit of the window, whatever the load: Redis commands and PostgreSQL commits (all nodes together). */
export interface PerEditCounts {
  xread: number;
  xadd: number;
  exec: number;
  redisCommands: number;
  pgCommits: number;
}

export interface ClusterRow {
  /** `base`: the nodes ran another checkout's server (`--base`), for an A/B in one run. */
  checkout: 'this' | 'base';
  /** `sqlite`: the one-node baseline (the default store, no Redis) the issue's CPU ratio compares with. */
  store: 'sqlite' | 'postgres';
  nodes: number;
  clients: number;
  editsPerSecond: number;
  latencyMs: FanoutResult['latencyMs'];
  deliveries: number;
  expectedDeliveries: number;
  deliveriesPerSecond: number;
  /** CPU per delivery: the nodes, Redis and PostgreSQL together; then each apart. */
  cpuMicrosPerDelivery: { total: number; nodes: number; redis: number; postgres: number };
  /** Each node: its CPU per delivery to its own sockets. */
  perNode: { cpuSeconds: number; deliveries: number; cpuMicrosPerDelivery: number }[];
  /** Edits sent in the measured window, and each node's CPU over them (µs of CPU time per edit, from /proc, not wall time). */
  edits: number;
  cpuMicrosPerEditPerNode: number[];
  /** Frames received per update delivered (sockets of the base64 encoding): what coalescing saves. */
  framesPerDelivery: number;
  /** With --idle-node: CPU per edit (µs) of one more node that no client connects to (it holds no cell): what reading the relay costs a node for cells it does not hold. */
  idleNodeCpuMicrosPerEdit?: number;
  /** Per edit of the window (PostgreSQL rows only). */
  perEdit?: PerEditCounts;
  /** Per edit of the window, each node (its metrics): frames it wrote to sockets, coalesced updates it fanned out, relay entries it decoded and handled. */
  perNodePerEdit?: { frames: number; fanouts: number; entriesHandled: number }[];
  generatorSaturated: boolean;
}

/** Redis's command counts so far (INFO commandstats), by command. */
async function redisCommandCounts(url: string): Promise<Record<string, number>> {
  const client = createClient({ url });
  await client.connect();
  try {
    const counts: Record<string, number> = {};
    for (const match of (await client.info('commandstats')).matchAll(/^cmdstat_([a-z|]+):calls=(\d+)/gm)) counts[match[1]!] = Number(match[2]);
    return counts;
  } finally {
    await client.quit();
  }
}

/** Counts sampled with the CPU at both ends of the window (the differences become `PerEditCounts`), each node's from its metrics. */
async function countsNow(redisUrl: string, database: { commits(): Promise<number> }, nodes: readonly ServerProcess[]): Promise<Record<string, number>> {
  const redis = await redisCommandCounts(redisUrl);
  const all = Object.values(redis).reduce((sum, calls) => sum + calls, 0);
  const counts: Record<string, number> = { 'n:xread': redis.xread ?? 0, 'n:xadd': redis.xadd ?? 0, 'n:exec': redis.exec ?? 0, 'n:redis': all, 'n:commits': await database.commits() };
  for (const [i, node] of nodes.entries()) {
    const series = await node.metrics();
    counts[`n${i}:frames`] = (series.get('tearline_broadcast_frames_total{path="direct"}') ?? 0) + (series.get('tearline_broadcast_frames_total{path="engine"}') ?? 0);
    counts[`n${i}:fanouts`] = series.get('tearline_fanouts_total') ?? 0;
    counts[`n${i}:handled`] = series.get('tearline_relay_entries_total{outcome="handled"}') ?? 0;
  }
  return counts;
}

export function parseNodes(text: string | null): number[] {
  const nodes = (text ?? '1,2,3').split(',').map((v) => Number(v.trim()));
  if (nodes.some((n) => !Number.isInteger(n) || n < 1 || n > 16)) throw new Error(`--nodes takes whole numbers from 1 to 16, such as 1,2,3, not "${text}".`);
  return nodes;
}

/** One node count: its own database and Redis, N nodes sharing a data dir (one dev identity), the fan-out measured. */
async function runNodes(count: number, plan: FanoutPlan, profileDir: string | null, idleNode: boolean, base?: string): Promise<ClusterRow> {
  const database = await createDatabase();
  const redis = await startRedis();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'tearline-bench-cluster-'));
  const servers: ServerProcess[] = [];
  try {
    // One after the other: the first migrates the database.
    for (let i = 1; i <= count; i++) {
      servers.push(
        await ServerProcess.start('tearline', {
          args: ['--data-dir', dataDir],
          env: { TEARLINE_STORE: 'postgres', DATABASE_URL: database.url, REDIS_URL: redis.url, TEARLINE_NODE_ID: `bench-node-${i}` },
          ...(base ? { root: base } : {}),
          // Each node's own V8 profile (`npm run bench -- profile <file>`): shares of self time, meaningful under load.
          ...(profileDir ? { cpuProfileDir: path.join(profileDir, `${count}-nodes`, `node-${i}`) } : {}),
        }),
      );
    }
    const idle = idleNode
      ? await ServerProcess.start('tearline', {
          args: ['--data-dir', dataDir],
          env: { TEARLINE_STORE: 'postgres', DATABASE_URL: database.url, REDIS_URL: redis.url, TEARLINE_NODE_ID: 'bench-node-idle' },
        })
      : undefined;
    if (idle) servers.push(idle);
    const active = idle ? servers.slice(0, -1) : servers;
    const first = await TearlineSession.open(servers[0]!, devTokens(servers[0]!));
    const sessions = active.map((server, i) => (i === 0 ? first : first.through(server)));
    const result = await measureFanout(`tearline ×${count}`, active, [sessions], plan, async () => ({
      redis: redis.cpuSeconds(),
      postgres: await database.cpuSeconds(),
      ...(idle ? { idle: idle.sample().cpuSeconds } : {}),
      ...(await countsNow(redis.url, database, active)),
    }));
    const counted = (key: string) => (result.extraCpuSeconds[key] ?? 0) / Math.max(result.editsSent, 1);
    const deliveries = Math.max(result.deliveries, 1);
    const redisCpu = result.extraCpuSeconds.redis ?? 0;
    const postgresCpu = result.extraCpuSeconds.postgres ?? 0;
    return {
      checkout: base ? 'base' : 'this',
      store: 'postgres',
      nodes: count,
      clients: plan.clients,
      editsPerSecond: plan.editsPerSecond,
      latencyMs: result.latencyMs,
      deliveries: result.deliveries,
      expectedDeliveries: result.expectedDeliveries,
      deliveriesPerSecond: result.deliveries / result.windowSeconds,
      cpuMicrosPerDelivery: {
        total: ((result.serverCpuSeconds + redisCpu + postgresCpu) * 1e6) / deliveries,
        nodes: result.cpuMicrosPerDelivery,
        redis: (redisCpu * 1e6) / deliveries,
        postgres: (postgresCpu * 1e6) / deliveries,
      },
      perNode: result.nodes ?? [{ cpuSeconds: result.serverCpuSeconds, deliveries: result.deliveries, cpuMicrosPerDelivery: result.cpuMicrosPerDelivery }],
      ...perEdit(result),
      ...(idle ? { idleNodeCpuMicrosPerEdit: ((result.extraCpuSeconds.idle ?? 0) * 1e6) / Math.max(result.editsSent, 1) } : {}),
      perNodePerEdit: active.map((_, i) => ({ frames: counted(`n${i}:frames`), fanouts: counted(`n${i}:fanouts`), entriesHandled: counted(`n${i}:handled`) })),
      perEdit: { xread: counted('n:xread'), xadd: counted('n:xadd'), exec: counted('n:exec'), redisCommands: counted('n:redis'), pgCommits: counted('n:commits') },
      generatorSaturated: result.generatorSaturated,
    };
  } finally {
    for (const server of servers) await server.stop();
    await redis.stop();
    await database.drop().catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function run(args: readonly string[]): Promise<number> {
  if (args.includes('--help')) {
    console.log(CLUSTER_USAGE);
    return 0;
  }
  let nodes: number[];
  let plan: FanoutPlan;
  try {
    const base = args.includes('--quick') ? QUICK : FULL;
    nodes = parseNodes(textFlag(args, 'nodes'));
    const clients = Math.round(numberFlag(args, 'clients', base.clients));
    plan = {
      clients,
      writers: Math.min(clients, Math.round(numberFlag(args, 'writers', 12))),
      editsPerSecond: numberFlag(args, 'rate', base.editsPerSecond),
      warmupSeconds: numberFlag(args, 'warmup', base.warmupSeconds),
      measureSeconds: numberFlag(args, 'seconds', base.measureSeconds),
      workload: 'uniform',
      round: 1,
    };
  } catch (error) {
    console.error(`${(error as Error).message}\n${CLUSTER_USAGE}`);
    return 2;
  }
  const out = textFlag(args, 'out') ?? 'bench/results/cluster.json';
  const profileDir = textFlag(args, 'profile');
  const base = textFlag(args, 'base') ?? undefined;
  if (base && !existsSync(path.join(base, 'bench', 'servers', 'tearline.ts'))) {
    console.error(`--base ${base}: no checkout of Tearline there.\n${CLUSTER_USAGE}`);
    return 2;
  }
  // With --base: the node counts run on this checkout and on the base in turn, round after round.
  const rounds = base ? Math.max(1, Math.round(numberFlag(args, 'rounds', 3))) : 1;
  const rows: ClusterRow[] = [];
  // First, unless --no-sqlite: one node on SQLite, the baseline of the CPU ratio, in the same run.
  if (!args.includes('--no-sqlite')) {
    process.stderr.write(`cluster: 1 node on SQLite (baseline), ${plan.clients} clients, ${plan.editsPerSecond} edits/s\n`);
    rows.push(sqliteRow(await runFanout(tearlineTarget, { ...plan, ...(profileDir ? { cpuProfileDir: path.join(profileDir, 'sqlite') } : {}) }), plan));
  }
  for (let round = 1; round <= rounds; round++) {
    for (const checkout of base ? [undefined, base] : [undefined]) {
      for (const count of nodes) {
        process.stderr.write(`cluster: ${count} node${count === 1 ? '' : 's'}${checkout ? ` of ${checkout}` : ''}, ${plan.clients} clients, ${plan.editsPerSecond} edits/s${base ? `, round ${round}` : ''}\n`);
        rows.push(await runNodes(count, plan, profileDir, args.includes('--idle-node'), checkout));
      }
    }
  }
  console.log(clusterMarkdown(rows));
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify({ loadAverage: os.loadavg()[0], cores: os.cpus().length, rows }, null, 2)}\n`);
  process.stderr.write(`results written to ${out}\n`);
  return 0;
}

function sqliteRow(result: FanoutResult, plan: FanoutPlan): ClusterRow {
  return {
    checkout: 'this',
    store: 'sqlite',
    nodes: 1,
    clients: plan.clients,
    editsPerSecond: plan.editsPerSecond,
    latencyMs: result.latencyMs,
    deliveries: result.deliveries,
    expectedDeliveries: result.expectedDeliveries,
    deliveriesPerSecond: result.deliveries / result.windowSeconds,
    cpuMicrosPerDelivery: { total: result.cpuMicrosPerDelivery, nodes: result.cpuMicrosPerDelivery, redis: 0, postgres: 0 },
    perNode: [{ cpuSeconds: result.serverCpuSeconds, deliveries: result.deliveries, cpuMicrosPerDelivery: result.cpuMicrosPerDelivery }],
    ...perEdit(result),
    generatorSaturated: result.generatorSaturated,
  };
}

function perEdit(result: FanoutResult): Pick<ClusterRow, 'edits' | 'cpuMicrosPerEditPerNode' | 'framesPerDelivery'> {
  const edits = Math.max(result.editsSent, 1);
  const cpu = result.nodes?.map((node) => node.cpuSeconds) ?? [result.serverCpuSeconds];
  return { edits: result.editsSent, cpuMicrosPerEditPerNode: cpu.map((seconds) => (seconds * 1e6) / edits), framesPerDelivery: result.framesPerDelivery };
}

export function clusterMarkdown(rows: readonly ClusterRow[]): string {
  const f = (v: number) => v.toFixed(1);
  return [
    '### Several nodes: edit → receive on PostgreSQL and Redis',
    '',
    '| checkout | store | nodes | clients | p50 ms | p99 ms | deliveries/s | delivered | CPU µs/delivery (all) | nodes | Redis | PostgreSQL | per node (µs/delivery to its sockets) | per node (µs CPU/edit) | frames/delivery | per edit: XREAD · XADD · EXEC · Redis commands · PostgreSQL commits |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.checkout} | ${r.store} | ${r.nodes} | ${r.clients} | ${f(r.latencyMs.p50)} | ${f(r.latencyMs.p99)} | ${Math.round(r.deliveriesPerSecond)} | ${r.deliveries}/${r.expectedDeliveries} | ` +
        `${f(r.cpuMicrosPerDelivery.total)} | ${f(r.cpuMicrosPerDelivery.nodes)} | ${f(r.cpuMicrosPerDelivery.redis)} | ${f(r.cpuMicrosPerDelivery.postgres)} | ` +
        `${r.perNode.map((n) => f(n.cpuMicrosPerDelivery)).join(' · ')} | ${r.cpuMicrosPerEditPerNode.map((v) => Math.round(v)).join(' · ')} | ${r.framesPerDelivery.toFixed(2)} | ${r.perEdit ? [r.perEdit.xread, r.perEdit.xadd, r.perEdit.exec, r.perEdit.redisCommands, r.perEdit.pgCommits].map((v) => v.toFixed(2)).join(' · ') : '–'} |`,
    ),
    ...ratios(rows),
    ...rows
      .filter((r) => r.perNodePerEdit)
      .map(
        (r) =>
          `${r.checkout === 'base' ? 'Base, ' : ''}${r.nodes} node${r.nodes === 1 ? '' : 's'}, per edit on each node: frames ${r.perNodePerEdit!.map((n) => n.frames.toFixed(1)).join(' · ')}; coalesced updates fanned out ${r.perNodePerEdit!.map((n) => n.fanouts.toFixed(2)).join(' · ')}; relay entries handled ${r.perNodePerEdit!.map((n) => n.entriesHandled.toFixed(2)).join(' · ')}`,
      ),
    ...rows
      .filter((r) => r.idleNodeCpuMicrosPerEdit !== undefined)
      .map((r) => `A node without clients beside ${r.nodes} node${r.nodes === 1 ? '' : 's'}: ${r.idleNodeCpuMicrosPerEdit!.toFixed(1)} µs CPU per edit (reading the relay for cells it does not hold)`),
    '',
  ].join('\n');
}

/** Each PostgreSQL row's CPU per delivery (all of it) against the SQLite node's: the issue's target is ≤ 1.5 at 2 nodes. */
function ratios(rows: readonly ClusterRow[]): string[] {
  const sqlite = rows.find((r) => r.store === 'sqlite');
  if (!sqlite) return [];
  return [
    '',
    ...rows
      .filter((r) => r.store === 'postgres')
      .map((r) => `CPU per delivery, ${r.nodes} node${r.nodes === 1 ? '' : 's'} on PostgreSQL and Redis${r.checkout === 'base' ? ' (base)' : ''} ÷ one SQLite node: ${(r.cpuMicrosPerDelivery.total / sqlite.cpuMicrosPerDelivery.total).toFixed(2)}`),
  ];
}
