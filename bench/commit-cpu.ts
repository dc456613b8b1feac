// What one durable commit of one small edit costs the server in CPU time (process.cpuUsage, not
// wall time): SqliteStore.appendUpdates of a one-character Yjs update, one update per commit, with
// TEARLINE_SQLITE_SYNC full (fsync every commit, the default) and normal, and on an in-memory
// SQLite. At 50 clients the commit policy gives most edits a commit of their own, so this divided
// by the deliveries of an edit is what the commit adds to CPU per delivery.
//
// `--base <dir>`: an A/B against another checkout's SqliteStore, loaded into this same process;
// the two take turns (the order swapped every round) for `--rounds` rounds, and the medians are
// read. `--gap-ms <ms>`: a pause before each commit, as between a server's commits (at 50 clients
// one every 10–30 ms): other work then has the caches, and the commit runs as cold as it does in
// the server, about twice the CPU of commits back to back. The pause is not CPU and is not counted.
// `npm run bench -- commit-cpu [--commits 2500] [--base <dir>] [--rounds 6] [--gap-ms 0] [--sync full,normal,memory]`
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import * as Y from 'yjs';
import { buildContent } from '../shared/content';
import type { PendingUpdate, Store } from '../server/store/types';
import { SqliteStore } from '../server/store/sqliteStore';
import { noteEnvelope } from '../test/helpers/envelopes';
import { textFlag } from './options';
import { fixed, median, table } from './report';

const WARMUP = 500;
const envelope = noteEnvelope('o1');

/**
 * A cell with one object, as the server stores them, and `count` one-character edits of it in the
 * order a client makes them (the first binds the client's Yjs id). Shared with ./relay-cpu.ts.
 */
export async function oneObjectEdits(store: Store, count: number): Promise<PendingUpdate[]> {
  await createBenchCell(store);
  await store.createObjects([{ envelope, content: buildContent({ body: '' }), author: 'a', clients: [] }]);
  const doc = new Y.Doc();
  const updates: Uint8Array[] = [];
  doc.on('update', (update: Uint8Array) => updates.push(update));
  for (let i = 0; i < count; i++) doc.getText('body').insert(i, 'k');
  return updates.map((update, i) => ({ objectId: envelope.id, epoch: 0, update, author: 'a', newClients: i === 0 ? [doc.clientID] : [] }));
}

/** The cell `w`, a real one as the server stores it: a write's store work may look its cell up. Shared with ./pg-long.ts. */
export async function createBenchCell(store: Store): Promise<void> {
  await store.createWorkspace({
    id: 'w',
    name: 'Cell',
    members: ['FVEY'],
    defaultMarking: 'SECRET//REL TO USA, FVEY',
    systemHigh: 'TOP SECRET',
    groups: {},
    exercise: false,
    releasePolicy: { deadlineMinutes: 60, autoRelease: true, autoReleaseNations: [] },
    crossNationEditing: 'suggest',
    createdAt: '2026-01-01T00:00:00Z',
    createdBy: 'x',
  });
}

type Sync = 'full' | 'normal' | 'memory';
type StoreClass = new (file: string, options: { sync: 'full' | 'normal' }) => Store;

/** `memory`: an in-memory SQLite, no disk: what the statements themselves cost, without the fsync's spread. */
async function measure(Sqlite: StoreClass, sync: Sync, commits: number, gapMs: number): Promise<{ user: number; system: number }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tearline-commit-cpu-'));
  const store = new Sqlite(sync === 'memory' ? ':memory:' : path.join(dir, 'c.db'), { sync: sync === 'memory' ? 'normal' : sync });
  try {
    const edits = await oneObjectEdits(store, WARMUP + commits);
    const append = (i: number) => store.appendUpdates([edits[i]!]);
    for (let i = 0; i < WARMUP; i++) await append(i);
    const used = { user: 0, system: 0 };
    for (let i = WARMUP; i < WARMUP + commits; i++) {
      if (gapMs > 0) await sleep(gapMs);
      const start = process.cpuUsage();
      await append(i);
      const { user, system } = process.cpuUsage(start);
      used.user += user;
      used.system += system;
    }
    return { user: used.user / commits, system: used.system / commits };
  } finally {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export async function run(args: string[]): Promise<number> {
  const commits = Number(textFlag(args, 'commits') ?? 2500);
  const gapMs = Number(textFlag(args, 'gap-ms') ?? 0);
  const base = textFlag(args, 'base');
  const syncs = (textFlag(args, 'sync') ?? (base ? 'full' : 'full,normal,memory')).split(',') as Sync[];
  const gap = gapMs > 0 ? `, ${gapMs} ms before each` : '';
  console.log(`CPU per commit of one small update, ${commits} commits${gap}, data in ${os.tmpdir()}\n`);
  if (!base) {
    console.log('| TEARLINE_SQLITE_SYNC | µs CPU per commit | user | system |\n| --- | --- | --- | --- |');
    for (const sync of syncs) {
      const r = await measure(SqliteStore, sync, commits, gapMs);
      console.log(`| ${sync} | ${(r.user + r.system).toFixed(0)} | ${r.user.toFixed(0)} | ${r.system.toFixed(0)} |`);
    }
    return 0;
  }
  const sides: { label: string; Sqlite: StoreClass }[] = [
    { label: `base (${base})`, Sqlite: (await import(path.resolve(base, 'server/store/sqliteStore.ts'))).SqliteStore as StoreClass },
    { label: 'this tree', Sqlite: SqliteStore },
  ];
  const rounds = Number(textFlag(args, 'rounds') ?? 6);
  for (const sync of syncs) {
    const figures = new Map<string, number[]>(sides.map((side) => [side.label, []]));
    const rows: string[][] = [];
    for (let round = 1; round <= rounds; round++) {
      const row = [String(round)];
      for (const side of round % 2 === 1 ? sides : [...sides].reverse()) {
        const r = await measure(side.Sqlite, sync, commits, gapMs);
        figures.get(side.label)!.push(r.user + r.system);
      }
      for (const side of sides) row.push(fixed(figures.get(side.label)![round - 1]!, 1));
      rows.push(row);
    }
    const [before, after] = sides.map((side) => median(figures.get(side.label)!));
    rows.push(['median', fixed(before!, 1), fixed(after!, 1)]);
    console.log(`TEARLINE_SQLITE_SYNC ${sync}, µs CPU per commit (this tree / base: ${fixed(after! / before!, 3)})\n`);
    console.log(`${table(['round', ...sides.map((side) => side.label)], rows)}\n`);
  }
  return 0;
}
