// Deleting, restoring and moving objects (issue 17): a deleted object leaves everyone who saw it
// and nobody else hears of it; its tombstone keeps the audit trail; an undo within the grace period
// puts it back; a move is told to those who see the object; a tearline lands after its source.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { generateKeyBetween } from 'fractional-indexing';
import { buildContent } from '../../shared/content';
import type { AuditTrailPage } from '../../shared/rest';
import type { WorkspaceSummary } from '../../shared/protocol';
import type { ClientEvent, ProtocolError } from '../../shared/protocol';
import type { RunningServer } from '../../server/app';
import { api, connect, createCell, settle, startTestServer, tokenFor, type TestClient } from '../helpers/server';

let server: RunningServer;
let cell: WorkspaceSummary;
let usa: TestClient, gbr: TestClient, jpn: TestClient, gbrFdo: TestClient;

beforeAll(async () => {
  server = await startTestServer();
  cell = await createCell(server.url, await tokenFor(server.url, 'usa-analyst'), { name: 'Deletion', template: 'adhoc', members: ['USA', 'GBR', 'JPN'] });
  [usa, gbr, jpn, gbrFdo] = (await Promise.all(['usa-analyst', 'gbr-analyst', 'jpn-analyst', 'gbr-fdo'].map((p) => connect(server.url, p)))) as [TestClient, TestClient, TestClient, TestClient];
  for (const c of [usa, gbr, jpn, gbrFdo]) await c.ok('workspace:join', { workspaceId: cell.id });
});
afterAll(async () => {
  for (const c of [usa, gbr, jpn, gbrFdo]) c.close();
  await server.close();
});

async function report(portions: string[]) {
  const { object } = await usa.ok('object:create', { workspaceId: cell.id, kind: 'report', marking: 'SECRET//REL TO USA, GBR, JPN', content: buildContent({ body: 'Report' }) });
  const children = [];
  for (const marking of portions) {
    children.push((await usa.ok('object:create', { workspaceId: cell.id, kind: 'portion', parentId: object.id, marking, content: buildContent({ body: `DELETE-CANARY ${marking}` }) })).object);
  }
  return { report: object, portions: children };
}

/** The refusal of a call expected to be refused. */
async function refused(client: TestClient, event: ClientEvent, payload: unknown): Promise<ProtocolError | undefined> {
  const answer = await client.call(event, payload);
  return answer.ok ? undefined : answer.error;
}

async function auditActions(client: string, objectId: string): Promise<string[]> {
  const { body } = await api<AuditTrailPage>(server.url, 'GET', `/api/workspaces/${cell.id}/audit`, undefined, await tokenFor(server.url, client));
  return body.entries.filter((entry) => entry.objectId === objectId).map((entry) => entry.action);
}

test('a deleted report leaves everyone who saw it, each portion only those who saw that portion, and stays in the audit trail', async () => {
  const { report: r, portions } = await report(['SECRET//REL TO USA, GBR', 'SECRET//REL TO USA, GBR, JPN']);
  await jpn.waitFor('object:added', (e) => e.id === portions[1]!.id);
  const jpnFrom = jpn.frames.length;
  const { undoUntil } = await usa.ok('object:delete', { workspaceId: cell.id, id: r.id });
  expect(Date.parse(undoUntil)).toBeGreaterThan(Date.now());
  for (const id of [r.id, ...portions.map((p) => p.id)]) await gbr.waitFor('object:removed', (b) => b.id === id);
  await jpn.waitFor('object:removed', (b) => b.id === r.id);
  await settle(usa, jpn);
  // JPN never saw the GBR paragraph: it is not told of its deletion either (its id would leak).
  expect(JSON.stringify(jpn.frames.slice(jpnFrom))).not.toContain(portions[0]!.id);
  // Gone for everyone: no sync, no edit, no move, no second delete.
  for (const c of [usa, gbr, jpn]) expect((await c.ok('doc:sync', { workspaceId: cell.id, docs: [{ id: r.id }, { id: portions[1]!.id }] })).missing).toHaveLength(2);
  expect((await refused(usa, 'object:delete', { workspaceId: cell.id, id: r.id }))?.code).toBe('not_found');
  const join = await gbr.ok('workspace:join', { workspaceId: cell.id });
  expect(join.objects.map((o) => o.id)).not.toContain(r.id);
  // The audit trail keeps it for those who could see it.
  expect(await auditActions('usa-fdo', r.id)).toEqual(['object.create', 'object.delete']);
  expect(await auditActions('gbr-fdo', portions[0]!.id)).toEqual(['object.create']);
});

test('only the originating nation deletes; undo within the grace period puts the report back with its portions', async () => {
  const { report: r, portions } = await report(['SECRET//REL TO USA, GBR']);
  await gbr.waitFor('object:added', (e) => e.id === portions[0]!.id);
  expect((await refused(gbr, 'object:delete', { workspaceId: cell.id, id: r.id }))).toMatchObject({ code: 'forbidden', message: expect.stringContaining('USA') });
  await usa.ok('object:delete', { workspaceId: cell.id, id: r.id });
  // A portion deleted with its report comes back only with it; a nation that could not see it is told it does not exist.
  expect((await refused(usa, 'object:restore', { workspaceId: cell.id, id: portions[0]!.id }))?.code).toBe('forbidden');
  expect((await refused(jpn, 'object:restore', { workspaceId: cell.id, id: portions[0]!.id }))?.code).toBe('not_found');
  expect((await refused(gbr, 'object:restore', { workspaceId: cell.id, id: r.id }))?.code).toBe('forbidden');
  const { object } = await usa.ok('object:restore', { workspaceId: cell.id, id: r.id });
  expect(object.id).toBe(r.id);
  await gbr.waitFor('object:added', (e) => e.id === portions[0]!.id);
  const { docs } = await gbr.ok('doc:sync', { workspaceId: cell.id, docs: [{ id: portions[0]!.id }] });
  expect(docs).toHaveLength(1);
  expect(await auditActions('usa-fdo', r.id)).toEqual(['object.create', 'object.delete', 'object.restore']);
});

test('a move is told to those who see the object; a tearline lands right after its source', async () => {
  const { portions } = await report(['SECRET//REL TO USA, GBR, JPN', 'SECRET//REL TO USA, GBR, JPN', 'SECRET//NOFORN']);
  const [first, second] = portions as [typeof portions[0], typeof portions[0]];
  const orderKey = generateKeyBetween(null, first.orderKey);
  expect((await refused(jpn, 'object:move', { workspaceId: cell.id, id: second.id, orderKey }))?.code).toBe('forbidden');
  expect((await refused(usa, 'object:move', { workspaceId: cell.id, id: second.id, orderKey: 'not a key' }))?.code).toBe('bad_request');
  const { object } = await usa.ok('object:move', { workspaceId: cell.id, id: second.id, orderKey });
  expect(object.orderKey).toBe(orderKey);
  await jpn.waitFor('object:changed', (e) => e.id === second.id && e.orderKey === orderKey);
  // A tearline of the (now) second paragraph sits between it and the next the creator sees.
  const { object: tearline } = await usa.ok('tearline:create', { workspaceId: cell.id, sourceId: first.id });
  expect(tearline.orderKey > first.orderKey).toBe(true);
  expect(tearline.orderKey < portions[2]!.orderKey).toBe(true);
});
