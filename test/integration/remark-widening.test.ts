// Direct re-marks (issue 17): a widening with object:remark tells each nation it reaches for the
// first time ("released to me"), as an approved release does, and nobody else; a comment re-marked
// later is held to the same rule as when it was made: never wider than what it is on.
import { afterAll, beforeAll, expect, test, vi } from 'vitest';
import * as Y from 'yjs';
import { bodyOf, buildContent } from '../../shared/content';
import { bytesOf, type DocState, type Envelope, type Notification } from '../../shared/protocol';
import type { RunningServer } from '../../server/app';
import { eventually } from '../helpers/cluster';
import { connect, createCell, settle, startTestServer, tokenFor, type TestClient } from '../helpers/server';

let server: RunningServer;
let usa: TestClient;
let fdo: TestClient;
let gbr: TestClient;
let jpn: TestClient;
let cellId: string;

beforeAll(async () => {
  server = await startTestServer();
  cellId = (await createCell(server.url, await tokenFor(server.url, 'usa-analyst'), { name: 'Widening', template: 'adhoc', members: ['USA', 'GBR', 'JPN'] })).id;
  usa = await connect(server.url, 'usa-analyst');
  fdo = await connect(server.url, 'usa-fdo');
  gbr = await connect(server.url, 'gbr-analyst');
  jpn = await connect(server.url, 'jpn-analyst');
  for (const client of [usa, fdo, gbr, jpn]) await client.ok('workspace:join', { workspaceId: cellId });
});
afterAll(async () => {
  for (const client of [usa, fdo, gbr, jpn]) client.close();
  await server.close();
});

const releasedToMe = (client: TestClient, id: string) =>
  client.frames.filter((f) => f.event === 'notification').map((f) => f.payload as Notification).filter((n) => n.kind === 'released_to_me' && n.objectId === id);

test('an FDO’s direct widening tells the newly added nation, and only it', async () => {
  const { object } = await usa.ok('object:create', { workspaceId: cellId, kind: 'note', marking: 'SECRET//REL TO USA, GBR', content: buildContent({ body: 'Ferry cancelled.' }) });
  await fdo.ok('object:remark', { workspaceId: cellId, id: object.id, marking: 'SECRET//REL TO USA, GBR, JPN' });
  const told = await jpn.waitFor('notification', (n: Notification) => n.kind === 'released_to_me' && n.objectId === object.id);
  expect(told).toMatchObject({ actor: { nation: 'USA' } });
  await settle(usa, fdo, gbr, jpn);
  expect(releasedToMe(gbr, object.id)).toEqual([]);
  expect(releasedToMe(jpn, object.id)).toHaveLength(1);
  expect((await jpn.ok('notifications:list', { workspaceId: cellId })).notifications.filter((n) => n.objectId === object.id).map((n) => n.kind)).toEqual(['released_to_me']);
});

test('a level that keeps a widened object gets its doc:reset before any frame of the new epoch, however long the audit entry takes', async () => {
  const { object } = await usa.ok('object:create', { workspaceId: cellId, kind: 'note', marking: 'SECRET//REL TO USA, GBR', content: buildContent({ body: 'Pier two.' }) });
  await gbr.waitFor('object:added', (e: Envelope) => e.id === object.id);
  // The re-mark's audit entry is held until a participant has written to the new epoch.
  let audited!: () => void;
  const held = new Promise<void>((resolve) => (audited = resolve));
  const append = server.ctx.audit.append.bind(server.ctx.audit);
  const spy = vi.spyOn(server.ctx.audit, 'append').mockImplementation(async (draft) => {
    if (draft.action === 'object.remark' && draft.objectId === object.id) await held;
    return append(draft);
  });
  const from = gbr.frames.length;
  const remarked = fdo.ok('object:remark', { workspaceId: cellId, id: object.id, marking: 'SECRET//REL TO USA, GBR, JPN' });
  // A participant who reads the object now gets the new epoch, and writes to it.
  let state!: DocState;
  await eventually(async () => ((state = (await usa.ok('doc:sync', { workspaceId: cellId, docs: [{ id: object.id }] })).docs[0]!), state.epoch === 1), 5000, 'the new epoch is served');
  const doc = new Y.Doc();
  Y.applyUpdate(doc, bytesOf(state.update));
  const before = Y.encodeStateVector(doc);
  bodyOf(doc).insert(0, 'NEW-EPOCH ');
  await usa.ok('doc:update', { workspaceId: cellId, id: object.id, epoch: 1, update: Y.encodeStateAsUpdate(doc, before) });
  audited();
  await remarked;
  spy.mockRestore();
  await gbr.waitFor('doc:reset', (r: DocState) => r.id === object.id && r.epoch === 1);
  await settle(gbr);
  const kinds = gbr.frames.slice(from).flatMap(({ event, payload }) => {
    const states = event === 'doc:updates' ? (payload as { updates: DocState[] }).updates : event === 'doc:update' || event === 'doc:reset' ? [payload as DocState] : [];
    return states.filter((state) => state.id === object.id && state.epoch === 1).map(() => event);
  });
  expect(kinds[0]).toBe('doc:reset');
  expect(kinds.length).toBeGreaterThan(1);
});

test('a narrowing tells nobody it was released to them', async () => {
  const { object } = await usa.ok('object:create', { workspaceId: cellId, kind: 'note', marking: 'SECRET//REL TO USA, GBR, JPN', content: buildContent({ body: 'Crane down.' }) });
  await usa.ok('object:remark', { workspaceId: cellId, id: object.id, marking: 'SECRET//REL TO USA, GBR' });
  await settle(usa, gbr, jpn);
  expect([...releasedToMe(gbr, object.id), ...releasedToMe(jpn, object.id)]).toEqual([]);
});

test('a comment re-marked wider than what it is on is refused, naming the marking to use, and stays as it was', async () => {
  const { object: note } = await usa.ok('object:create', { workspaceId: cellId, kind: 'note', marking: 'SECRET//REL TO USA, GBR', content: buildContent({ body: 'Tug seen.' }) });
  const { object: comment } = await usa.ok('comment:create', { workspaceId: cellId, onId: note.id, marking: 'SECRET//NOFORN', text: 'Our source.' });
  const answer = await fdo.call('object:remark', { workspaceId: cellId, id: comment.id, marking: 'SECRET//REL TO USA, GBR, JPN' });
  expect(answer).toMatchObject({ ok: false, error: { code: 'bad_marking', message: expect.stringContaining('Mark it SECRET//REL TO USA, GBR or narrower') } });
  const widenedWithin = await fdo.ok('object:remark', { workspaceId: cellId, id: comment.id, marking: 'SECRET//REL TO USA, GBR' });
  expect((widenedWithin.object as Envelope).marking).toBe('SECRET//REL TO USA, GBR');
});
