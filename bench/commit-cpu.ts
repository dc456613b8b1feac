// What one durable commit of one small edit costs the server in CPU time (process.cpuUsage, not
// wall time): SqliteStore.appendUpdates of a one-character Yjs update, one update per commit, with
// TEARLINE_SQLITE_SYNC full (fsync every commit, the default) and normal, and on an in-memory
// SQLite. At 50 clients the commit policy gives most edits a commit of their own, so this divided
// by the deliveries of an edit is what the commit adds to CPU per delivery. `npm run bench -- commit-cpu [--commits 2500]`.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as Y from 'yjs';
import { buildContent } from '../shared/content';
import type { PendingUpdate, Store } from '../server/store/types';
import { SqliteStore } from '../server/store/sqliteStore';
import { noteEnvelope } from '../test/helpers/envelopes';

const WARMUP = 500;
const envelope = noteEnvelope('o1');

/**
 * A cell with one object, as the server stores them, and `count` one-character edits of it in the
 * order a client makes them (the first binds the client's Yjs id). Shared with ./relay-cpu.ts.
 */
export async function oneObjectEdits(store: Store, count: number): Promise<PendingUpdate[]> {
  // A real cell, as the server stores it: a write's store work may look its cell up.
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
  await store.createObjects([{ envelope, content: buildContent({ body: '' }), author: 'a', clients: [] }]);
  const doc = new Y.Doc();
  const updates: Uint8Array[] = [];
  doc.on('update', (update: Uint8Array) => updates.push(update));
  for (let i = 0; i < count; i++) doc.getText('body').insert(i, 'k');
  return updates.map((update, i) => ({ objectId: envelope.id, epoch: 0, update, author: 'a', newClients: i === 0 ? [doc.clientID] : [] }));
}

/** `memory`: an in-memory SQLite, no disk: what the statements themselves cost, without the fsync's spread. */
async function measure(sync: 'full' | 'normal' | 'memory', commits: number): Promise<{ user: number; system: number }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tearline-commit-cpu-'));
  const store = new SqliteStore(sync === 'memory' ? ':memory:' : path.join(dir, 'c.db'), { sync: sync === 'memory' ? 'normal' : sync });
  try {
    const edits = await oneObjectEdits(store, WARMUP + commits);
    const append = (i: number) => store.appendUpdates([edits[i]!]);
    for (let i = 0; i < WARMUP; i++) await append(i);
    const start = process.cpuUsage();
    for (let i = WARMUP; i < WARMUP + commits; i++) await append(i);
    const used = process.cpuUsage(start);
    return { user: used.user / commits, system: used.system / commits };
  } finally {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export async function run(args: string[]): Promise<number> {
  const at = args.indexOf('--commits');
  const commits = at >= 0 ? Number(args[at + 1]) : 2500;
  console.log(`CPU per commit of one small update, ${commits} commits, data in ${os.tmpdir()}\n`);
  console.log('| TEARLINE_SQLITE_SYNC | µs CPU per commit | user | system |\n| --- | --- | --- | --- |');
  for (const sync of ['full', 'normal', 'memory'] as const) {
    const r = await measure(sync, commits);
    console.log(`| ${sync} | ${(r.user + r.system).toFixed(0)} | ${r.user.toFixed(0)} | ${r.system.toFixed(0)} |`);
  }
  return 0;
}
