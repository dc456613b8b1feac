// One contract suite for every Store implementation: SQLite (one node) and PostgreSQL (several
// nodes on one database; skipped without a local PostgreSQL, never in CI).
import { beforeEach, describe, expect, onTestFinished, test } from 'vitest';
import * as Y from 'yjs';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import fc from 'fast-check';
import { vi } from 'vitest';
import { bodyOf, buildContent } from '../../shared/content';
import type { Envelope } from '../../shared/protocol';
import { FencedWriteError } from '../../server/store/fence';
import { notFound } from '../../server/errors';
import { createPool } from '../../server/store/pgPool';
import { migrate, migrations } from '../../server/store/pgMigrate';
import { PostgresStore } from '../../server/store/postgresStore';
import { SqliteStore } from '../../server/store/sqliteStore';
import type { Store, StoredDoc } from '../../server/store/types';
import { DocRegistry } from '../../server/objects/docRegistry';
import type { AuditLog } from '../../server/audit/log';
import { createPostgresAuditLog, postgresAuditTurns } from '../../server/audit/postgresAuditLog';
import { createSqliteAuditLog, sqliteAuditTurns } from '../../server/audit/sqliteAuditLog';
import { UpdateWriter } from '../../server/store/updateWriter';
import { noteEnvelope } from '../helpers/envelopes';
import { countQueries, describeEngines, postgresTestsSkipped, useTestDatabase } from '../helpers/postgres';
import { tempDir } from '../helpers/server';
import { textReplica } from '../helpers/textReplica';

/** Registers the hooks that give each test an empty storage; answers how to open a store (a node) on it. */
type Backend = () => () => Store;

const sqliteBackend: Backend = () => {
  let file = '';
  beforeEach(() => {
    file = path.join(tempDir(), 'store.db');
  });
  return () => new SqliteStore(file, { sync: 'normal' });
};

const postgresBackend: Backend = () => {
  const url = useTestDatabase('workspaces, workspace_levels, objects, doc_snapshots, doc_updates, doc_clients, outbox, exercises, object_tombstones, doc_history, exercise_history');
  return () => new PostgresStore(createPool(url()));
};

const envelope = (id: string, extra: Partial<Envelope> = {}): Envelope =>
  noteEnvelope(id, { workspaceId: 'w1', createdBy: 'usa-analyst', createdAt: new Date().toISOString(), ...extra });

const workspace = (id: string) => ({
  id,
  name: 'Cell',
  members: ['FVEY'],
  defaultMarking: 'SECRET//REL TO USA, FVEY',
  systemHigh: 'TOP SECRET',
  groups: {} as Record<string, string[]>,
  exercise: false,
  releasePolicy: { deadlineMinutes: 60, autoRelease: true, autoReleaseNations: [] as string[] },
  crossNationEditing: 'suggest' as const,
  createdAt: new Date().toISOString(),
  createdBy: 'usa-analyst',
});

function textOf(parts: Uint8Array[]): string {
  const doc = new Y.Doc();
  for (const part of parts) Y.applyUpdate(doc, part);
  return bodyOf(doc).toString();
}

const originalQuery = pg.Client.prototype.query as (...args: unknown[]) => unknown;

/** The SQL text of every statement `store` runs during `work` (a spy on the engine's statements). */
async function statementsDuring(store: Store, work: () => Promise<unknown>): Promise<string[]> {
  const seen: string[] = [];
  const statement = store instanceof SqliteStore ? (Object.getPrototypeOf(store.db.prepare('SELECT 1')) as Database.Statement) : undefined;
  const spies = statement
    ? (['run', 'get', 'all'] as const).map((method) => {
        const original = statement[method] as (...args: unknown[]) => unknown;
        return vi.spyOn(statement, method).mockImplementation(function (this: Database.Statement, ...args: unknown[]) {
          seen.push(this.source);
          return original.apply(this, args);
        } as never);
      })
    : [
        vi.spyOn(pg.Client.prototype, 'query').mockImplementation(function (this: pg.Client, ...args: unknown[]) {
          seen.push(typeof args[0] === 'string' ? args[0] : String((args[0] as { text?: string }).text));
          return originalQuery.apply(this, args);
        } as never),
      ];
  try {
    await work();
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
  return seen;
}

/**
 * Sets `store`'s audit chain as openStorage does, on its own file or database, with a fault hook:
 * `failNext` makes the next chained write throw after its entries were written, in the transaction.
 */
function auditInto(store: Store) {
  let failing = false;
  const fail = () => {
    if (!failing) return;
    failing = false;
    throw new Error('audit chain failed');
  };
  let log: AuditLog;
  if (store instanceof SqliteStore) {
    log = createSqliteAuditLog(store.db);
    const turns = sqliteAuditTurns(store.db, log);
    store.auditWith({
      inTurn: (write) =>
        turns.inTurn((chain) =>
          write((records) => {
            chain(records);
            fail();
          }),
        ),
    });
  } else {
    const pg = store as PostgresStore;
    log = createPostgresAuditLog(pg.pool);
    const turns = postgresAuditTurns(log);
    pg.auditWith({
      inTurn: (write) =>
        turns.inTurn((chain) =>
          write(async (client, records) => {
            await chain(client, records);
            fail();
          }),
        ),
    });
  }
  return {
    about: (objectId: string) => log.listForObject(objectId),
    verify: () => log.verify(),
    failNext: () => (failing = true),
  };
}

// `make` opens a store (a node) on the test's storage.
describeEngines('store', { sqlite: sqliteBackend, postgres: postgresBackend }, (make) => {
  test('an exercise record is replaced whole at each save and listed only to the node that runs it, oldest first', async () => {
    const store = await make();
    const record = (id: string, node: string, state: string) => ({ id, node, scenario: 'id: drill', cells: { 'quad-cell': `w-${id}` }, state });
    await store.putExercise(record('x1', 'node-a', '{"step":1}'));
    await store.putExercise(record('x2', 'node-b', '{"step":1}'));
    await store.putExercise(record('x3', 'node-a', '{"step":1}'));
    await store.putExercise(record('x1', 'node-a', '{"step":2}'));
    await store.close();
    const reopened = await make();
    expect(await reopened.listExercises('node-a')).toEqual([record('x1', 'node-a', '{"step":2}'), record('x3', 'node-a', '{"step":1}')]);
    expect(await reopened.listExercises('node-c')).toEqual([]);
    await reopened.close();
  });

  test('an exercise cell keeps its replay history through re-marks, compaction and deletion; a real cell keeps none', async () => {
    const store = await make();
    await store.createWorkspace({ ...workspace('w1'), exercise: true });
    await store.createWorkspace(workspace('w2'));
    const start = Date.now();
    await store.createObjects([
      { envelope: envelope('x1'), content: buildContent({ body: 'one' }), author: 'usa-analyst', clients: [] },
      { envelope: envelope('r1', { workspaceId: 'w2' }), content: buildContent({ body: 'real' }), author: 'usa-analyst', clients: [] },
    ]);
    const doc = new Y.Doc();
    Y.applyUpdate(doc, (await store.loadDoc('x1')).snapshot!);
    const before = Y.encodeStateVector(doc);
    bodyOf(doc).insert(3, ' two');
    await store.appendUpdates([
      { objectId: 'x1', epoch: 0, update: Y.encodeStateAsUpdate(doc, before), author: 'usa-analyst', newClients: [] },
      { objectId: 'r1', epoch: 0, update: Y.encodeStateAsUpdate(doc, before), author: 'usa-analyst', newClients: [] },
    ]);
    await store.compact('x1', 0, Y.encodeStateAsUpdate(doc), 1);
    await store.remark([{ envelope: envelope('x1', { marking: 'SECRET//REL TO USA, GBR', portion: '(S//REL TO USA, GBR)', epoch: 1 }), content: buildContent({ body: 'one two' }) }]);
    await store.deleteObjects([{ objectId: 'x1', workspaceId: 'w1', deletedAt: new Date().toISOString(), deletedBy: 'usa-analyst' }]);

    const history = await store.exerciseHistory('w1', Date.now());
    expect(history.envelopes.map((row) => [row.envelope.id, row.envelope.epoch, row.envelope.marking, row.deleted, row.snapshot === null])).toEqual([
      ['x1', 0, 'UNCLASSIFIED', false, false],
      ['x1', 1, 'SECRET//REL TO USA, GBR', false, false],
      ['x1', 1, 'SECRET//REL TO USA, GBR', true, true],
    ]);
    expect(textOf([history.envelopes[0]!.snapshot!, ...history.updates.map((u) => u.update)])).toBe('one two');
    expect(history.updates.map((u) => [u.objectId, u.epoch])).toEqual([['x1', 0]]);
    expect(history.updates[0]!.atMs).toBeGreaterThanOrEqual(start);
    expect(await store.exerciseHistory('w1', start - 1)).toEqual({ envelopes: [], updates: [] });
    expect(await store.exerciseHistory('w2', Date.now())).toEqual({ envelopes: [], updates: [] });
    await store.close();
  });

  test('a write in a real cell issues no statement of the exercise replay; an exercise cell replays its updates from the object history', async () => {
    const store = await make();
    await store.createWorkspace({ ...workspace('w1'), exercise: true });
    await store.createWorkspace(workspace('w2'));
    await store.createObjects([
      { envelope: envelope('x1'), content: buildContent({ body: 'one' }), author: 'usa-analyst', clients: [] },
      { envelope: envelope('r1', { workspaceId: 'w2' }), content: buildContent({ body: 'real' }), author: 'usa-analyst', clients: [] },
    ]);
    const doc = new Y.Doc();
    Y.applyUpdate(doc, (await store.loadDoc('x1')).snapshot!);
    const edit = (text: string): Uint8Array => {
      const before = Y.encodeStateVector(doc);
      bodyOf(doc).insert(bodyOf(doc).length, text);
      return Y.encodeStateAsUpdate(doc, before);
    };
    const two = edit(' two');
    const real = await statementsDuring(store, async () => {
      await store.appendUpdates([{ objectId: 'r1', epoch: 0, update: two, author: 'usa-analyst', newClients: [] }]);
      await store.reorder('r1', 'a1');
      await store.deleteObjects([{ objectId: 'r1', workspaceId: 'w2', deletedAt: new Date().toISOString(), deletedBy: 'usa-analyst' }]);
      await store.restoreObjects(['r1']);
    });
    expect((await store.loadHistory('r1')).map((entry) => entry.kind)).toEqual(['base', 'update']);
    expect(real.filter((sql) => sql.includes('exercise'))).toEqual([]);
    // A commit in an exercise cell writes its update once (doc_updates and doc_history), no replay copy.
    const exercise = await statementsDuring(store, () => store.appendUpdates([{ objectId: 'x1', epoch: 0, update: two, author: 'usa-analyst', newClients: [] }]));
    expect(exercise.filter((sql) => sql.includes('exercise'))).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 5));
    await store.appendUpdates([{ objectId: 'x1', epoch: 0, update: edit(' three'), author: 'usa-analyst', newClients: [] }]);

    const written = (await store.loadHistory('x1')).filter((entry) => entry.kind === 'update');
    const firstAt = Date.parse(written[0]!.at);
    expect(Date.parse(written[1]!.at)).toBeGreaterThan(firstAt);
    const then = await store.exerciseHistory('w1', firstAt);
    expect(then.updates.map((u) => [u.objectId, u.epoch, u.atMs])).toEqual([['x1', 0, firstAt]]);
    expect(textOf([then.envelopes[0]!.snapshot!, ...then.updates.map((u) => u.update)])).toBe('one two');
    const now = await store.exerciseHistory('w1', Date.now());
    expect(textOf([now.envelopes[0]!.snapshot!, ...now.updates.map((u) => u.update)])).toBe('one two three');
    await store.close();
  });

  test('objects round-trip with their first snapshot; a tearline keeps its source', async () => {
    const store = await make();
    await store.createObjects([{ envelope: envelope('o1', { sourceId: 'o0' }), content: buildContent({ body: 'hi' }), author: 'usa-analyst', clients: [] }]);
    expect(await store.getObject('o1')).toEqual(envelope('o1', { sourceId: 'o0', createdAt: (await store.getObject('o1'))!.createdAt }));
    const doc = await store.loadDoc('o1');
    expect(doc.epoch).toBe(0);
    expect(textOf([doc.snapshot!, ...doc.updates])).toBe('hi');
    expect((await store.listObjects('w1')).map((e) => e.id)).toEqual(['o1']);
    await store.close();
  });

  test('a deleted object keeps its envelope and doc under a tombstone, which an undo takes off; a reorder keeps the fence', async () => {
    const store = await make();
    await store.createObjects([{ envelope: envelope('d1'), content: buildContent({ body: 'kept' }), author: 'usa-analyst', clients: [] }]);
    const tombstone = { objectId: 'd1', workspaceId: 'w1', deletedAt: '2026-11-30T12:00:00.000Z', deletedBy: 'usa-analyst' };
    await store.deleteObjects([tombstone]);
    expect(await store.listTombstones('w1')).toEqual([tombstone]);
    expect(await store.listTombstones('w2')).toEqual([]);
    expect((await store.listObjects('w1')).map((e) => e.id)).toEqual(['d1']);
    expect(textOf([(await store.loadDoc('d1')).snapshot!])).toBe('kept');
    await store.restoreObjects(['d1']);
    expect(await store.listTombstones('w1')).toEqual([]);
    await store.reorder('d1', 'a5');
    expect((await store.getObject('d1'))!.orderKey).toBe('a5');
    // Not a change of who sees it: an update checked before the reorder is still stored.
    expect(await store.appendUpdates([{ objectId: 'd1', epoch: 0, update: buildContent({ body: '!' }), author: 'usa-analyst', newClients: [] }])).toEqual([1]);
    await store.close();
  });

  test('a write to a deleted object is refused with not_found and stores nothing; after an undo it is stored', async () => {
    const store = await make();
    await store.createObjects(['t1', 't2'].map((id) => ({ envelope: envelope(id), content: buildContent({ body: id }), author: 'usa-analyst', clients: [] })));
    await store.deleteObjects([{ objectId: 't1', workspaceId: 'w1', deletedAt: '2026-11-30T12:00:00.000Z', deletedBy: 'usa-analyst' }]);
    const write = (objectId: string) => ({ objectId, epoch: 0, update: buildContent({ body: '!' }), author: 'usa-analyst', newClients: [7] });
    const refused = await store.appendUpdates([write('t1'), write('t2')]).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(FencedWriteError);
    expect(refused).toMatchObject({ code: 'not_found', message: notFound().message, objectIds: ['t1'] });
    const kept = await store.loadDoc('t1');
    expect([kept.lastSeq, kept.updates.length, kept.owners.size]).toEqual([0, 0, 0]);
    // The batch's other objects are not refused with it (the writer stores them alone).
    expect(await store.appendUpdates([write('t2')])).toEqual([1]);
    await store.restoreObjects(['t1']);
    expect(await store.appendUpdates([write('t1')])).toEqual([1]);
    await store.close();
  });

  test('objects created together are stored all or none', async () => {
    const store = await make();
    await store.createObjects([{ envelope: envelope('r1', { kind: 'report' }), content: buildContent({ body: '' }), author: 'usa-analyst', clients: [] }]);
    const batch = [
      { envelope: envelope('r2', { kind: 'report' }), content: buildContent({ body: 'report' }), author: 'usa-analyst', clients: [] },
      { envelope: envelope('p1', { kind: 'portion', parentId: 'r2' }), content: buildContent({ body: 'first' }), author: 'usa-analyst', clients: [] },
      // Already stored: the whole batch must fail and leave nothing of r2 or p1 behind.
      { envelope: envelope('r1', { kind: 'report' }), content: buildContent({ body: 'again' }), author: 'usa-analyst', clients: [] },
    ];
    await expect(store.createObjects(batch)).rejects.toThrow();
    expect((await store.listObjects('w1')).map((e) => e.id)).toEqual(['r1']);
    expect(await store.getObject('p1')).toBeUndefined();
    await store.createObjects(batch.slice(0, 2));
    expect((await store.listObjects('w1')).map((e) => e.id).sort()).toEqual(['p1', 'r1', 'r2']);
    expect(textOf([(await store.loadDoc('p1')).snapshot!])).toBe('first');
    await store.close();
  });

  test('appended updates come back in order with increasing sequence numbers; compaction folds them', async () => {
    const store = await make();
    const source = new Y.Doc();
    await store.createObjects([{ envelope: envelope('o2'), content: Y.encodeStateAsUpdate(source), author: 'usa-analyst', clients: [] }]);
    const updates: Uint8Array[] = [];
    source.on('update', (u: Uint8Array) => updates.push(u));
    for (const word of ['a', 'b', 'c']) bodyOf(source).insert(bodyOf(source).length, word);
    const seqs = await store.appendUpdates(updates.map((update) => ({ objectId: 'o2', epoch: 0, update, author: 'usa-analyst', newClients: [] })));
    expect(seqs).toEqual([1, 2, 3]);
    let stored = await store.loadDoc('o2');
    expect(stored.updates).toHaveLength(3);
    expect(stored.lastSeq).toBe(seqs[2]);
    expect(textOf([stored.snapshot!, ...stored.updates])).toBe('abc');
    await store.compact('o2', 0, Y.encodeStateAsUpdate(source), seqs[1]!);
    stored = await store.loadDoc('o2');
    expect(stored.updates).toHaveLength(1);
    expect(textOf([stored.snapshot!, ...stored.updates])).toBe('abc');
    await store.close();
  });

  test('a new epoch replaces earlier history; a write for an epoch not stored yet is fenced, after it is stored', async () => {
    const store = await make();
    await store.createObjects([{ envelope: envelope('o3'), content: buildContent({ body: 'old' }), author: 'usa-analyst', clients: [] }]);
    const oldEdit = buildContent({ body: 'SECRET-HISTORY' });
    await store.appendUpdates([{ objectId: 'o3', epoch: 0, update: oldEdit, author: 'usa-analyst', newClients: [] }]);
    const fresh = buildContent({ body: 'fresh' });
    const next = new Y.Doc();
    Y.applyUpdate(next, fresh);
    const sv = Y.encodeStateVector(next);
    bodyOf(next).insert(5, '!');
    const early = { objectId: 'o3', epoch: 1, update: Y.encodeStateAsUpdate(next, sv), author: 'usa-analyst', newClients: [] };
    await expect(store.appendUpdates([early])).rejects.toEqual(new FencedWriteError(['o3']));
    await store.remark([{ envelope: envelope('o3', { epoch: 1, marking: 'SECRET//REL TO USA, GBR' }), content: fresh }]);
    await store.appendUpdates([early]);
    const stored = await store.loadDoc('o3');
    expect(stored.epoch).toBe(1);
    expect(textOf([stored.snapshot!, ...stored.updates])).toBe('fresh!');
    expect((await store.getObject('o3'))!.epoch).toBe(1);
    await store.close();
  });

  test('history keeps every create, update and new epoch with who and when, through compaction and a release', async () => {
    const store = await make();
    await store.createObjects([
      { envelope: envelope('h1', { marking: 'SECRET//NOFORN' }), content: buildContent({ fields: { title: 'Report' } }), author: 'usa-analyst', clients: [] },
      { envelope: envelope('h2', { parentId: 'h1', marking: 'SECRET//REL TO USA, GBR' }), content: buildContent({ body: 'a' }), author: 'usa-analyst', clients: [] },
    ]);
    const edit = buildContent({ body: 'b' });
    await store.appendUpdates([{ objectId: 'h2', epoch: 0, update: edit, author: 'gbr-analyst', newClients: [] }]);
    await store.compact('h2', 0, buildContent({ body: 'ab' }), 1);
    const copy = buildContent({ body: 'ab' });
    // The report's release gives its portion a new epoch: the chain it had until then is kept.
    await store.remark([
      { envelope: envelope('h1', { marking: 'SECRET//REL TO USA, GBR' }) },
      { envelope: envelope('h2', { parentId: 'h1', marking: 'SECRET//REL TO USA, GBR', epoch: 1 }), content: copy },
    ]);
    const history = await store.loadHistory('h2');
    expect(history.map(({ epoch, kind, seq, author, before }) => ({ epoch, kind, seq, author, before }))).toEqual([
      { epoch: 0, kind: 'base', seq: 0, author: 'usa-analyst', before: null },
      { epoch: 0, kind: 'update', seq: 1, author: 'gbr-analyst', before: null },
      {
        epoch: 1,
        kind: 'base',
        seq: 1,
        author: '',
        before: [
          { marking: 'SECRET//REL TO USA, GBR', originator: 'USA' },
          { marking: 'SECRET//NOFORN', originator: 'USA' },
        ],
      },
    ]);
    expect([...history[1]!.data]).toEqual([...edit]);
    expect([...history[2]!.data]).toEqual([...copy]);
    for (const entry of history) expect(Date.parse(entry.at)).not.toBeNaN();
    expect(await store.loadHistory('h1')).toHaveLength(1);
    await store.close();
  });

  test('each Yjs client id is bound to the first participant who wrote with it, durably', async () => {
    const store = await make();
    await store.createObjects([{ envelope: envelope('o4'), content: buildContent({ body: 'x' }), author: 'usa-analyst', clients: [11] }]);
    await store.appendUpdates([
      { objectId: 'o4', epoch: 0, update: buildContent({ body: 'y' }), author: 'gbr-analyst', newClients: [22] },
      // A second claim of a bound id never re-binds it.
      { objectId: 'o4', epoch: 0, update: buildContent({ body: 'z' }), author: 'gbr-analyst', newClients: [11] },
    ]);
    expect((await store.loadDoc('o4')).owners).toEqual(
      new Map([
        [11, 'usa-analyst'],
        [22, 'gbr-analyst'],
      ]),
    );
    expect((await store.loadDoc('o1')).owners.size).toBe(0);
    await store.close();
  });

  test('a re-mark stores each envelope, and a new epoch where content is given; a late write for an old epoch is refused', async () => {
    const store = await make();
    const report = envelope('r5', { kind: 'report', marking: 'SECRET//NOFORN' });
    const portion = envelope('p5', { kind: 'portion', parentId: 'r5', marking: 'SECRET//REL TO USA, GBR' });
    await store.createObjects([
      { envelope: report, content: buildContent({ body: '' }), author: 'usa-analyst', clients: [] },
      { envelope: portion, content: buildContent({ body: 'kept' }), author: 'usa-analyst', clients: [] },
    ]);
    await store.appendUpdates([{ objectId: 'p5', epoch: 0, update: buildContent({ body: 'DELETED-HISTORY' }), author: 'usa-analyst', newClients: [] }]);
    await store.remark([
      { envelope: { ...report, marking: 'SECRET//REL TO USA, GBR' } },
      { envelope: { ...portion, epoch: 1 }, content: buildContent({ body: 'kept' }) },
    ]);
    // A write checked against the old epoch, landing after the new one: fenced, nothing stored.
    const late = { objectId: 'p5', epoch: 0, update: buildContent({ body: 'LATE-OLD-EPOCH' }), author: 'usa-analyst', newClients: [] };
    await expect(store.appendUpdates([late])).rejects.toMatchObject({ code: 'conflict', objectIds: ['p5'] });
    expect((await store.getObject('r5'))!).toMatchObject({ marking: 'SECRET//REL TO USA, GBR', epoch: 0 });
    expect((await store.getObject('p5'))!.epoch).toBe(1);
    const stored = await store.loadDoc('p5');
    expect(stored).toMatchObject({ epoch: 1, updates: [] });
    expect(textOf([stored.snapshot!])).toBe('kept');
    expect((await store.loadDoc('r5')).epoch).toBe(0);
    await store.close();
  });

  test('loadDocs reads several docs at once, each as loadDoc reads it: current epoch only, updates in order, owners, absent ones empty', async () => {
    const store = await make();
    await store.createObjects(
      ['b1', 'b2', 'b3'].map((id) => ({ envelope: envelope(id), content: buildContent({ body: id }), author: 'usa-analyst', clients: id === 'b2' ? [5] : [] })),
    );
    const edit = (objectId: string, epoch: number, body: string, newClients: number[] = []) => ({ objectId, epoch, update: buildContent({ body }), author: 'gbr-analyst', newClients });
    await store.appendUpdates([edit('b1', 0, 'one'), edit('b2', 0, 'OLD-EPOCH', [6]), edit('b1', 0, 'two')]);
    await store.remark([{ envelope: envelope('b2', { epoch: 1 }), content: buildContent({ body: 'fresh' }) }]);
    await store.appendUpdates([edit('b2', 1, 'after')]);
    const ids = ['b1', 'b2', 'b3', 'absent'];
    const docs = await store.loadDocs(ids);
    expect([...docs.keys()]).toEqual(ids);
    for (const id of ids) expect(docs.get(id)).toEqual(await store.loadDoc(id));
    expect(docs.get('b1')).toMatchObject({ epoch: 0, lastSeq: 2 });
    expect(docs.get('b1')!.updates.map((update) => textOf([update]))).toEqual(['one', 'two']);
    expect(docs.get('b2')).toMatchObject({ epoch: 1, lastSeq: 2, owners: new Map([[5, 'usa-analyst'], [6, 'gbr-analyst']]) });
    expect(textOf([docs.get('b2')!.snapshot!, ...docs.get('b2')!.updates])).not.toContain('OLD-EPOCH');
    expect(docs.get('absent')).toEqual({ epochSeq: 0, epoch: 0, snapshot: null, updates: [], seqs: [], lastSeq: 0, owners: new Map() });
    expect((await store.loadDocs([])).size).toBe(0);
    await store.close();
  });

  test('sequence numbers count per object, across batches and epochs', async () => {
    const store = await make();
    await store.createObjects(['a', 'b'].map((id) => ({ envelope: envelope(id), content: buildContent({ body: id }), author: 'usa-analyst', clients: [] })));
    const edit = (objectId: string, epoch = 0) => ({ objectId, epoch, update: buildContent({ body: 'x' }), author: 'usa-analyst', newClients: [] });
    expect(await store.appendUpdates([edit('a'), edit('b'), edit('a')])).toEqual([1, 1, 2]);
    expect(await store.appendUpdates([edit('b'), edit('a')])).toEqual([2, 3]);
    // A new epoch's numbers start after the object's last: clients are given seq - epochSeq.
    expect(await store.remark([{ envelope: envelope('a', { epoch: 1 }), content: buildContent({ body: 'a' }) }])).toEqual(new Map([['a', 3]]));
    expect(await store.appendUpdates([edit('a', 1)])).toEqual([4]);
    expect((await store.loadDoc('a')).lastSeq).toBe(4);
    expect([(await store.loadDoc('a')).epochSeq, (await store.loadDoc('b')).epochSeq]).toEqual([3, 0]);
    // A re-mark that starts no epoch leaves where its numbers start.
    expect(await store.remark([{ envelope: envelope('a', { epoch: 1, marking: 'SECRET//NOFORN' }) }])).toEqual(new Map());
    expect((await store.loadDocs(['a'])).get('a')!.epochSeq).toBe(3);
    // Compacted away, the updates' numbers still count: the next is 5, and the doc says 4.
    await store.compact('a', 1, buildContent({ body: 'a' }), 4);
    expect((await store.loadDoc('a')).lastSeq).toBe(4);
    expect(await store.appendUpdates([edit('a', 1)])).toEqual([5]);
    await store.close();
  });

  test('a write checked against a marking another node re-marked since is fenced; the others of its batch are stored', async () => {
    const [nodeA, nodeB] = [make(), make()];
    await nodeA.createObjects(['f1', 'f2'].map((id) => ({ envelope: envelope(id, { marking: 'SECRET//REL TO USA, GBR' }), content: buildContent({ body: id }), author: 'usa-analyst', clients: [] })));
    // Node B builds its view (a cell load), then node A narrows f1: B's view of f1 is stale.
    expect((await nodeB.listObjects('w1')).map((e) => e.id)).toEqual(['f1', 'f2']);
    await nodeA.remark([{ envelope: envelope('f1', { marking: 'SECRET//NOFORN' }) }]);
    const edit = (objectId: string, body: string) => ({ objectId, epoch: 0, update: buildContent({ body }), author: 'gbr-analyst', newClients: [] });
    await expect(nodeB.appendUpdates([edit('f1', 'STALE'), edit('f2', 'ok')])).rejects.toEqual(new FencedWriteError(['f1']));
    expect((await nodeA.loadDoc('f1')).updates).toEqual([]);
    // Through the group commit: the fenced update answers `conflict`, the other is stored.
    const writer = new UpdateWriter(nodeB, { maxWindowMs: 0, framesPerSecond: 0 });
    const [stale, fine] = await Promise.allSettled([writer.write(edit('f1', 'STALE')), writer.write(edit('f2', 'ok'))]);
    expect(stale).toMatchObject({ status: 'rejected', reason: { code: 'conflict' } });
    expect(fine).toEqual({ status: 'fulfilled', value: 1 });
    expect((await nodeA.loadDoc('f1')).updates).toEqual([]);
    // Node A re-marked it and holds the current marking: its writes go through.
    expect(await nodeA.appendUpdates([edit('f1', 'current')])).toEqual([1]);
    // Once B has read the envelope again (and so re-checked access), B may write too.
    await nodeB.getObject('f1');
    expect(await nodeB.appendUpdates([edit('f1', 'again')])).toEqual([2]);
    await Promise.all([nodeA.close(), nodeB.close()]);
  });

  test('a re-mark decided from a marking another node changed since (the object, or what it belongs to) is refused with conflict and stores nothing', async () => {
    const [nodeA, nodeB] = [make(), make()];
    const report = envelope('s1', { kind: 'report', marking: 'SECRET//REL TO USA, GBR' });
    const portion = envelope('s2', { kind: 'portion', parentId: 's1', marking: 'SECRET//REL TO USA, GBR' });
    await nodeA.createObjects([report, portion].map((e) => ({ envelope: e, content: buildContent({ body: e.id }), author: 'usa-analyst', clients: [] })));
    await nodeB.listObjects('w1');
    const basis = [report, portion].map(({ id, marking, epoch }) => ({ id, marking, epoch }));
    // Node A narrows the report; node B, not told yet, widens it from the marking it still shows.
    await nodeA.remark([{ envelope: { ...report, marking: 'SECRET//NOFORN' } }], { basis });
    const stale = nodeB.remark([{ envelope: { ...report, marking: 'SECRET//REL TO USA, GBR, AUS' } }], { basis });
    await expect(stale).rejects.toBeInstanceOf(FencedWriteError);
    await expect(stale).rejects.toMatchObject({ code: 'conflict', objectIds: ['s1'], message: expect.stringContaining('decide again') });
    expect((await nodeA.getObject('s1'))!.marking).toBe('SECRET//NOFORN');
    // Its paragraph, decided from the report's old marking, is refused as well: its chain changed.
    const widened = nodeB.remark([{ envelope: { ...portion, marking: 'SECRET//REL TO USA, GBR, AUS', epoch: 1 }, content: buildContent({ body: 's2' }) }], { basis });
    await expect(widened).rejects.toMatchObject({ code: 'conflict', objectIds: ['s1'] });
    expect(await nodeA.getObject('s2')).toMatchObject({ marking: 'SECRET//REL TO USA, GBR', epoch: 0 });
    // Decided from what is stored now, it is stored.
    const current = [{ ...basis[0]!, marking: 'SECRET//NOFORN' }, basis[1]!];
    await nodeB.remark([{ envelope: { ...report, marking: 'SECRET//REL TO USA' } }], { basis: current });
    expect((await nodeA.getObject('s1'))!.marking).toBe('SECRET//REL TO USA');
    await Promise.all([nodeA.close(), nodeB.close()]);
  });

  test("a re-mark's audit entry is chained in the re-mark's transaction: both are stored, or neither", async () => {
    const store = make();
    const audits = auditInto(store);
    await store.createObjects([{ envelope: envelope('a1'), content: buildContent({ body: '' }), author: 'usa-analyst', clients: [] }]);
    const record = { workspaceId: 'w1', actor: { sub: 'usa-fdo', nation: 'USA' }, action: 'object.remark' as const, objectId: 'a1', detail: { to: 'SECRET//NOFORN' } };
    await store.remark([{ envelope: envelope('a1', { marking: 'SECRET//NOFORN' }) }], { audit: record });
    expect(await audits.about('a1')).toEqual([expect.objectContaining({ action: 'object.remark', objectId: 'a1', detail: { to: 'SECRET//NOFORN' } })]);
    expect((await audits.verify()).ok).toBe(true);
    // An audit write that fails (a crash, a full disk at that moment) takes the re-mark with it.
    audits.failNext();
    await expect(store.remark([{ envelope: envelope('a1', { marking: 'TOP SECRET//NOFORN' }) }], { audit: { ...record, detail: { to: 'TOP SECRET//NOFORN' } } })).rejects.toThrow('audit chain failed');
    expect((await store.getObject('a1'))!.marking).toBe('SECRET//NOFORN');
    expect(await audits.about('a1')).toHaveLength(1);
    await store.close();
  });

  test('a re-mark whose copy misses updates another node stored since has it made again from the stored doc, in its transaction', async () => {
    const [nodeA, nodeB] = [make(), make()];
    await nodeA.createObjects([{ envelope: envelope('c1', { marking: 'SECRET//REL TO USA, GBR' }), content: buildContent({ body: 'start ' }), author: 'usa-analyst', clients: [] }]);
    await nodeB.getObject('c1');
    // Node A stores an update that node B has not applied: B's copy holds the object through number 0 only.
    expect(await nodeA.appendUpdates([{ objectId: 'c1', epoch: 0, update: buildContent({ body: 'FROM-A ' }), author: 'usa-analyst', newClients: [] }])).toEqual([1]);
    const given: StoredDoc[] = [];
    const remade = buildContent({ body: 'start FROM-A ' });
    const widened = envelope('c1', { marking: 'SECRET//REL TO USA, GBR, AUS', epoch: 1 });
    const starts = await nodeB.remark([
      { envelope: widened, content: buildContent({ body: 'start ' }), copied: { through: 0, again: (stored) => (given.push(stored), remade) } },
    ]);
    expect(given).toHaveLength(1);
    expect(given[0]).toMatchObject({ epoch: 0, lastSeq: 1 });
    expect(textOf([given[0]!.snapshot!, ...given[0]!.updates])).toContain('FROM-A');
    expect(starts).toEqual(new Map([['c1', 1]]));
    expect(await nodeA.loadDoc('c1')).toMatchObject({ epoch: 1, snapshot: remade, updates: [], epochSeq: 1 });
    expect((await nodeA.loadHistory('c1')).at(-1)).toMatchObject({ epoch: 1, kind: 'base', data: remade });
    // A copy that holds every stored update is stored as made.
    const again = vi.fn(() => remade);
    await nodeB.remark([{ envelope: { ...widened, epoch: 2 }, content: buildContent({ body: 'as made' }), copied: { through: 1, again } }]);
    expect(again).not.toHaveBeenCalled();
    expect(textOf([(await nodeA.loadDoc('c1')).snapshot!])).toBe('as made');
    await Promise.all([nodeA.close(), nodeB.close()]);
  });

  test('property: after edits on node A and a widening re-mark on node B, whatever B had applied of them, every acknowledged edit is in the new epoch', async () => {
    const [storeA, storeB] = [make(), make()];
    const registry = (store: Store) =>
      new DocRegistry(store, new UpdateWriter(store, { maxWindowMs: 0, framesPerSecond: 0 }), { compactAfter: 1000, idleMs: 60_000, maxDocBytes: 1 << 20, onCompactionError: () => undefined });
    const [docsA, docsB] = [registry(storeA), registry(storeB)];
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.boolean(), { maxLength: 5 }), fc.nat(3), async (relayedToB, racing) => {
        const id = `p${run++}`;
        await storeA.createObjects([{ envelope: envelope(id, { marking: 'SECRET//REL TO USA, GBR' }), content: buildContent({ body: 'start ' }), author: 'usa-analyst', clients: [] }]);
        await storeB.getObject(id);
        await docsB.open(id);
        const writer = textReplica((await docsA.encodeState(id)).update);
        const acknowledged: string[] = [];
        const write = async (mark: string) => {
          const update = writer.edit((text) => text.insert(0, `${mark} `));
          const { seq } = await docsA.update(id, 0, update, 'usa-analyst');
          acknowledged.push(mark);
          return { seq, update };
        };
        // Edits on A, of which the relay brought B those marked true (the others are still on their way).
        for (const [i, relayed] of relayedToB.entries()) {
          const { seq, update } = await write(`before-${i}`);
          if (relayed) await docsB.applyRemote(id, 0, seq, update, []);
        }
        const remark = docsB.startEpochs(new Map([[id, 1]]), (copies) =>
          storeB.remark([...copies].map(([objectId, copy]) => ({ envelope: envelope(objectId, { marking: 'SECRET//REL TO USA, GBR, AUS', epoch: 1 }), ...copy }))),
        );
        // And edits on A while B re-marks: acknowledged (stored before the re-mark locked the object) or refused by the fence.
        const during = Array.from({ length: racing }, (_, i) => write(`during-${i}`).catch(() => undefined));
        await Promise.all([remark, ...during]);
        const stored = await storeB.loadDoc(id);
        expect(stored.epoch).toBe(1);
        const storedText = textOf([stored.snapshot!, ...stored.updates]);
        const servedText = textOf([(await docsB.encodeState(id)).update]);
        for (const mark of acknowledged) {
          expect(storedText).toContain(mark);
          expect(servedText).toContain(mark);
        }
      }),
      { numRuns: 40 },
    );
    docsA.destroy();
    docsB.destroy();
    await Promise.all([storeA.close(), storeB.close()]);
  }, 60_000);

  test('read-modify-write of a workspace from two nodes at once loses no change', async () => {
    const [nodeA, nodeB] = [make(), make()];
    await nodeA.createWorkspace({ ...workspace('w8'), groups: {} });
    const add = (store: Store, n: number) => store.updateWorkspace('w8', (w) => ({ ...w, groups: { ...w.groups, [`G${n}`]: ['USA'] } }));
    await Promise.all(Array.from({ length: 20 }, (_, n) => add(n % 2 ? nodeA : nodeB, n)));
    expect(Object.keys((await nodeB.getWorkspace('w8'))!.groups)).toHaveLength(20);
    await Promise.all([nodeA.close(), nodeB.close()]);
  });

  test('workspaces and levels', async () => {
    const store = await make();
    const ws = workspace('w9');
    await store.createWorkspace(ws);
    expect(await store.getWorkspace('w9')).toEqual(ws);
    // Two changes each read what the other wrote: neither is lost.
    const optIn = (nation: string) =>
      store.updateWorkspace('w9', (w) => ({ ...w, releasePolicy: { ...w.releasePolicy, autoReleaseNations: [...w.releasePolicy.autoReleaseNations, nation] } }));
    await Promise.all([optIn('USA'), optIn('GBR')]);
    expect((await store.getWorkspace('w9'))?.releasePolicy.autoReleaseNations.sort()).toEqual(['GBR', 'USA']);
    expect(await store.updateWorkspace('nope', (w) => w)).toBeUndefined();
    expect(await store.addLevel('w9', 'USA|TS|')).toBe(true);
    expect(await store.addLevel('w9', 'USA|TS|')).toBe(false);
    expect(await store.listLevels('w9')).toEqual(['USA|TS|']);
    await store.close();
  });
});

test('a cell stored before per-nation automatic release reads with no nation opted in', async () => {
  const store = new SqliteStore(path.join(tempDir(), 'store.db'), { sync: 'normal' });
  const old = { id: 'w0', name: 'Old', members: ['USA'], defaultMarking: 'UNCLASSIFIED', systemHigh: 'SECRET', groups: {}, exercise: false, createdAt: '2025-01-01T00:00:00.000Z', createdBy: 'usa-analyst' };
  store.db.prepare('INSERT INTO workspaces (id, record, created_at) VALUES (?, ?, ?)').run('w0', JSON.stringify({ ...old, releasePolicy: { deadlineMinutes: 5, autoRelease: true } }), old.createdAt);
  expect((await store.getWorkspace('w0'))?.releasePolicy).toEqual({ deadlineMinutes: 5, autoRelease: true, autoReleaseNations: [] });
  expect((await store.listWorkspaces()).map((w) => w.releasePolicy.autoReleaseNations)).toEqual([[]]);
  await store.close();
});

test('two schema migrations with one version number refuse to load (branches that each added "the next" one)', () => {
  const dir = tempDir();
  for (const file of ['0001_initial.sql', '0002_a.sql', '0002_b.sql']) fs.writeFileSync(path.join(dir, file), 'SELECT 1;');
  expect(() => migrations(dir)).toThrow(/share version 2/);
  expect(migrations().map(({ version }) => version)).toEqual(migrations().map((_, i) => i + 1));
});

describe.skipIf(postgresTestsSkipped)('postgres store only', () => {
  const url = useTestDatabase();

  test('migrations apply once, whoever runs them, and record what they applied', async () => {
    const pools = [createPool(url()), createPool(url())];
    // The database is migrated already (useTestDatabase): two nodes starting at once apply nothing.
    expect((await Promise.all(pools.map((pool) => migrate(pool)))).flat()).toEqual([]);
    const { rows } = await pools[0]!.query('SELECT version, name FROM schema_migrations ORDER BY version');
    expect(rows).toEqual(migrations().map(({ version, name }) => ({ version, name })));
    await Promise.all(pools.map((pool) => pool.end()));
  });

  test('the outbox records, in the storing transaction, what the relay must send; relayed rows leave it', async () => {
    const store = new PostgresStore(createPool(url()));
    await store.createObjects([{ envelope: envelope('x1'), content: buildContent({ body: 'x' }), author: 'usa-analyst', clients: [] }]);
    const updates = [7, 8].map((client) => {
      const doc = new Y.Doc();
      doc.clientID = client;
      bodyOf(doc).insert(0, 'y');
      return Y.encodeStateAsUpdate(doc);
    });
    await store.appendUpdates(updates.map((update, i) => ({ objectId: 'x1', epoch: 0, update, author: 'usa-analyst', newClients: [7 + i] })));
    // As a sweeper reads them: each update with what a receiver needs to apply it without reading the object.
    expect((await store.readOutbox(10)).filter((row) => row.kind === 'update')).toMatchObject(
      updates.map((update, i) => ({ seq: i + 1, update, epochSeq: 0, owners: [[7 + i, 'usa-analyst']] })),
    );
    await store.remark([{ envelope: envelope('x1', { epoch: 1 }), content: buildContent({ body: 'y' }) }]);
    // A fenced write stores nothing, so it is not relayed either.
    await expect(store.appendUpdates([{ objectId: 'x1', epoch: 0, update: buildContent({ body: 'z' }), author: 'usa-analyst', newClients: [] }])).rejects.toThrow(FencedWriteError);
    const rows = await store.readOutbox(10);
    expect(rows.map((row) => ('objectId' in row ? [row.workspaceId, row.objectId, row.kind, row.epoch, row.seq] : row))).toEqual([
      ['w1', 'x1', 'create', 0, 0],
      ['w1', 'x1', 'update', 0, 1],
      ['w1', 'x1', 'update', 0, 2],
      ['w1', 'x1', 'remark', 1, 2],
    ]);
    expect((await store.readOutbox(2)).map((row) => row.id)).toEqual(rows.slice(0, 2).map((row) => row.id));
    // An earlier epoch's update is not kept: its row goes without bytes (receivers take it from the new epoch's copy).
    expect(rows[1]).not.toHaveProperty('update');
    expect(rows[1]).not.toHaveProperty('epochSeq');
    await store.markRelayed(rows.slice(0, 3).map((row) => row.id));
    expect((await store.readOutbox(10)).map((row) => row.kind)).toEqual(['remark']);
    await store.close();
  });

  test('a commit of updates is one round trip, whatever it writes: one statement in autocommit', async () => {
    const store = new PostgresStore(createPool(url()));
    await store.createObjects(['c1', 'c2'].map((id) => ({ envelope: envelope(id), content: buildContent({ body: id }), author: 'usa-analyst', clients: [] })));
    const queries = countQueries(store.pool);
    // Two objects, a client id bound: updates, owners, history, outbox rows and last numbers, all written.
    const edit = (objectId: string, newClients: number[] = []) => ({ objectId, epoch: 0, update: buildContent({ body: 'y' }), author: 'usa-analyst', newClients });
    expect(await store.appendUpdates([edit('c1', [77]), edit('c2'), edit('c1')])).toEqual([1, 1, 2]);
    expect(queries.count()).toBe(1);
    // A refusal too: the fence's answer comes with it.
    await expect(store.appendUpdates([edit('c1'), { ...edit('c2'), epoch: 1 }])).rejects.toEqual(new FencedWriteError(['c2']));
    expect(queries.count()).toBe(2);
    vi.restoreAllMocks();
    expect((await store.loadDoc('c1')).owners.get(77)).toBe('usa-analyst');
    expect((await store.loadHistory('c1')).map((entry) => entry.seq)).toEqual([0, 1, 2]);
    expect((await store.readOutbox(10)).filter((row) => row.kind === 'update').map((row) => ('objectId' in row ? [row.objectId, row.seq] : row))).toEqual([
      ['c1', 1],
      ['c2', 1],
      ['c1', 2],
    ]);
    expect((await store.positions('w1')).get('c1')?.lastSeq).toBe(2);
    await store.close();
  });

  test('a commit of updates reads the outbox and the object rows by their indexes, however many dead rows the outbox holds', async () => {
    const store = new PostgresStore(createPool(url()));
    await store.createObjects([{ envelope: envelope('ix1'), content: buildContent({ body: 'x' }), author: 'usa-analyst', clients: [] }]);
    // One connection, as a node's: its plans are made at its first call, with the outbox as it is then.
    const client = new pg.Client({ connectionString: url() });
    await client.connect();
    onTestFinished(() => client.end());
    // The commit in a transaction of the test's, its statistics read before it ends; the counts
    // pending from earlier statements are flushed first, so that they are this commit's alone.
    const commit = async (relayed: number[]) => {
      await client.query('SELECT pg_stat_force_next_flush()');
      await client.query('BEGIN');
      const { rows } = await client.query<{ outbox_ids: string[] }>(
        `SELECT outbox_ids FROM tearline_append_updates($1::text[], $2::int[], $3::text[], $4::int[], $5::bytea[], $6::text[], $7::text[], $8::bigint[], $9::text[], $10::text, $11::bigint[])`,
        [['ix1'], [1], ['ix1'], [0], [Buffer.from(buildContent({ body: 'y' }))], ['usa-analyst'], [], [], [], new Date().toISOString(), relayed],
      );
      const { rows: read } = await client.query<{ relname: string; seq_scan: string; blocks: string }>(
        `SELECT relname, seq_scan::text, pg_stat_get_xact_blocks_fetched(relid)::text AS blocks FROM pg_stat_xact_user_tables WHERE relname IN ('outbox', 'objects') ORDER BY relname`,
      );
      await client.query('COMMIT');
      return { outboxIds: rows[0]!.outbox_ids.map(Number), read: read.map((row) => [row.relname, Number(row.seq_scan), Number(row.blocks)] as const) };
    };
    const first = await commit([]);
    // What every commit leaves between two vacuums: a row published and removed, dead in the outbox's pages.
    await store.pool.query(`INSERT INTO outbox (workspace_id, object_id, kind, epoch, seq) SELECT 'w1', 'ix-dead', 'update', 0, n FROM generate_series(1, 5000) AS n`);
    await store.pool.query(`DELETE FROM outbox WHERE object_id = 'ix-dead'`);
    const later = await commit(first.outboxIds);
    // No scan of either table, and a few pages of the outbox (its new row, the removed one), not the ~40 of dead rows.
    expect(later.read.map(([relname, seqScans]) => [relname, seqScans])).toEqual([
      ['objects', 0],
      ['outbox', 0],
    ]);
    expect(later.read[1]![2]).toBeLessThanOrEqual(10);
    const { rows } = await store.pool.query('SELECT id FROM outbox WHERE id = ANY($1::bigint[])', [[...first.outboxIds, ...later.outboxIds]]);
    expect(rows.map((row: { id: string }) => Number(row.id))).toEqual(later.outboxIds);
    await store.close();
  });

  test('a re-mark or a deletion committing while a commit of updates waits for the row lock refuses it: the fence and the tombstones are read after the lock', async () => {
    const store = new PostgresStore(createPool(url()));
    await store.createObjects(['k1', 'k2'].map((id) => ({ envelope: envelope(id), content: buildContent({ body: id }), author: 'usa-analyst', clients: [] })));
    const edit = (objectId: string) => ({ objectId, epoch: 0, update: buildContent({ body: 'y' }), author: 'usa-analyst', newClients: [] });
    const other = new pg.Client({ connectionString: url() });
    await other.connect();
    // Another node's transaction holds the row (as a re-mark or a deletion does) and changes it;
    // the commit of updates, sent meanwhile, waits for the lock; then the other commits.
    const whileWaiting = async (objectId: string, change: string) => {
      await other.query('BEGIN');
      await other.query('SELECT 1 FROM objects WHERE id = $1 FOR UPDATE', [objectId]);
      await other.query(change, [objectId]);
      const append = store.appendUpdates([edit(objectId)]);
      append.catch(() => undefined);
      await vi.waitFor(async () => {
        // Not on `other`: in a transaction, it would see the activity as of its first look.
        const { rows } = await store.pool.query("SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%tearline_append_updates%'");
        expect(rows).toHaveLength(1);
      });
      await other.query('COMMIT');
      return append;
    };
    try {
      await expect(whileWaiting('k1', 'UPDATE objects SET marking_version = marking_version + 1 WHERE id = $1')).rejects.toEqual(new FencedWriteError(['k1']));
      const deleted = await whileWaiting('k2', "INSERT INTO object_tombstones (object_id, workspace_id, deleted_at, deleted_by) VALUES ($1, 'w1', 'now', 'usa-analyst')").catch((error: unknown) => error);
      expect(deleted).toBeInstanceOf(FencedWriteError);
      expect(deleted).toMatchObject({ code: 'not_found', objectIds: ['k2'] });
    } finally {
      await other.end();
    }
    expect((await store.loadDocs(['k1', 'k2'])).get('k1')).toMatchObject({ updates: [], lastSeq: 0 });
    expect((await store.loadDoc('k2')).updates).toEqual([]);
    expect((await store.readOutbox(100)).filter((row) => row.kind === 'update' && row.objectId.startsWith('k'))).toEqual([]);
    await store.close();
  });

  test("a commit's statements are prepared once per connection, not parsed by PostgreSQL on every commit", async () => {
    // One connection, so the statements it prepared can be listed on it.
    const store = new PostgresStore(new pg.Pool({ connectionString: url(), max: 1 }));
    await store.createObjects([{ envelope: envelope('q1'), content: buildContent({ body: 'q' }), author: 'usa-analyst', clients: [] }]);
    const edit = { objectId: 'q1', epoch: 0, update: buildContent({ body: 'y' }), author: 'usa-analyst', newClients: [] };
    expect(await store.appendUpdates([edit])).toEqual([1]);
    expect(await store.appendUpdates([edit, edit])).toEqual([2, 3]);
    const { rows } = await store.pool.query<{ name: string }>('SELECT name FROM pg_prepared_statements ORDER BY name');
    expect(rows.map((row) => row.name)).toEqual(['append-updates']);
    // The outbox is shared by this describe's tests: relayed, so it is left empty.
    await store.markRelayed((await store.readOutbox(100)).map((row) => row.id));
    await store.close();
  });

  test('rows the relay published leave the outbox with the next commit of updates, in its statement; with none, by a query of their own', async () => {
    const store = new PostgresStore(createPool(url()), undefined, 50);
    await store.createObjects([{ envelope: envelope('n1'), content: buildContent({ body: 'n' }), author: 'usa-analyst', clients: [] }]);
    const queries = countQueries(store.pool);
    store.noteRelayed((await store.readOutbox(100)).map((row) => row.id));
    const before = queries.count();
    await store.appendUpdates([{ objectId: 'n1', epoch: 0, update: buildContent({ body: 'y' }), author: 'usa-analyst', newClients: [] }]);
    // The commit's one round trip, the removal in it.
    expect(queries.count() - before).toBe(1);
    const left = await store.readOutbox(100);
    expect(left.map((row) => row.kind)).toEqual(['update']);
    // No commit follows: the timer removes them.
    store.noteRelayed(left.map((row) => row.id));
    await vi.waitFor(async () => expect(await store.readOutbox(100)).toEqual([]));
    await store.close();
  });

  test('a deletion, its undo and a move are in the outbox, written with the change', async () => {
    const store = new PostgresStore(createPool(url()));
    await store.createObjects(['r1', 'p1'].map((id) => ({ envelope: envelope(id, id === 'p1' ? { parentId: 'r1' } : {}), content: buildContent({ body: id }), author: 'usa-analyst', clients: [] })));
    await store.appendUpdates([{ objectId: 'r1', epoch: 0, update: buildContent({ body: 'y' }), author: 'usa-analyst', newClients: [] }]);
    await store.markRelayed((await store.readOutbox(100)).map((row) => row.id));
    const at = '2026-11-30T12:00:00.000Z';
    await store.deleteObjects(['r1', 'p1'].map((objectId) => ({ objectId, workspaceId: 'w1', deletedAt: at, deletedBy: 'usa-analyst' })));
    await store.restoreObjects(['r1', 'p1']);
    await store.reorder('r1', 'a9');
    expect((await store.readOutbox(10)).map((row) => ('objectId' in row ? [row.kind, row.workspaceId, row.objectId, row.seq, row.markingVersion] : row))).toEqual([
      ['delete', 'w1', 'r1', 1, 1],
      ['restore', 'w1', 'r1', 1, 1],
      ['move', 'w1', 'r1', 1, 1],
    ]);
    await store.close();
  });

  test("a level joining a cell and a cell's changed record are in the outbox too, written with the change", async () => {
    const store = new PostgresStore(createPool(url()));
    await store.createWorkspace(workspace('w9'));
    await store.markRelayed((await store.readOutbox(100)).map((row) => row.id));
    expect(await store.addLevel('w9', 'level-a')).toBe(true);
    expect(await store.addLevel('w9', 'level-a')).toBe(false);
    await store.updateWorkspace('w9', (record) => ({ ...record, name: 'Renamed' }));
    expect((await store.readOutbox(10)).map(({ id: _id, ...row }) => row)).toEqual([
      { kind: 'level', workspaceId: 'w9', level: 'level-a' },
      { kind: 'workspace', workspaceId: 'w9' },
    ]);
    await store.close();
  });
});

test("a file written before epochs' starting numbers were kept finds where each current epoch began, from its history", async () => {
  const file = path.join(tempDir(), 'store.db');
  const store = new SqliteStore(file, { sync: 'normal' });
  await store.createObjects(['a', 'b'].map((id) => ({ envelope: envelope(id), content: buildContent({ body: id }), author: 'usa-analyst', clients: [] })));
  const edit = (objectId: string, epoch = 0) => ({ objectId, epoch, update: buildContent({ body: 'x' }), author: 'usa-analyst', newClients: [] });
  await store.appendUpdates([edit('a'), edit('a'), edit('b')]);
  await store.remark([{ envelope: envelope('a', { epoch: 1 }), content: buildContent({ body: 'a' }) }]);
  await store.appendUpdates([edit('a', 1)]);
  await store.close();
  const old = new Database(file);
  old.exec('ALTER TABLE objects DROP COLUMN epoch_seq');
  old.close();
  const reopened = new SqliteStore(file, { sync: 'normal' });
  expect([(await reopened.loadDoc('a')).epochSeq, (await reopened.loadDoc('b')).epochSeq]).toEqual([2, 0]);
  await reopened.close();
});

test('a file written before per-object sequence numbers numbers its updates per object at open and goes on from there', async () => {
  const file = path.join(tempDir(), 'store.db');
  const old = new Database(file);
  old.exec(`CREATE TABLE objects (id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL, kind TEXT NOT NULL, marking TEXT NOT NULL,
    portion TEXT NOT NULL, originator TEXT NOT NULL, parent_id TEXT, order_key TEXT NOT NULL, created_by TEXT NOT NULL,
    created_at TEXT NOT NULL, epoch INTEGER NOT NULL, source_id TEXT);
    CREATE TABLE doc_snapshots (object_id TEXT PRIMARY KEY, epoch INTEGER NOT NULL, data BLOB NOT NULL);
    CREATE TABLE doc_updates (seq INTEGER PRIMARY KEY AUTOINCREMENT, object_id TEXT NOT NULL, epoch INTEGER NOT NULL, data BLOB NOT NULL, author TEXT);`);
  for (const id of ['a', 'b']) {
    old.prepare("INSERT INTO objects VALUES (?, 'w1', 'note', 'UNCLASSIFIED', '(U)', 'USA', NULL, 'a0', 'usa-analyst', '2025-01-01T00:00:00.000Z', 0, NULL)").run(id);
    old.prepare('INSERT INTO doc_snapshots VALUES (?, 0, ?)').run(id, buildContent({ body: id }));
  }
  for (const id of ['a', 'b', 'a', 'a']) old.prepare("INSERT INTO doc_updates (object_id, epoch, data, author) VALUES (?, 0, ?, 'usa-analyst')").run(id, buildContent({ body: 'x' }));
  old.close();
  const store = new SqliteStore(file, { sync: 'normal' });
  expect((await store.loadDoc('a')).lastSeq).toBe(3);
  expect((await store.loadDoc('b')).lastSeq).toBe(1);
  // A node writes only to objects whose envelope it read (the fence refuses others).
  await store.getObject('a');
  expect(await store.appendUpdates([{ objectId: 'a', epoch: 0, update: buildContent({ body: 'y' }), author: 'usa-analyst', newClients: [] }])).toEqual([4]);
  await store.compact('a', 0, buildContent({ body: 'a' }), 3);
  expect((await store.loadDoc('a')).updates).toHaveLength(1);
  await store.close();
});

/** Frames in the file's WAL since it was last emptied, read through a connection of its own. */
function walFrames(file: string, reset = false): number {
  const reader = new Database(file);
  try {
    return (reader.pragma(`wal_checkpoint(${reset ? 'TRUNCATE' : 'PASSIVE'})`) as { log: number }[])[0]!.log;
  } finally {
    reader.close();
  }
}

test('a commit of one small update writes three pages to the WAL: its object row, its doc_updates and its doc_history row', async () => {
  const file = path.join(tempDir(), 'store.db');
  const store = new SqliteStore(file, { sync: 'full' });
  await store.createObjects([{ envelope: envelope('a'), content: buildContent({ body: '' }), author: 'usa-analyst', clients: [] }]);
  await store.getObject('a');
  const append = (text: string) => store.appendUpdates([{ objectId: 'a', epoch: 0, update: buildContent({ body: text }), author: 'usa-analyst', newClients: [] }]);
  // Past the first leaf pages' splits, which any layout pays once in a while.
  for (let i = 0; i < 40; i++) await append(`warm ${i}`);
  walFrames(file, true);
  for (let i = 0; i < 10; i++) await append(`edit ${i}`);
  // With a row id each table was a table and an index (and AUTOINCREMENT's sqlite_sequence): 6 pages.
  expect(walFrames(file)).toBeLessThanOrEqual(10 * 3 + 1);
  expect((await store.loadHistory('a')).filter((entry) => entry.kind === 'update')).toHaveLength(50);
  expect((await store.loadDoc('a')).updates).toHaveLength(50);
  await store.close();
});

test('a file whose doc_updates and doc_history have row ids is rebuilt keyed at open, keeping every row', async () => {
  const file = path.join(tempDir(), 'store.db');
  const store = new SqliteStore(file, { sync: 'normal' });
  await store.createObjects(['a', 'b'].map((id) => ({ envelope: envelope(id), content: buildContent({ body: id }), author: 'usa-analyst', clients: [] })));
  const edit = (objectId: string, text: string) => ({ objectId, epoch: 0, update: buildContent({ body: text }), author: 'usa-analyst', newClients: [] });
  await store.appendUpdates([edit('a', 'one'), edit('b', 'two'), edit('a', 'three')]);
  await store.close();
  const old = new Database(file);
  // The layout before: a row id, an index beside each, doc_updates' global `seq` by AUTOINCREMENT.
  old.exec(`CREATE TABLE doc_updates_old (seq INTEGER PRIMARY KEY AUTOINCREMENT, object_id TEXT NOT NULL, epoch INTEGER NOT NULL,
      data BLOB NOT NULL, author TEXT, object_seq INTEGER, marking_version INTEGER);
    INSERT INTO doc_updates_old (object_id, epoch, data, author, object_seq, marking_version)
      SELECT object_id, epoch, data, author, object_seq, marking_version FROM doc_updates ORDER BY object_id, object_seq;
    DROP TABLE doc_updates; ALTER TABLE doc_updates_old RENAME TO doc_updates;
    CREATE INDEX doc_updates_by_object ON doc_updates (object_id, seq);
    CREATE TABLE doc_history_old (object_id TEXT NOT NULL, epoch INTEGER NOT NULL, seq INTEGER NOT NULL, kind TEXT NOT NULL,
      at TEXT NOT NULL, author TEXT NOT NULL, data BLOB NOT NULL, before TEXT, PRIMARY KEY (object_id, epoch, seq));
    INSERT INTO doc_history_old SELECT * FROM doc_history; DROP TABLE doc_history; ALTER TABLE doc_history_old RENAME TO doc_history;`);
  old.close();
  const reopened = new SqliteStore(file, { sync: 'normal' });
  const layout = new Database(file, { readonly: true });
  // Tables and their indexes (an automatic one included): only the two tables are left.
  const tables = layout.prepare<[], { name: string; sql: string }>("SELECT name, sql FROM sqlite_master WHERE tbl_name IN ('doc_updates', 'doc_history')").all();
  layout.close();
  expect(tables.map((table) => table.name).sort()).toEqual(['doc_history', 'doc_updates']);
  expect(tables.every((table) => /WITHOUT ROWID$/.test(table.sql))).toBe(true);
  expect(textOf((await reopened.loadDoc('a')).updates)).toContain('three');
  expect((await reopened.loadDoc('a')).updates).toHaveLength(2);
  expect((await reopened.loadHistory('b')).map((entry) => entry.kind)).toEqual(['base', 'update']);
  await reopened.getObject('a');
  expect(await reopened.appendUpdates([edit('a', 'four')])).toEqual([3]);
  expect((await reopened.loadHistory('a')).map((entry) => entry.seq)).toEqual([0, 1, 2, 3]);
  await reopened.close();
});

test("a commit of updates runs one statement per object (its numbers and fence) and two per update (its row and its history row), between BEGIN and COMMIT", async () => {
  const store = new SqliteStore(path.join(tempDir(), 'store.db'), { sync: 'full' });
  await store.createObjects(['a', 'b'].map((id) => ({ envelope: envelope(id), content: buildContent({ body: id }), author: 'usa-analyst', clients: [] })));
  await Promise.all(['a', 'b'].map((id) => store.getObject(id)));
  const edit = (objectId: string, text: string) => ({ objectId, epoch: 0, update: buildContent({ body: text }), author: 'usa-analyst', newClients: [] });
  let seqs: number[] = [];
  const seen = await statementsDuring(store, async () => {
    seqs = await store.appendUpdates([edit('a', 'one'), edit('b', 'two'), edit('a', 'three')]);
  });
  // Before: a fence read, a number taken, the row and the history row per update (14 here).
  expect(seen.map((sql) => sql.split(/\s+/).slice(0, 3).join(' '))).toEqual([
    'BEGIN',
    'UPDATE objects SET',
    'UPDATE objects SET',
    'INSERT INTO doc_updates',
    'INSERT INTO doc_history',
    'INSERT INTO doc_updates',
    'INSERT INTO doc_history',
    'INSERT INTO doc_updates',
    'INSERT INTO doc_history',
    'COMMIT',
  ]);
  expect(seqs).toEqual([1, 1, 2]);
  const history = (await store.loadHistory('a')).filter((entry) => entry.kind === 'update');
  expect(history.map((entry) => [entry.seq, entry.author, textOf([entry.data])])).toEqual([
    [1, 'usa-analyst', 'one'],
    [2, 'usa-analyst', 'three'],
  ]);
  // In Date#toISOString's form.
  for (const { at } of history) expect(new Date(at).toISOString()).toBe(at);
  expect(Math.abs(Date.parse(history[0]!.at) - Date.now())).toBeLessThan(60_000);
  await store.close();
});
