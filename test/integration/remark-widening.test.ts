// Direct re-marks (issue 17): a widening with object:remark tells each nation it reaches for the
// first time ("released to me"), as an approved release does, and nobody else; a comment re-marked
// later is held to the same rule as when it was made: never wider than what it is on.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { buildContent } from '../../shared/content';
import type { Envelope, Notification } from '../../shared/protocol';
import type { RunningServer } from '../../server/app';
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
