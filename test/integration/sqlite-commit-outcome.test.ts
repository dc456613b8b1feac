// What one SQLite node does when a write's transaction fails (issue 14): another program holding
// the file's write lock (SQLITE_BUSY), and a COMMIT failing with an I/O error (an fsync refused:
// the transaction may still be in the WAL file, see server/store/sqliteTransaction.ts). Writers
// get `unavailable` with a sentence that says which, never `internal` (on which the web client
// drops the edit); nothing is acknowledged, fanned out, audited or kept in memory that the store
// does not hold; once the fault clears, the edits sent again are stored and the audit chain verifies.
import Database from 'better-sqlite3';
import { generateKeyBetween } from 'fractional-indexing';
import { afterAll, afterEach, beforeAll, expect, test, vi } from 'vitest';
import { buildContent } from '../../shared/content';
import type { Envelope } from '../../shared/protocol';
import type { RunningServer } from '../../server/app';
import { SQLITE_BUSY_TIMEOUT_MS, type SqliteStore } from '../../server/store/sqliteStore';
import { api, connect, createCell, settle, startTestServer, tokenFor, type TestClient } from '../helpers/server';
import { failCommit, fsyncFailed } from '../helpers/sqliteFaults';
import { createNote, syncedReplica, syncedText } from '../helpers/syncedNotes';

const MARKING = 'SECRET//REL TO USA, FVEY';

let server: RunningServer;
let cellId: string;
let usa: TestClient;
let fdo: TestClient;
let gbr: TestClient;

beforeAll(async () => {
  server = await startTestServer();
  cellId = (await createCell(server.url, await tokenFor(server.url, 'usa-fdo'), { name: 'Lock desk', template: 'fvey' })).id;
  [usa, fdo, gbr] = await Promise.all([connect(server.url, 'usa-analyst'), connect(server.url, 'usa-fdo'), connect(server.url, 'gbr-analyst')]);
  for (const client of [usa, fdo, gbr]) await client.ok('workspace:join', { workspaceId: cellId });
});
afterAll(async () => {
  for (const client of [usa, fdo, gbr]) client.close();
  await server.close();
});
afterEach(() => {
  vi.restoreAllMocks();
});

const store = () => server.ctx.store as SqliteStore;

const note = (body: string) => createNote(usa, gbr, cellId, MARKING, body);
const replica = (client: TestClient, id: string) => syncedReplica(client, cellId, id);
const textOf = (client: TestClient, id: string) => syncedText(client, cellId, id);

/** Every frame GBR received since `from` naming `id`, or carrying `text`. */
function gbrFramesAbout(from: number, id: string, text: string) {
  return gbr.frames.slice(from).filter((f) => JSON.stringify(f.payload ?? '').includes(id) || Buffer.from(JSON.stringify(f.payload ?? '')).includes(text));
}

const auditActions = async (objectId: string) => (await server.ctx.audit.listForObject(objectId)).map((e) => e.action);

const storageStatus = async () => (await api<{ storage: { status: string } }>(server.url, 'GET', '/healthz')).body.storage.status;

test('another program holding the write lock: writes answer unavailable at once, nothing changes, and they are taken once it lets go', async () => {
  const object = await note('Base.');
  const writer = await replica(usa, object.id);
  const before = gbr.frames.length;
  const other = new Database(store().db.name);
  other.exec('BEGIN IMMEDIATE');
  let kept: Uint8Array;
  try {
    kept = writer.edit((t) => t.insert(0, 'LOCKED-OUT '));
    const locked = { ok: false, error: { code: 'unavailable', message: expect.stringMatching(/another program holds its database file.*nothing of this request was saved/) } };
    expect(await usa.call('doc:update', { workspaceId: cellId, id: object.id, epoch: 0, update: kept })).toMatchObject(locked);
    expect(await usa.call('object:create', { workspaceId: cellId, kind: 'note', marking: MARKING, content: buildContent({ body: 'NEVER-CREATED' }) })).toMatchObject(locked);
    expect(await fdo.call('object:remark', { workspaceId: cellId, id: object.id, marking: 'SECRET//NOFORN' })).toMatchObject(locked);
    expect(await storageStatus()).toBe('failing');
    // Reading goes on.
    expect(await textOf(gbr, object.id)).toBe('Base.');
  } finally {
    other.exec('ROLLBACK');
    other.close();
  }
  await settle(usa, gbr);
  expect(gbrFramesAbout(before, object.id, 'LOCKED-OUT')).toEqual([]);
  expect(gbr.frames.slice(before).some((f) => f.event === 'object:added')).toBe(false);
  expect((await server.ctx.cells.get(cellId))!.index.get(object.id)!.envelope.marking).toBe(MARKING);
  // The lock is gone: the kept edit is sent again and taken, and the re-mark too.
  expect(await usa.call('doc:update', { workspaceId: cellId, id: object.id, epoch: 0, update: kept })).toMatchObject({ ok: true });
  expect(await textOf(gbr, object.id)).toBe('LOCKED-OUT Base.');
  expect(await storageStatus()).not.toBe('failing');
  await fdo.ok('object:remark', { workspaceId: cellId, id: object.id, marking: 'SECRET//NOFORN' });
  await gbr.waitFor('object:removed', (e: { id: string }) => e.id === object.id);
  expect(await auditActions(object.id)).toEqual(['object.create', 'object.remark']);
  expect(await server.ctx.audit.verify()).toMatchObject({ ok: true });
  // Each refused write waited this long, not better-sqlite3's 5 s, during which the whole node stands still.
  expect(store().db.pragma('busy_timeout', { simple: true })).toBe(SQLITE_BUSY_TIMEOUT_MS);
});

/** The COMMIT of the server's next transaction that runs a statement matching `writes` fails as an fsync refused. */
const failCommitOf = (writes: RegExp) => failCommit(store().db, fsyncFailed(), writes);

const mayOrMayNot = { ok: false, error: { code: 'unavailable', message: expect.stringMatching(/storage failed while confirming this request, so it may or may not have been saved/) } };

test('an update whose COMMIT fails with an I/O error: unavailable "may or may not have been saved", nothing served or fanned out, the edit sent again is taken once', async () => {
  const object = await note('Base.');
  const writer = await replica(usa, object.id);
  const before = gbr.frames.length;
  failCommitOf(/^INSERT INTO doc_updates/);
  const edit = writer.edit((t) => t.insert(0, 'UNCONFIRMED '));
  expect(await usa.call('doc:update', { workspaceId: cellId, id: object.id, epoch: 0, update: edit })).toMatchObject(mayOrMayNot);
  expect(await storageStatus()).toBe('failing');
  // The node serves what its store holds: the rolled-back transaction is not in it.
  expect((await store().loadDoc(object.id)).updates).toHaveLength(0);
  expect(await textOf(gbr, object.id)).toBe('Base.');
  await settle(usa, gbr);
  expect(gbrFramesAbout(before, object.id, 'UNCONFIRMED')).toEqual([]);
  // Sent again (an edit may simply be): stored once, and the storage is well again.
  expect(await usa.call('doc:update', { workspaceId: cellId, id: object.id, epoch: 0, update: edit })).toMatchObject({ ok: true });
  expect(await textOf(gbr, object.id)).toBe('UNCONFIRMED Base.');
  expect(await storageStatus()).not.toBe('failing');
});

test('a re-mark and a creation whose COMMIT fails with an I/O error change nothing in memory, tell nobody, audit nothing', async () => {
  const object = await note('Base.');
  const before = gbr.frames.length;
  failCommitOf(/^UPDATE objects SET marking/);
  expect(await fdo.call('object:remark', { workspaceId: cellId, id: object.id, marking: 'SECRET//NOFORN' })).toMatchObject(mayOrMayNot);
  const cell = (await server.ctx.cells.get(cellId))!;
  expect(cell.index.get(object.id)!.envelope.marking).toBe(MARKING);
  expect((await store().getObject(object.id))!.marking).toBe(MARKING);
  expect(await textOf(gbr, object.id)).toBe('Base.');
  failCommitOf(/^INSERT INTO objects/);
  const objects = cell.index.size;
  expect(await usa.call('object:create', { workspaceId: cellId, kind: 'note', marking: MARKING, content: buildContent({ body: 'UNCONFIRMED' }) })).toMatchObject(mayOrMayNot);
  expect(cell.index.size).toBe(objects);
  expect((await store().listObjects(cellId)).length).toBe(objects);
  await settle(fdo, gbr);
  expect(gbr.frames.slice(before).filter((f) => f.event.startsWith('object:'))).toEqual([]);
  expect(await auditActions(object.id)).toEqual(['object.create']);
  // The storage takes writes again: the same re-mark goes through, audited once.
  await fdo.ok('object:remark', { workspaceId: cellId, id: object.id, marking: 'SECRET//NOFORN' });
  await gbr.waitFor('object:removed', (e: { id: string }) => e.id === object.id);
  expect(await auditActions(object.id)).toEqual(['object.create', 'object.remark']);
  expect(await server.ctx.audit.verify()).toMatchObject({ ok: true });
});

test('a file that cannot grow (PRAGMA max_page_count: SQLITE_FULL from SQLite itself): an edit, a creation and a widening re-mark roll back whole, and are taken once it can', async () => {
  const large = (mark: string) => mark.repeat(200_000);
  const object = await note(large('B'));
  const { object: narrowed } = await fdo.ok('object:remark', { workspaceId: cellId, id: object.id, marking: 'SECRET//REL TO USA, GBR' });
  const writer = await replica(usa, object.id);
  const before = gbr.frames.length;
  const db = store().db;
  const limit = db.pragma('max_page_count', { simple: true }) as number;
  db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true }) as number}`);
  let kept: Uint8Array;
  const cell = (await server.ctx.cells.get(cellId))!;
  const objects = cell.index.size;
  try {
    kept = writer.edit((t) => t.insert(0, large('E')));
    const full = { ok: false, error: { code: 'unavailable', message: expect.stringMatching(/storage is full or failing, so nothing of this request was saved/) } };
    expect(await usa.call('doc:update', { workspaceId: cellId, id: object.id, epoch: narrowed.epoch, update: kept })).toMatchObject(full);
    expect(await usa.call('object:create', { workspaceId: cellId, kind: 'note', marking: MARKING, content: buildContent({ body: large('C') }) })).toMatchObject(full);
    // Released to every FVEY nation: a new epoch, whose copy of the content needs pages too.
    expect(await fdo.call('object:remark', { workspaceId: cellId, id: object.id, marking: MARKING })).toMatchObject(full);
    expect(await storageStatus()).toBe('failing');
  } finally {
    db.pragma(`max_page_count = ${limit}`);
  }
  expect(cell.index.size).toBe(objects);
  expect(cell.index.get(object.id)!.envelope).toEqual(narrowed);
  expect(await store().getObject(object.id)).toEqual(narrowed);
  expect((await store().loadDoc(object.id)).updates).toHaveLength(0);
  await settle(usa, gbr);
  expect(gbr.frames.slice(before).filter((f) => f.event !== 'awareness')).toEqual([]);
  expect(await auditActions(object.id)).toEqual(['object.create', 'object.remark']);
  // It can grow again: the kept edit is taken, then the release.
  expect(await usa.call('doc:update', { workspaceId: cellId, id: object.id, epoch: narrowed.epoch, update: kept })).toMatchObject({ ok: true });
  await fdo.ok('object:remark', { workspaceId: cellId, id: object.id, marking: MARKING });
  expect(await textOf(gbr, object.id)).toBe(large('E') + large('B'));
  expect(await auditActions(object.id)).toEqual(['object.create', 'object.remark', 'object.remark']);
  expect(await server.ctx.audit.verify()).toMatchObject({ ok: true });
});

test('a deletion and a move whose COMMIT fails with an I/O error leave the object where it was, for everyone', async () => {
  const object = await note('Stays.');
  const before = gbr.frames.length;
  const cell = (await server.ctx.cells.get(cellId))!;
  failCommitOf(/^INSERT OR REPLACE INTO object_tombstones/);
  expect(await usa.call('object:delete', { workspaceId: cellId, id: object.id })).toMatchObject(mayOrMayNot);
  expect(cell.index.get(object.id)?.envelope).toEqual(object);
  expect(await store().listTombstones(cellId)).not.toContainEqual(expect.objectContaining({ objectId: object.id }));
  failCommitOf(/^UPDATE objects SET order_key/);
  const orderKey = generateKeyBetween(object.orderKey, null);
  expect(await usa.call('object:move', { workspaceId: cellId, id: object.id, orderKey })).toMatchObject(mayOrMayNot);
  expect(cell.index.get(object.id)?.envelope).toEqual(object);
  expect(await store().getObject(object.id)).toEqual(object);
  await settle(usa, gbr);
  expect(gbr.frames.slice(before).filter((f) => f.event.startsWith('object:'))).toEqual([]);
  expect(await textOf(gbr, object.id)).toBe('Stays.');
  // Taken once the storage is well.
  await usa.ok('object:move', { workspaceId: cellId, id: object.id, orderKey });
  await gbr.waitFor('object:changed', (e: Envelope) => e.id === object.id && e.orderKey === orderKey);
  await usa.ok('object:delete', { workspaceId: cellId, id: object.id });
  await gbr.waitFor('object:removed', (e: { id: string }) => e.id === object.id);
});
