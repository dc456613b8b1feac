// A creation, deletion, undo or move whose COMMIT outcome the node cannot know (the connection
// reset during the COMMIT) on one PostgreSQL node without Redis, where no relay entry will ever
// repair it: the writer is told it may or may not have been saved, and the node reads the cell's
// index portion again from PostgreSQL, so its index, its clients (each level told only of what it
// may see) and the audit trail follow what was stored, whether the commit landed or not.
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from 'vitest';
import { generateKeyBetween } from 'fractional-indexing';
import { buildContent } from '../../shared/content';
import type { Envelope } from '../../shared/protocol';
import type { AuditTrailPage } from '../../shared/rest';
import type { RunningServer } from '../../server/app';
import { eventually } from '../helpers/cluster';
import { postgresTestsSkipped, resetAfterCommitLands, resetBeforeCommit, useTestDatabase } from '../helpers/postgres';
import { api, connect, createCell, onPostgres, settle, startTestServer, tokenFor, type TestClient } from '../helpers/server';

/** The statement each write's transaction is recognised by, for the fault hooks. */
const CREATES = 'INSERT INTO objects (';
const DELETES = 'INSERT INTO object_tombstones';
const RESTORES = 'DELETE FROM object_tombstones';
const MOVES = 'UPDATE objects SET order_key';
const RECORDS = 'UPDATE workspaces SET record';

const UNKNOWN_OUTCOME = { ok: false, error: { code: 'unavailable', message: expect.stringContaining('may or may not have been saved') } };
const SEEN_MS = 5000;

describe.skipIf(postgresTestsSkipped)('an unknown COMMIT outcome of a creation, deletion, undo or move: one node on PostgreSQL, no Redis', () => {
  const url = useTestDatabase();
  let server: RunningServer;
  let watcher: pg.Client;
  const clients: TestClient[] = [];
  beforeAll(async () => {
    server = await startTestServer(onPostgres(url()));
    watcher = new pg.Client({ connectionString: url() });
    await watcher.connect();
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    for (const client of clients.splice(0)) client.close();
  });
  afterAll(async () => {
    await watcher?.end();
    await server?.close();
  });

  // One sign-in per persona: sign-ins are rate-limited per identity.
  const tokens = new Map<string, Promise<string>>();
  const token = (persona: string) => tokens.get(persona) ?? tokens.set(persona, tokenFor(server.url, persona)).get(persona)!;

  async function open(persona: string, workspaceId: string): Promise<TestClient> {
    const client = await connect(server.url, persona, await token(persona));
    clients.push(client);
    await client.ok('workspace:join', { workspaceId });
    return client;
  }

  /** A cell of USA, GBR and JPN with an editor of each joined. */
  async function cellOfThree() {
    const cell = await createCell(server.url, await token('usa-analyst'), { name: 'Reset', template: 'adhoc', members: ['USA', 'GBR', 'JPN'] });
    const [usa, gbr, jpn] = await Promise.all(['usa-analyst', 'gbr-analyst', 'jpn-analyst'].map((persona) => open(persona, cell.id)));
    return { cell, usa: usa!, gbr: gbr!, jpn: jpn! };
  }

  /** A report JPN may see, with a paragraph JPN may not (`hidden`) and one it may (`shared`). */
  async function reportOf(usa: TestClient, workspaceId: string) {
    const create = async (kind: string, marking: string, parentId?: string) =>
      (await usa.ok('object:create', { workspaceId, kind, marking, ...(parentId ? { parentId } : {}), content: buildContent({ body: `CANARY ${marking}` }) })).object;
    const report = await create('report', 'SECRET//REL TO USA, GBR, JPN');
    return { report, hidden: await create('portion', 'SECRET//REL TO USA, GBR', report.id), shared: await create('portion', 'SECRET//REL TO USA, GBR, JPN', report.id) };
  }

  const indexOf = async (workspaceId: string) => (await server.ctx.cells.get(workspaceId))!.index;

  /** What a participant joining now is given: the node's index, filtered for their level. */
  async function joinedBy(persona: string, workspaceId: string): Promise<Envelope[]> {
    const client = await connect(server.url, persona, await token(persona));
    try {
      return (await client.ok('workspace:join', { workspaceId })).objects;
    } finally {
      client.close();
    }
  }

  const orderKeysFor = async (persona: string, workspaceId: string) => Object.fromEntries((await joinedBy(persona, workspaceId)).map((object) => [object.id, object.orderKey]));

  /** The `event` frames naming `id` a client received after its first `from` frames. */
  const framesAfter = (client: TestClient, from: number, event: string, id: string) => client.frames.slice(from).filter((frame) => frame.event === event && (frame.payload as { id: string }).id === id);

  /**
   * GBR is told `event` once for the report and both paragraphs, JPN for the report and the one
   * paragraph it may see, after their first `from` frames; and JPN hears nothing of the other.
   */
  async function toldOnce(
    event: string,
    { usa, gbr, jpn }: { usa: TestClient; gbr: TestClient; jpn: TestClient },
    [gbrFrom, jpnFrom]: [number, number],
    { report, hidden, shared }: Record<'report' | 'hidden' | 'shared', Envelope>,
  ): Promise<void> {
    await eventually(
      () => [report, hidden, shared].every(({ id }) => framesAfter(gbr, gbrFrom, event, id).length === 1) && [report, shared].every(({ id }) => framesAfter(jpn, jpnFrom, event, id).length === 1),
      SEEN_MS,
      `GBR and JPN told ${event} for what each may see`,
    );
    await settle(usa, gbr, jpn);
    expect(JSON.stringify(jpn.frames.slice(jpnFrom))).not.toContain(hidden.id);
  }

  /** The actions of the audit trail's entries about one object, or, without one, of those of `prefix` (`object.` by default). */
  async function auditActions(workspaceId: string, objectId?: string, prefix = 'object.'): Promise<string[]> {
    const { status, body } = await api<AuditTrailPage>(server.url, 'GET', `/api/workspaces/${workspaceId}/audit`, undefined, await token('usa-fdo'));
    expect(status).toBe(200);
    return body.entries.filter((entry) => (objectId ? entry.objectId === objectId : entry.action.startsWith(prefix))).map((entry) => entry.action);
  }

  const stored = async (sql: string, values: unknown[]) => (await watcher.query(sql, values)).rows;

  test('a creation that landed: the node indexes it, the levels that may see it are told, JPN hears nothing, and it is audited', async () => {
    const { cell, usa, gbr, jpn } = await cellOfThree();
    const [gbrFrom, jpnFrom] = [gbr.frames.length, jpn.frames.length];
    resetAfterCommitLands(async () => (await stored('SELECT 1 FROM objects WHERE workspace_id = $1', [cell.id])).length === 1, CREATES);
    const answer = await usa.call('object:create', { workspaceId: cell.id, kind: 'note', marking: 'SECRET//REL TO USA, GBR', content: buildContent({ body: 'LANDED' }) });
    expect(answer).toMatchObject(UNKNOWN_OUTCOME);

    const [{ id }] = (await stored('SELECT id FROM objects WHERE workspace_id = $1', [cell.id])) as [{ id: string }];
    expect((await indexOf(cell.id)).get(id)?.envelope.marking).toBe('SECRET//REL TO USA, GBR');
    await eventually(() => framesAfter(usa, 0, 'object:added', id).length === 1 && framesAfter(gbr, gbrFrom, 'object:added', id).length === 1, SEEN_MS, 'USA and GBR told of the object that landed');
    expect((await joinedBy('gbr-analyst', cell.id)).map((object) => object.id)).toEqual([id]);
    expect((await gbr.ok('doc:sync', { workspaceId: cell.id, docs: [{ id }] })).missing).toEqual([]);
    await settle(usa, gbr, jpn);
    expect(JSON.stringify(jpn.frames.slice(jpnFrom))).not.toContain(id);
    expect(await joinedBy('jpn-analyst', cell.id)).toEqual([]);
    expect(await auditActions(cell.id, id)).toEqual(['object.create']);
  });

  test('a creation that did not land: nothing is indexed, told or audited, and creating again works', async () => {
    const { cell, usa, gbr, jpn } = await cellOfThree();
    const from = [usa, gbr, jpn].map((client) => client.frames.length);
    resetBeforeCommit(CREATES);
    const answer = await usa.call('object:create', { workspaceId: cell.id, kind: 'note', marking: 'SECRET//REL TO USA, GBR', content: buildContent({ body: 'LOST' }) });
    expect(answer).toMatchObject(UNKNOWN_OUTCOME);

    expect(await stored('SELECT id FROM objects WHERE workspace_id = $1', [cell.id])).toEqual([]);
    await settle(usa, gbr, jpn);
    for (const [i, client] of [usa, gbr, jpn].entries()) expect(client.frames.slice(from[i]).filter((frame) => frame.event === 'object:added')).toEqual([]);
    expect(await joinedBy('usa-analyst', cell.id)).toEqual([]);
    expect(await auditActions(cell.id)).toEqual([]);
    const { object } = await usa.ok('object:create', { workspaceId: cell.id, kind: 'note', marking: 'SECRET//REL TO USA, GBR', content: buildContent({ body: 'AGAIN' }) });
    expect((await joinedBy('gbr-analyst', cell.id)).map((envelope) => envelope.id)).toEqual([object.id]);
  });

  test('a deletion that landed: the report and its paragraphs leave the index and each level that saw them, JPN never hears of the paragraph it never saw, and it is audited', async () => {
    const { cell, usa, gbr, jpn } = await cellOfThree();
    const { report, hidden, shared } = await reportOf(usa, cell.id);
    await jpn.waitFor('object:added', (envelope: Envelope) => envelope.id === shared.id);
    const [gbrFrom, jpnFrom] = [gbr.frames.length, jpn.frames.length];
    resetAfterCommitLands(async () => (await stored('SELECT 1 FROM object_tombstones WHERE object_id = $1', [report.id])).length === 1, DELETES);
    expect(await usa.call('object:delete', { workspaceId: cell.id, id: report.id })).toMatchObject(UNKNOWN_OUTCOME);

    const index = await indexOf(cell.id);
    for (const { id } of [report, hidden, shared]) {
      expect(index.get(id)).toBeUndefined();
      expect(index.deletedEntry(id)).toBeDefined();
    }
    await toldOnce('object:removed', { usa, gbr, jpn }, [gbrFrom, jpnFrom], { report, hidden, shared });
    expect(await joinedBy('gbr-analyst', cell.id)).toEqual([]);
    expect((await usa.ok('doc:sync', { workspaceId: cell.id, docs: [{ id: report.id }, { id: hidden.id }] })).missing).toHaveLength(2);
    expect(await auditActions(cell.id, report.id)).toEqual(['object.create', 'object.delete']);
    // The undo works from the index the node read again.
    await usa.ok('object:restore', { workspaceId: cell.id, id: report.id });
    expect((await joinedBy('gbr-analyst', cell.id)).map((object) => object.id).sort()).toEqual([report.id, hidden.id, shared.id].sort());
  });

  test('a deletion that did not land: everything stays, nobody is told, nothing is audited, and deleting again works', async () => {
    const { cell, usa, gbr, jpn } = await cellOfThree();
    const { report, hidden, shared } = await reportOf(usa, cell.id);
    await jpn.waitFor('object:added', (envelope: Envelope) => envelope.id === shared.id);
    const [gbrFrom, jpnFrom] = [gbr.frames.length, jpn.frames.length];
    resetBeforeCommit(DELETES);
    expect(await usa.call('object:delete', { workspaceId: cell.id, id: report.id })).toMatchObject(UNKNOWN_OUTCOME);

    expect(await stored('SELECT 1 FROM object_tombstones WHERE workspace_id = $1', [cell.id])).toEqual([]);
    const index = await indexOf(cell.id);
    for (const { id } of [report, hidden, shared]) expect(index.get(id)).toBeDefined();
    await settle(usa, gbr, jpn);
    expect([...gbr.frames.slice(gbrFrom), ...jpn.frames.slice(jpnFrom)].filter((frame) => frame.event === 'object:removed')).toEqual([]);
    expect((await joinedBy('jpn-analyst', cell.id)).map((object) => object.id).sort()).toEqual([report.id, shared.id].sort());
    expect(await auditActions(cell.id, report.id)).toEqual(['object.create']);
    await usa.ok('object:delete', { workspaceId: cell.id, id: report.id });
    expect(await joinedBy('gbr-analyst', cell.id)).toEqual([]);
  });

  test('an undo that landed: the report and its paragraphs are back in the index and reach the levels that may see each, JPN never the paragraph it may not see, and it is audited', async () => {
    const { cell, usa, gbr, jpn } = await cellOfThree();
    const { report, hidden, shared } = await reportOf(usa, cell.id);
    await usa.ok('object:delete', { workspaceId: cell.id, id: report.id });
    await jpn.waitFor('object:removed', (body: { id: string }) => body.id === shared.id);
    const [gbrFrom, jpnFrom] = [gbr.frames.length, jpn.frames.length];
    resetAfterCommitLands(async () => (await stored('SELECT 1 FROM object_tombstones WHERE workspace_id = $1', [cell.id])).length === 0, RESTORES);
    expect(await usa.call('object:restore', { workspaceId: cell.id, id: report.id })).toMatchObject(UNKNOWN_OUTCOME);

    const index = await indexOf(cell.id);
    for (const { id } of [report, hidden, shared]) expect(index.get(id)).toBeDefined();
    await toldOnce('object:added', { usa, gbr, jpn }, [gbrFrom, jpnFrom], { report, hidden, shared });
    expect((await joinedBy('jpn-analyst', cell.id)).map((object) => object.id).sort()).toEqual([report.id, shared.id].sort());
    expect((await usa.ok('doc:sync', { workspaceId: cell.id, docs: [{ id: hidden.id }] })).missing).toEqual([]);
    expect(await auditActions(cell.id, report.id)).toEqual(['object.create', 'object.delete', 'object.restore']);
  });

  test('an undo that did not land: everything stays deleted, nobody is told, nothing is audited, and the undo works again', async () => {
    const { cell, usa, gbr, jpn } = await cellOfThree();
    const { report, hidden, shared } = await reportOf(usa, cell.id);
    await usa.ok('object:delete', { workspaceId: cell.id, id: report.id });
    await jpn.waitFor('object:removed', (body: { id: string }) => body.id === shared.id);
    const [gbrFrom, jpnFrom] = [gbr.frames.length, jpn.frames.length];
    resetBeforeCommit(RESTORES);
    expect(await usa.call('object:restore', { workspaceId: cell.id, id: report.id })).toMatchObject(UNKNOWN_OUTCOME);

    expect(await stored('SELECT 1 FROM object_tombstones WHERE workspace_id = $1', [cell.id])).toHaveLength(3);
    const index = await indexOf(cell.id);
    for (const { id } of [report, hidden, shared]) expect(index.deletedEntry(id)).toBeDefined();
    await settle(usa, gbr, jpn);
    expect([...gbr.frames.slice(gbrFrom), ...jpn.frames.slice(jpnFrom)].filter((frame) => frame.event === 'object:added')).toEqual([]);
    expect(await joinedBy('gbr-analyst', cell.id)).toEqual([]);
    expect(await auditActions(cell.id, report.id)).toEqual(['object.create', 'object.delete']);
    await usa.ok('object:restore', { workspaceId: cell.id, id: report.id });
    expect((await joinedBy('gbr-analyst', cell.id)).map((object) => object.id).sort()).toEqual([report.id, hidden.id, shared.id].sort());
  });

  /** Two notes USA and GBR see (JPN neither), and the key that puts the second before the first. */
  async function twoNotes(usa: TestClient, workspaceId: string) {
    const note = async (body: string) =>
      (await usa.ok('object:create', { workspaceId, kind: 'note', marking: 'SECRET//REL TO USA, GBR', content: buildContent({ body }) })).object;
    const first = await note('first');
    const second = await note('second');
    return { first, second, before: generateKeyBetween(null, first.orderKey) };
  }

  test('a move that landed: the node indexes the new place and the levels that see the object are told, JPN nothing', async () => {
    const { cell, usa, gbr, jpn } = await cellOfThree();
    const { first, second, before } = await twoNotes(usa, cell.id);
    await gbr.waitFor('object:added', (envelope: Envelope) => envelope.id === second.id);
    const [gbrFrom, jpnFrom] = [gbr.frames.length, jpn.frames.length];
    resetAfterCommitLands(async () => (await stored('SELECT 1 FROM objects WHERE id = $1 AND order_key = $2', [second.id, before])).length === 1, MOVES);
    expect(await usa.call('object:move', { workspaceId: cell.id, id: second.id, orderKey: before })).toMatchObject(UNKNOWN_OUTCOME);

    expect((await indexOf(cell.id)).get(second.id)?.envelope.orderKey).toBe(before);
    await eventually(() => framesAfter(gbr, gbrFrom, 'object:changed', second.id).some((frame) => (frame.payload as Envelope).orderKey === before), SEEN_MS, 'GBR told of the new place');
    expect(await orderKeysFor('gbr-analyst', cell.id)).toEqual({ [first.id]: first.orderKey, [second.id]: before });
    await settle(usa, gbr, jpn);
    expect(jpn.frames.slice(jpnFrom).filter((frame) => frame.event.startsWith('object:'))).toEqual([]);
  });

  test('a move that did not land: the index keeps the old place, nobody is told of the new one, and moving again works', async () => {
    const { cell, usa, gbr, jpn } = await cellOfThree();
    const { first, second, before } = await twoNotes(usa, cell.id);
    await gbr.waitFor('object:added', (envelope: Envelope) => envelope.id === second.id);
    const [gbrFrom, jpnFrom] = [gbr.frames.length, jpn.frames.length];
    resetBeforeCommit(MOVES);
    expect(await usa.call('object:move', { workspaceId: cell.id, id: second.id, orderKey: before })).toMatchObject(UNKNOWN_OUTCOME);

    expect((await stored('SELECT order_key FROM objects WHERE id = $1', [second.id]))[0]).toEqual({ order_key: second.orderKey });
    expect((await indexOf(cell.id)).get(second.id)?.envelope.orderKey).toBe(second.orderKey);
    await settle(usa, gbr, jpn);
    expect(framesAfter(gbr, gbrFrom, 'object:changed', second.id).filter((frame) => (frame.payload as Envelope).orderKey === before)).toEqual([]);
    expect(jpn.frames.slice(jpnFrom).filter((frame) => frame.event.startsWith('object:'))).toEqual([]);
    expect(await orderKeysFor('gbr-analyst', cell.id)).toEqual({ [first.id]: first.orderKey, [second.id]: second.orderKey });
    await usa.ok('object:move', { workspaceId: cell.id, id: second.id, orderKey: before });
    expect(await orderKeysFor('gbr-analyst', cell.id)).toEqual({ [first.id]: first.orderKey, [second.id]: before });
  });

  /** The cell's cross-nation editing setting as PostgreSQL holds it. */
  const storedSetting = async (workspaceId: string) => ((await stored('SELECT record::jsonb ->> \'crossNationEditing\' AS setting FROM workspaces WHERE id = $1', [workspaceId]))[0] as { setting: string }).setting;

  test('a cell settings change that landed: the node holds the new record, every session is told, and it is audited', async () => {
    const { cell, usa, gbr } = await cellOfThree();
    const from = gbr.frames.length;
    const wanted = cell.crossNationEditing === 'direct' ? 'suggest' : 'direct';
    resetAfterCommitLands(async () => (await storedSetting(cell.id)) === wanted, RECORDS);
    expect(await usa.call('workspace:settings', { workspaceId: cell.id, crossNationEditing: wanted })).toMatchObject(UNKNOWN_OUTCOME);

    expect((await server.ctx.cells.get(cell.id))!.workspace.crossNationEditing).toBe(wanted);
    await eventually(() => gbr.frames.slice(from).some((frame) => frame.event === 'workspace:changed' && (frame.payload as { crossNationEditing: string }).crossNationEditing === wanted), SEEN_MS, 'GBR told of the new settings');
    expect(await auditActions(cell.id, undefined, 'workspace.settings')).toEqual(['workspace.settings']);
  });

  test('a cell settings change that did not land: the record stays, nobody is told, nothing is audited', async () => {
    const { cell, usa, gbr } = await cellOfThree();
    const from = gbr.frames.length;
    const wanted = cell.crossNationEditing === 'direct' ? 'suggest' : 'direct';
    resetBeforeCommit(RECORDS);
    expect(await usa.call('workspace:settings', { workspaceId: cell.id, crossNationEditing: wanted })).toMatchObject(UNKNOWN_OUTCOME);

    expect(await storedSetting(cell.id)).toBe(cell.crossNationEditing);
    expect((await server.ctx.cells.get(cell.id))!.workspace.crossNationEditing).toBe(cell.crossNationEditing);
    await settle(usa, gbr);
    expect(gbr.frames.slice(from).filter((frame) => frame.event === 'workspace:changed')).toEqual([]);
    expect(await auditActions(cell.id, undefined, 'workspace.settings')).toEqual([]);
  });
});
