// Durability under storage faults (issue 12, items 1, 2 and 5): nobody reads an edit before it is
// durable; a failed compaction never touches the edit that triggered it; a full disk answers a
// retryable `unavailable`, keeps serving readers, loses nothing once space returns, and says so
// in /healthz. The full disk is injected: the store's writes throw SQLite's SQLITE_FULL, and the
// audit log's inserts are refused on its connection (`npm run bench -- disk-full` uses a real one).
import Database from 'better-sqlite3';
import { afterAll, beforeAll, expect, test, vi } from 'vitest';
import * as Y from 'yjs';
import { bodyOf } from '../../shared/content';
import { bytesOf } from '../../shared/protocol';
import type { RunningServer } from '../../server/app';
import type { SqliteStore } from '../../server/store/sqliteStore';
import { api, connect, createCell, settle, startTestServer, tokenFor, type TestClient } from '../helpers/server';
import { createNote, syncedReplica, syncedText } from '../helpers/syncedNotes';

const DISK_FULL = () => new Database.SqliteError('database or disk is full', 'SQLITE_FULL');
const MARKING = 'SECRET//REL TO USA, FVEY';

let server: RunningServer;
let cellId: string;
let usa: TestClient;
let gbr: TestClient;

beforeAll(async () => {
  server = await startTestServer({ compactAfter: 3 });
  cellId = (await createCell(server.url, await tokenFor(server.url, 'usa-fdo'), { name: 'Storage desk', template: 'fvey' })).id;
  [usa, gbr] = await Promise.all([connect(server.url, 'usa-analyst'), connect(server.url, 'gbr-analyst')]);
  for (const client of [usa, gbr]) await client.ok('workspace:join', { workspaceId: cellId });
});
afterAll(async () => {
  for (const client of [usa, gbr]) client.close();
  await server.close();
});

const store = () => server.ctx.store as SqliteStore;

/** Every write the server makes is refused, as on a full disk, until the returned function gives space back. */
function fillDisk(): () => void {
  const spies = (['appendUpdates', 'createObjects', 'remark', 'compact', 'addLevel'] as const).map((method) =>
    vi.spyOn(store(), method).mockImplementation(() => Promise.reject(DISK_FULL())),
  );
  store().db.exec("CREATE TEMP TRIGGER disk_full BEFORE INSERT ON audit_log BEGIN SELECT RAISE(FAIL, 'database or disk is full'); END");
  return () => {
    for (const spy of spies) spy.mockRestore();
    store().db.exec('DROP TRIGGER temp.disk_full');
  };
}

/** Holds the next update writes until released; each held batch is then written, or refused with `error`. */
function holdWrites() {
  let open!: (error?: Error) => void;
  const gate = new Promise<Error | undefined>((resolve) => (open = resolve));
  let started!: () => void;
  const held = new Promise<void>((resolve) => (started = resolve));
  const write = store().appendUpdates.bind(store());
  const spy = vi.spyOn(store(), 'appendUpdates').mockImplementation(async (batch) => {
    started();
    const error = await gate;
    if (error) throw error;
    return write(batch);
  });
  return {
    held,
    release(error?: Error) {
      spy.mockRestore();
      open(error);
    },
  };
}

const note = (body: string) => createNote(usa, gbr, cellId, MARKING, body);
const replica = (client: TestClient, id: string) => syncedReplica(client, cellId, id);
const textOf = (client: TestClient, id: string) => syncedText(client, cellId, id);

test('a reader never receives an edit before it is durable, nor one whose write failed; its own next edit is accepted', async () => {
  const object = await note('Convoy at dawn.');
  const writer = await replica(usa, object.id);
  const { held, release } = holdWrites();
  const refused = usa.call('doc:update', { workspaceId: cellId, id: object.id, epoch: 0, update: writer.edit((t) => t.insert(0, 'NOT-DURABLE ')) });
  await held;
  // Accepted and being written, not yet on disk: the reader's sync has the durable text only.
  expect(await textOf(gbr, object.id)).toBe('Convoy at dawn.');
  release(DISK_FULL());
  expect(await refused).toMatchObject({ ok: false, error: { code: 'unavailable', message: expect.stringMatching(/storage is full or failing/) } });
  const reader = await replica(gbr, object.id);
  expect(bodyOf(reader.doc).toString()).toBe('Convoy at dawn.');
  // What the reader holds is what the server holds, so its next edit builds on nothing missing.
  expect(await gbr.call('doc:update', { workspaceId: cellId, id: object.id, epoch: 0, update: reader.edit((t) => t.insert(t.length, ' Confirmed.')) })).toMatchObject({ ok: true });
  expect(gbr.frames.some((f) => JSON.stringify(f.payload ?? '').includes('NOT-DURABLE'))).toBe(false);
});

test('a failed compaction still acknowledges the edit and fans it out, and is counted', async () => {
  const object = await note('');
  const writer = await replica(usa, object.id);
  const compact = vi.spyOn(store(), 'compact').mockImplementation(() => Promise.reject(DISK_FULL()));
  try {
    for (const word of ['one ', 'two ', 'three ', 'four ']) {
      expect(await usa.call('doc:update', { workspaceId: cellId, id: object.id, epoch: 0, update: writer.edit((t) => t.insert(t.length, word)) })).toMatchObject({ ok: true });
    }
    await vi.waitFor(() => expect(compact).toHaveBeenCalled());
  } finally {
    compact.mockRestore();
  }
  // The other participant received every edit as it was made.
  await settle(usa, gbr);
  const received = new Y.Doc();
  for (const frame of gbr.frames) {
    if (frame.event === 'doc:update' && (frame.payload as { id: string }).id === object.id) Y.applyUpdate(received, bytesOf((frame.payload as { update: Uint8Array }).update));
  }
  expect(bodyOf(received).toString()).toBe('one two three four ');
  expect(await textOf(gbr, object.id)).toBe('one two three four ');
  expect(await (await fetch(server.metricsUrl!)).text()).toMatch(/^tearline_compactions_failed_total [1-9]/m);
});

test('a full disk answers unavailable, keeps serving readers, and loses nothing once space returns', async () => {
  const object = await note('Base.');
  const writer = await replica(usa, object.id);
  const restore = fillDisk();
  let kept: Uint8Array;
  try {
    kept = writer.edit((t) => t.insert(0, 'Kept. '));
    for (const [event, payload] of [
      ['doc:update', { workspaceId: cellId, id: object.id, epoch: 0, update: kept }],
      ['object:create', { workspaceId: cellId, kind: 'note', marking: MARKING }],
      ['object:remark', { workspaceId: cellId, id: object.id, marking: 'SECRET//REL TO USA, GBR' }],
    ] as const) {
      expect(await usa.call(event, payload)).toMatchObject({ ok: false, error: { code: 'unavailable', message: expect.stringMatching(/try again shortly/i) } });
    }
    // Reading goes on: someone of a level new to the cell joins (the level and the audit entry
    // cannot be stored yet) and syncs.
    const aus = await connect(server.url, 'aus-analyst');
    await aus.ok('workspace:join', { workspaceId: cellId });
    expect(await textOf(aus, object.id)).toBe('Base.');
    aus.close();
    expect(server.ctx.audit.unwritten()).toBeGreaterThan(0);
    expect(await api(server.url, 'GET', '/healthz')).toEqual({ status: 200, body: { ok: true, storage: { status: 'failing', warning: true } } });
  } finally {
    restore();
  }
  // Space is back: the client sends its kept edit again; it and the audit entries all arrive.
  expect(await usa.call('doc:update', { workspaceId: cellId, id: object.id, epoch: 0, update: kept })).toMatchObject({ ok: true });
  expect(await textOf(gbr, object.id)).toBe('Kept. Base.');
  await vi.waitFor(() => expect(server.ctx.audit.unwritten()).toBe(0), { timeout: 5000 });
  const entries = await server.ctx.audit.listForWorkspace(cellId);
  expect(entries.filter((e) => e.actor.sub === 'aus-analyst').map((e) => e.action)).toEqual(['workspace.join', 'workspace.leave']);
  expect(await server.ctx.audit.verify()).toMatchObject({ ok: true });
  expect((await api<{ storage: { status: string } }>(server.url, 'GET', '/healthz')).body.storage.status).not.toBe('failing');
});

test('/healthz warns below TEARLINE_DISK_WARN_BYTES of free space, and the metrics give the free bytes', async () => {
  const tight = await startTestServer({ diskWarnBytes: Number.MAX_SAFE_INTEGER });
  try {
    expect(await api(tight.url, 'GET', '/healthz')).toEqual({ status: 200, body: { ok: true, storage: { status: 'low_space', warning: true } } });
    expect(await (await fetch(tight.metricsUrl!)).text()).toMatch(/^tearline_storage_free_bytes [1-9]\d*/m);
  } finally {
    await tight.close();
  }
  const roomy = await startTestServer({ diskWarnBytes: 0 });
  try {
    expect(await api(roomy.url, 'GET', '/healthz')).toEqual({ status: 200, body: { ok: true, storage: { status: 'ok', warning: false } } });
  } finally {
    await roomy.close();
  }
});
