// What PostgreSQL spends per commit over a long run, window by window: two PostgresStores (two
// nodes) on a database of their own commit one small edit each at a steady rate (12 objects, text
// appended as the cluster bench's writers do), each noting its outbox rows relayed as the relay does
// once published (removed by its next commit), each running the outbox sweeper every 2 s, and each
// compacting an object every 200 of its updates (as DocRegistry does, after the same keepsHistory
// reads). Every `--window` seconds: the CPU of the database's backends (/proc), and, when the
// server has pg_stat_statements loaded (shared_preload_libraries; track = all shows the statements
// inside tearline_append_updates), each statement's calls and shared buffers touched per call, and
// the tables' live and dead rows. Buffers per statement do not depend on the machine's load.
// `--base <dir>`: another checkout's PostgresStore (and its migrations) runs beside this tree's, in
// this process, on a database of its own, at the same rate, edit for edit: both meet the same load.
// `--hold-snapshot`: a transaction holds one snapshot on each database for the whole run, as a
// pg_dump does for the length of a backup: no dead row can be removed meanwhile, pruned or vacuumed.
// `npm run bench -- pg-long [--rate 100] [--seconds 180] [--window 10] [--objects 12] [--base <dir>] [--hold-snapshot]`
// (TEARLINE_BENCH_PG_URL: the server, as for `cluster`).
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import * as Y from 'yjs';
import { buildContent } from '../shared/content';
import { openPool } from '../server/store/pgPool';
import { PostgresStore } from '../server/store/postgresStore';
import { noteEnvelope } from '../test/helpers/envelopes';
import { createBenchCell } from './commit-cpu';
import { numberFlag, textFlag } from './options';
import { createDatabase, type BenchDatabase } from './servers/infra';
import { sampleProcess } from './servers/procfs';

const SWEEP_EVERY_MS = 2000;
const COMPACT_AFTER = 200;
const TABLES = ['objects', 'outbox', 'doc_updates', 'doc_history', 'doc_snapshots', 'doc_clients'];

interface Statement {
  query: string;
  calls: number;
  buffers: number;
  ms: number;
}

/** pg_stat_statements of the database, by query id (empty when the extension is not loaded). */
async function statements(client: pg.Client): Promise<Map<string, Statement>> {
  const { rows } = await client
    .query<{ queryid: string; query: string; calls: string; buffers: string; ms: number }>(
      `SELECT queryid::text, left(regexp_replace(query, '\\s+', ' ', 'g'), 90) AS query, calls::text,
         (shared_blks_hit + shared_blks_read + local_blks_hit + local_blks_read)::text AS buffers, total_exec_time AS ms
         FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid WHERE d.datname = current_database()`,
    )
    .catch(() => ({ rows: [] }));
  return new Map(rows.map((r) => [r.queryid, { query: r.query, calls: Number(r.calls), buffers: Number(r.buffers), ms: r.ms }]));
}

/** The run's backends' CPU seconds (each backend's last reading kept after it ends), client backends and autovacuum apart. */
function cpuReader(client: pg.Client) {
  const last = new Map<string, { kind: string; cpu: number }>();
  return async () => {
    const { rows } = await client.query<{ pid: number; started: string; kind: string }>(
      'SELECT pid, backend_start::text AS started, backend_type AS kind FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
    );
    for (const { pid, started, kind } of rows) {
      try {
        last.set(`${pid}@${started}`, { kind, cpu: sampleProcess(pid).cpuSeconds });
      } catch {
        // Ended between the list and the read.
      }
    }
    const sum = (autovacuum: boolean) => [...last.values()].filter((b) => (b.kind === 'autovacuum worker') === autovacuum).reduce((s, b) => s + b.cpu, 0);
    return { backends: sum(false), autovacuum: sum(true) };
  };
}

/** A checkout's store: this tree's, or the base's (`--base`). */
interface StoreCode {
  label: string;
  PostgresStore: typeof PostgresStore;
  openPool: typeof openPool;
}

interface Window {
  commits: number;
  cpu: { backends: number; autovacuum: number };
  statements: Map<string, Statement>;
}

/** Two nodes of `code` on a database of their own, editing `objectCount` objects; `edit(o)` commits one edit of object o. */
async function startRun(code: StoreCode, objectCount: number, holdSnapshot: boolean) {
  const database: BenchDatabase = await createDatabase();
  const nodes = [new code.PostgresStore(await code.openPool(database.url)), new code.PostgresStore(await code.openPool(database.url))];
  const watcher = new pg.Client({ connectionString: database.url });
  await watcher.connect();
  await watcher.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements').catch(() => undefined);
  const [a, b] = nodes as [PostgresStore, PostgresStore];
  await createBenchCell(a);
  const ids = Array.from({ length: objectCount }, (_, i) => `o${i}`);
  await a.createObjects(ids.map((id) => ({ envelope: noteEnvelope(id), content: buildContent({ body: '' }), author: 'a', clients: [] })));
  for (const id of ids) await b.getObject(id);
  // Each object's doc as every node holds it, its last number, and each node's updates since its snapshot.
  const docs = ids.map(() => new Y.Doc());
  const lastSeq = ids.map(() => 0);
  const since = nodes.map(() => ids.map(() => 0));
  const first = ids.map(() => true);
  for (const node of nodes) node.onCommit((changes) => queueMicrotask(() => node.noteRelayed(changes.map((c) => c.id))));
  let commits = 0;
  let failures = 0;
  const compact = async (n: number, o: number) => {
    const node = nodes[n]!;
    const envelope = await node.getObject(ids[o]!);
    if (envelope) await node.getWorkspace(envelope.workspaceId);
    await node.compact(ids[o]!, 0, Y.encodeStateAsUpdate(docs[o]!), lastSeq[o]!);
  };
  const edit = async (o: number) => {
    const doc = docs[o]!;
    let update: Uint8Array | undefined;
    doc.once('update', (u: Uint8Array) => (update = u));
    const text = doc.getText('body');
    text.insert(text.length, `[w${o}#${commits}@${Date.now()}] `);
    const newClients = first[o] ? [doc.clientID] : [];
    first[o] = false;
    commits++;
    const [seq] = await nodes[o % nodes.length]!.appendUpdates([{ objectId: ids[o]!, epoch: 0, update: update!, author: 'a', newClients }]);
    lastSeq[o] = Math.max(lastSeq[o]!, seq!);
    for (let m = 0; m < nodes.length; m++) {
      if (++since[m]![o]! < COMPACT_AFTER) continue;
      since[m]![o] = 0;
      void compact(m, o).catch(() => failures++);
    }
  };
  const holder = holdSnapshot ? new pg.Client({ connectionString: database.url }) : undefined;
  if (holder) {
    await holder.connect();
    await holder.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
    await holder.query('SELECT count(*) FROM objects');
  }
  const sweeps = nodes.map((node) => setInterval(() => void node.sweepOutbox(3000, 1000, async () => undefined).catch(() => failures++), SWEEP_EVERY_MS));
  const cpu = cpuReader(watcher);
  return {
    label: code.label,
    edit: (o: number) => edit(o).catch(() => void failures++),
    failures: () => failures,
    async sample(): Promise<Window & { dead: Map<string, string> }> {
      const { rows } = await watcher.query<{ relname: string; dead: string }>('SELECT relname, n_dead_tup::text AS dead FROM pg_stat_user_tables');
      return { commits, cpu: await cpu(), statements: await statements(watcher), dead: new Map(rows.map((r) => [r.relname, r.dead])) };
    },
    async stop() {
      for (const s of sweeps) clearInterval(s);
      await holder?.end();
      await watcher.end();
      for (const node of nodes) await node.close();
      await database.drop().catch(() => undefined);
    },
  };
}

/** Each statement's calls, buffers and exec time between two samples. */
function statementDeltas(from: Window, to: Window) {
  return [...to.statements].map(([id, s]) => {
    const before = from.statements.get(id);
    return { query: s.query, calls: s.calls - (before?.calls ?? 0), buffers: s.buffers - (before?.buffers ?? 0), ms: s.ms - (before?.ms ?? 0) };
  });
}

export async function run(args: string[]): Promise<number> {
  const rate = numberFlag(args, 'rate', 100);
  const seconds = numberFlag(args, 'seconds', 180);
  const windowS = numberFlag(args, 'window', 10);
  const objectCount = numberFlag(args, 'objects', 12);
  const base = textFlag(args, 'base');
  const codes: StoreCode[] = [{ label: 'this tree', PostgresStore, openPool }];
  if (base) {
    const [store, pool] = await Promise.all(['postgresStore.ts', 'pgPool.ts'].map((file) => import(path.resolve(base, 'server/store', file))));
    codes.push({ label: `base (${base})`, PostgresStore: store.PostgresStore, openPool: pool.openPool });
  }
  const runs = await Promise.all(codes.map((code) => startRun(code, objectCount, args.includes('--hold-snapshot'))));
  try {
    console.log(`${rate} commits/s over ${objectCount} objects on 2 stores, ${seconds} s, windows of ${windowS} s\n`);
    console.log('| s | checkout | commits | PG µs/commit (backends) | autovacuum µs/commit | buffers/commit (top-level statements) | dead rows: ' + TABLES.join(' · ') + ' |');
    console.log('| --- | --- | --- | --- | --- | --- | --- |');
    const perStatement: string[] = [];
    const start = performance.now();
    let windowAt = start;
    let last = await Promise.all(runs.map((r) => r.sample()));
    for (let i = 0; ; i++) {
      const due = start + (i * 1000) / rate;
      const now = performance.now();
      if (now - start >= seconds * 1000) break;
      if (due > now) await sleep(due - now);
      for (const r of runs) void r.edit(i % objectCount);
      if (performance.now() - windowAt < windowS * 1000) continue;
      const at = performance.now();
      const samples = await Promise.all(runs.map((r) => r.sample()));
      const span = `${((windowAt - start) / 1000).toFixed(0)}–${((at - start) / 1000).toFixed(0)}`;
      runs.forEach((r, k) => {
        const [from, to] = [last[k]!, samples[k]!];
        const commits = to.commits - from.commits;
        const deltas = statementDeltas(from, to);
        // Top level only: pg_stat_statements counts a function's statements in its call too.
        const buffers = deltas.filter((d) => !d.query.startsWith('WITH gone') && !d.query.startsWith('SELECT array_agg')).reduce((sum, d) => sum + d.buffers, 0);
        const per = (v: number) => ((v * 1e6) / commits).toFixed(0);
        console.log(
          `| ${span} | ${r.label} | ${commits} | ${per(to.cpu.backends - from.cpu.backends)} | ${per(to.cpu.autovacuum - from.cpu.autovacuum)} | ${(buffers / commits).toFixed(1)} | ${TABLES.map((t) => to.dead.get(t) ?? '?').join(' · ')} |`,
        );
        for (const d of deltas.filter((d) => d.calls > 0 && d.buffers > 0).sort((x, y) => y.buffers - x.buffers).slice(0, 6)) {
          perStatement.push(`| ${span} | ${r.label} | ${d.calls} | ${(d.buffers / d.calls).toFixed(1)} | ${((d.ms * 1000) / d.calls).toFixed(0)} | ${d.query.replaceAll('|', '¦')} |`);
        }
      });
      last = samples;
      windowAt = at;
    }
    await sleep(500);
    console.log(`\nfailures: ${runs.map((r) => `${r.label} ${r.failures()}`).join(', ')}\n`);
    console.log(`| s | checkout | calls | buffers/call | µs/call (exec, with lock waits) | statement |\n| --- | --- | --- | --- | --- | --- |\n${perStatement.join('\n')}`);
    return 0;
  } finally {
    for (const r of runs) await r.stop();
  }
}
