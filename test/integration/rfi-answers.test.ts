// Answers to RFIs over real sockets (issue 17): an empty answer is refused in plain words and
// changes nothing; an answer carries its own marking, never wider than the RFI's; a partner
// receives it (its envelope, content and the "answered" notification) only where it is releasable.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { buildContent } from '../../shared/content';
import type { Envelope, Notification } from '../../shared/protocol';
import type { RunningServer } from '../../server/app';
import { connect, createCell, settle, startTestServer, tokenFor, type TestClient } from '../helpers/server';

let server: RunningServer;
let usa: TestClient;
let gbr: TestClient;
let jpn: TestClient;
let cellId: string;
let rfi: Envelope;

beforeAll(async () => {
  server = await startTestServer();
  cellId = (await createCell(server.url, await tokenFor(server.url, 'jpn-analyst'), { name: 'Answers', template: 'adhoc', members: ['USA', 'GBR', 'JPN'] })).id;
  usa = await connect(server.url, 'usa-analyst');
  gbr = await connect(server.url, 'gbr-analyst');
  jpn = await connect(server.url, 'jpn-analyst');
  for (const client of [usa, gbr, jpn]) await client.ok('workspace:join', { workspaceId: cellId });
  rfi = (await jpn.ok('object:create', { workspaceId: cellId, kind: 'rfi', marking: 'SECRET//REL TO USA, GBR, JPN', content: buildContent({ fields: { title: 'Who owns the tug?' } }) })).object;
});
afterAll(async () => {
  for (const client of [usa, gbr, jpn]) client.close();
  await server.close();
});

const notifications = (client: TestClient) => client.frames.filter((f) => f.event === 'notification').map((f) => f.payload as Notification);
const added = (client: TestClient) => client.frames.filter((f) => f.event === 'object:added').map((f) => (f.payload as Envelope).id);

test('an empty or blank answer is refused with a plain sentence, and nothing is created', async () => {
  const before = usa.frames.length;
  for (const text of ['', '   \n\t ']) {
    const answer = await usa.call('rfi:answer', { workspaceId: cellId, rfiId: rfi.id, marking: 'SECRET//REL TO USA, GBR, JPN', text });
    expect(answer).toEqual({ ok: false, error: { code: 'bad_request', message: 'An answer cannot be empty: write what you found, or leave the request open.' } });
  }
  await settle(usa);
  // Presence heartbeats of the others may arrive meanwhile; nothing else may.
  expect(usa.frames.slice(before).filter((f) => f.event !== 'awareness').map((f) => f.event)).toEqual([]);
});

test('an answer wider than the RFI is refused, naming the marking to use', async () => {
  const answer = await usa.call('rfi:answer', { workspaceId: cellId, rfiId: rfi.id, marking: 'SECRET//REL TO USA, FVEY, JPN', text: 'Wider' });
  expect(answer).toMatchObject({ ok: false, error: { code: 'bad_marking', message: expect.stringContaining('Mark it SECRET//REL TO USA, GBR, JPN or narrower') } });
});

test('only an RFI can be answered', async () => {
  const note = (await usa.ok('object:create', { workspaceId: cellId, kind: 'note', marking: 'SECRET//REL TO USA, GBR, JPN' })).object;
  const answer = await usa.call('rfi:answer', { workspaceId: cellId, rfiId: note.id, marking: 'SECRET//REL TO USA, GBR, JPN', text: 'x' });
  expect(answer).toMatchObject({ ok: false, error: { code: 'bad_request', message: 'Only a request for information can be answered; this is a note.' } });
});

test('an answer marked at its own narrower level reaches only those it is releasable to, notification included', async () => {
  const { object } = await usa.ok('rfi:answer', { workspaceId: cellId, rfiId: rfi.id, marking: 'SECRET//REL TO USA, GBR', text: '  Owned by the port authority.  ' });
  expect(object).toMatchObject({ kind: 'comment', parentId: rfi.id, marking: 'SECRET//REL TO USA, GBR', originator: 'USA' });
  await gbr.waitFor('object:added', (e: Envelope) => e.id === object.id);
  await settle(usa, gbr, jpn);
  // JPN asked, but may not read this answer: no envelope, no notification, no content.
  expect(added(jpn)).not.toContain(object.id);
  expect(notifications(jpn).map((n) => n.objectId)).not.toContain(object.id);
  expect(await jpn.ok('doc:sync', { workspaceId: cellId, docs: [{ id: object.id }] })).toMatchObject({ docs: [], missing: [object.id] });
  expect(JSON.stringify(jpn.frames)).not.toContain('port authority');
});

test('an answer releasable to the asker is delivered and tells the asking nation, with the text trimmed', async () => {
  const { object } = await gbr.ok('rfi:answer', { workspaceId: cellId, rfiId: rfi.id, marking: 'SECRET//REL TO USA, GBR, JPN', text: 'Registered in Panama.\n' });
  const told = await jpn.waitFor('notification', (n: Notification) => n.objectId === object.id);
  expect(told).toMatchObject({ kind: 'rfi_answered', actor: { nation: 'GBR' } });
  const { docs } = await jpn.ok('doc:sync', { workspaceId: cellId, docs: [{ id: object.id }] });
  expect(docs).toHaveLength(1);
  const { listed } = { listed: (await jpn.ok('notifications:list', { workspaceId: cellId })).notifications };
  expect(listed.filter((n) => n.kind === 'rfi_answered').map((n) => n.objectId)).toEqual([object.id]);
});

test('a viewer may not answer', async () => {
  const viewer = await connect(server.url, 'aus-viewer');
  const answer = await viewer.call('rfi:answer', { workspaceId: cellId, rfiId: rfi.id, marking: 'SECRET//REL TO USA, GBR, JPN', text: 'x' });
  viewer.close();
  expect(answer).toMatchObject({ ok: false });
});
