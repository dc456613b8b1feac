// Comments, mentions and notifications over real sockets: a comment is never wider than what it
// is on; a mention of a nation that may not read it is refused in plain words, a mention of a
// person is never refused for their clearance (that would tell the author about it); release steps,
// mentions and replies reach only those who may see their object, and are kept for those offline.
import { afterAll, beforeAll, expect, test } from 'vitest';
import * as Y from 'yjs';
import { buildContent } from '../../shared/content';
import type { Envelope, Notification } from '../../shared/protocol';
import type { RunningServer } from '../../server/app';
import { connect, createCell, startTestServer, settle, tokenFor, type TestClient } from '../helpers/server';

let server: RunningServer;
let usa: TestClient;
let fdo: TestClient;
let gbr: TestClient;
let jpn: TestClient;
let secret: TestClient;
let cellId: string;
let nofornParagraph: Envelope;
let sharedParagraph: Envelope;

beforeAll(async () => {
  server = await startTestServer();
  const token = await tokenFor(server.url, 'usa-analyst');
  cellId = (await createCell(server.url, token, { name: 'Comments', template: 'adhoc', members: ['USA', 'GBR', 'JPN'] })).id;
  usa = await connect(server.url, 'usa-analyst');
  fdo = await connect(server.url, 'usa-fdo');
  gbr = await connect(server.url, 'gbr-analyst');
  jpn = await connect(server.url, 'jpn-analyst');
  secret = await connect(server.url, 'usa-secret');
  for (const client of [usa, fdo, gbr, jpn, secret]) await client.ok('workspace:join', { workspaceId: cellId });
  const report = (await usa.ok('object:create', { workspaceId: cellId, kind: 'report', marking: 'SECRET//REL TO USA, GBR, JPN', content: buildContent({ fields: { title: 'Harbour' } }) })).object;
  nofornParagraph = (await usa.ok('object:create', { workspaceId: cellId, kind: 'portion', parentId: report.id, marking: 'SECRET//NOFORN', content: buildContent({ body: 'kestrel' }) })).object;
  sharedParagraph = (await usa.ok('object:create', { workspaceId: cellId, kind: 'portion', parentId: report.id, marking: 'SECRET//REL TO USA, GBR, JPN', content: buildContent({ body: 'shared' }) })).object;
});
afterAll(async () => {
  for (const client of [usa, fdo, gbr, jpn, secret]) client.close();
  await server.close();
});

const notifications = (frames: TestClient['frames']) => frames.filter((f) => f.event === 'notification').map((f) => f.payload as Notification);

test('a comment wider than what it is on is refused, naming the marking to use', async () => {
  const answer = await usa.call('comment:create', { workspaceId: cellId, onId: nofornParagraph.id, marking: 'SECRET//REL TO USA, GBR', text: 'widen?' });
  expect(answer).toMatchObject({ ok: false, error: { code: 'bad_marking', message: expect.stringContaining('Mark it SECRET//NOFORN or narrower') } });
});

test('a mention of JPN in a NOFORN comment is refused in plain words; nothing reaches JPN', async () => {
  const before = jpn.frames.length;
  const answer = await usa.call('comment:create', { workspaceId: cellId, onId: nofornParagraph.id, marking: 'SECRET//NOFORN', text: 'ask @JPN NFMENTIONA', mentions: [{ kind: 'nation', nation: 'JPN' }] });
  expect(answer).toMatchObject({ ok: false, error: { code: 'forbidden', message: expect.stringContaining('JPN may not read a comment marked SECRET//NOFORN') } });
  const person = await usa.call('comment:create', { workspaceId: cellId, onId: nofornParagraph.id, marking: 'SECRET//NOFORN', text: 'ask NFMENTIONB', mentions: [{ kind: 'person', sub: 'jpn-analyst' }] });
  expect(person).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  await settle(usa, jpn);
  // Presence heartbeats may arrive meanwhile; they are the only frames allowed, and neither they
  // nor anything else may carry the refused comments' text or the paragraph they were on.
  const after = jpn.frames.slice(before);
  expect(after.filter((f) => f.event !== 'awareness').map((f) => f.event)).toEqual([]);
  const bytes = JSON.stringify(after);
  for (const secret of ['NFMENTIONA', 'NFMENTIONB', nofornParagraph.id]) expect(bytes).not.toContain(secret);
});

test('a mention of a person without the clearance is accepted like any other and tells only those who may read it', async () => {
  const note = (await usa.ok('object:create', { workspaceId: cellId, kind: 'note', marking: 'TOP SECRET//REL TO USA, GBR, JPN', content: buildContent({ fields: { title: 'TS note' } }) })).object;
  const mention = (sub: string, text: string) =>
    usa.call('comment:create', { workspaceId: cellId, onId: note.id, marking: 'TOP SECRET//NOFORN', text, mentions: [{ kind: 'person', sub }] });
  const toReader = await mention('usa-fdo', 'TSMENTIONREADER');
  const toSecret = await mention('usa-secret', 'TSMENTIONSECRET');
  // The same answer whether or not the person may read it: nothing of their clearance reaches the author.
  expect(toReader).toMatchObject({ ok: true, object: { kind: 'comment', marking: 'TOP SECRET//NOFORN' } });
  expect(toSecret).toMatchObject({ ok: true, object: { kind: 'comment', marking: 'TOP SECRET//NOFORN' } });
  expect(Object.keys(toSecret).sort()).toEqual(Object.keys(toReader).sort());
  const told = toReader as { object: Envelope };
  const untold = toSecret as { object: Envelope };
  await fdo.waitFor('notification', (n: Notification) => n.kind === 'mention' && n.objectId === told.object.id);
  await settle(usa, fdo, secret);
  expect(JSON.stringify(secret.frames)).not.toContain(untold.object.id);
  expect(JSON.stringify(await secret.ok('notifications:list', { workspaceId: cellId }))).not.toContain(untold.object.id);
});

test('a comment on a paragraph JPN may not see does not exist for JPN: same answer as a missing one', async () => {
  const hidden = await jpn.call('comment:create', { workspaceId: cellId, onId: nofornParagraph.id, marking: 'SECRET//REL TO USA, JPN', text: 'x' });
  const missing = await jpn.call('comment:create', { workspaceId: cellId, onId: 'no-such-object', marking: 'SECRET//REL TO USA, JPN', text: 'x' });
  expect(hidden).toEqual(missing);
});

test('mentions and replies notify those who may read them; a NOFORN comment reaches no partner', async () => {
  const noforn = (await usa.ok('comment:create', { workspaceId: cellId, onId: nofornParagraph.id, marking: 'SECRET//NOFORN', text: 'kestrel sighting NFCANARY' })).object;
  const shared = (
    await usa.ok('comment:create', { workspaceId: cellId, onId: sharedParagraph.id, marking: 'SECRET//REL TO USA, GBR, JPN', text: 'please check @JPN', mentions: [{ kind: 'nation', nation: 'JPN' }] })
  ).object;
  const mention = await jpn.waitFor('notification', (n: Notification) => n.kind === 'mention' && n.objectId === shared.id);
  expect(mention.actor).toEqual({ name: expect.any(String), nation: 'USA' });
  const reply = (await jpn.ok('comment:create', { workspaceId: cellId, onId: shared.id, marking: 'SECRET//REL TO USA, JPN', text: 'on it' })).object;
  await usa.waitFor('notification', (n: Notification) => n.kind === 'reply' && n.objectId === reply.id);
  await settle(usa, gbr, jpn);
  for (const partner of [gbr, jpn]) expect(JSON.stringify(partner.frames)).not.toContain(noforn.id);
  expect(JSON.stringify(gbr.frames)).not.toContain(reply.id);
  const listed = await jpn.ok('notifications:list', { workspaceId: cellId });
  expect(listed.notifications.map((n) => n.objectId)).toContain(shared.id);
  await jpn.ok('notifications:read', { workspaceId: cellId, ids: [mention.id] });
  const again = await jpn.ok('notifications:list', { workspaceId: cellId });
  expect(again.notifications.find((n) => n.id === mention.id)?.read).toBe(true);
});

test('resolving and reopening a thread is audited', async () => {
  const thread = (await usa.ok('comment:create', { workspaceId: cellId, onId: sharedParagraph.id, marking: 'SECRET//REL TO USA, GBR, JPN', text: 'done?' })).object;
  for (const resolved of [true, false]) {
    const { docs } = await usa.ok('doc:sync', { workspaceId: cellId, docs: [{ id: thread.id }] });
    const doc = new Y.Doc();
    Y.applyUpdate(doc, new Uint8Array(docs[0]!.update as Uint8Array));
    const sv = Y.encodeStateVector(doc);
    doc.getMap('fields').set('resolved', resolved);
    await usa.ok('doc:update', { workspaceId: cellId, id: thread.id, epoch: 0, update: Y.encodeStateAsUpdate(doc, sv) });
  }
  const { status, body } = await fetch(`${server.url}/api/workspaces/${cellId}/audit`, { headers: { authorization: `Bearer ${await tokenFor(server.url, 'usa-fdo')}` } }).then(async (r) => ({ status: r.status, body: (await r.json()) as { entries: { action: string; objectId: string }[] } }));
  expect(status).toBe(200);
  const actions = body.entries.filter((e) => e.objectId === thread.id).map((e) => e.action);
  expect(actions).toEqual(expect.arrayContaining(['comment.create', 'comment.resolve', 'comment.reopen']));
});

test('a release request notifies the FDO; the denial and its reason reach the requester, also when offline', async () => {
  const request = (await jpn.ok('release:request', { workspaceId: cellId, id: sharedParagraph.id, marking: 'SECRET//REL TO USA, GBR, JPN, KOR', justification: 'KOR liaison needs it' })).request;
  await fdo.waitFor('notification', (n: Notification) => n.kind === 'release_requested' && n.requestId === request.id);
  expect(notifications(usa.frames).some((n) => n.kind === 'release_requested')).toBe(false);
  jpn.close();
  await fdo.ok('release:decide', { workspaceId: cellId, requestId: request.id, decision: 'deny', reason: 'Source protection' });
  jpn = await connect(server.url, 'jpn-analyst');
  await jpn.ok('workspace:join', { workspaceId: cellId });
  const listed = await jpn.ok('notifications:list', { workspaceId: cellId });
  expect(listed.notifications[0]).toMatchObject({ kind: 'release_decided', outcome: 'denied', reason: 'Source protection', objectId: sharedParagraph.id, read: false });
});

test('notifications about an object narrowed away are no longer listed', async () => {
  const note = (await usa.ok('object:create', { workspaceId: cellId, kind: 'rfi', marking: 'SECRET//REL TO USA, GBR, JPN', content: buildContent({ fields: { title: 'Q' } }) })).object;
  const { docs } = await usa.ok('doc:sync', { workspaceId: cellId, docs: [{ id: note.id }] });
  const doc = new Y.Doc();
  Y.applyUpdate(doc, new Uint8Array(docs[0]!.update as Uint8Array));
  const sv = Y.encodeStateVector(doc);
  doc.getMap('fields').set('assignedNation', 'JPN');
  await usa.ok('doc:update', { workspaceId: cellId, id: note.id, epoch: 0, update: Y.encodeStateAsUpdate(doc, sv) });
  await jpn.waitFor('notification', (n: Notification) => n.kind === 'rfi_assigned' && n.objectId === note.id);
  await usa.ok('object:remark', { workspaceId: cellId, id: note.id, marking: 'SECRET//NOFORN' });
  const listed = await jpn.ok('notifications:list', { workspaceId: cellId });
  expect(JSON.stringify(listed)).not.toContain(note.id);
});

test('a release request (and its approval) may not make a comment wider than what it is on', async () => {
  const comment = (await usa.ok('comment:create', { workspaceId: cellId, onId: nofornParagraph.id, marking: 'SECRET//NOFORN', text: 'NFRELEASECANARY' })).object;
  const refused = await usa.call('release:request', { workspaceId: cellId, id: comment.id, marking: 'SECRET//REL TO USA, GBR', justification: 'GBR needs it' });
  expect(refused).toMatchObject({ ok: false, error: { code: 'bad_marking', message: expect.stringContaining('Mark it SECRET//NOFORN or narrower') } });
  expect((await usa.ok('release:list', { workspaceId: cellId })).mine.some((r: { objectId: string }) => r.objectId === comment.id)).toBe(false);
  // Requested while the paragraph was wide, approved after it narrowed: the approval fails, the comment stays.
  const paragraph = (await usa.ok('object:create', { workspaceId: cellId, kind: 'portion', parentId: sharedParagraph.parentId, marking: 'SECRET//REL TO USA, GBR', content: buildContent({ body: 'wide' }) })).object;
  const narrow = (await usa.ok('comment:create', { workspaceId: cellId, onId: paragraph.id, marking: 'SECRET//NOFORN', text: 'NFRELEASECANARY2' })).object;
  const request = (await usa.ok('release:request', { workspaceId: cellId, id: narrow.id, marking: 'SECRET//REL TO USA, GBR', justification: 'GBR needs it' })).request;
  await usa.ok('object:remark', { workspaceId: cellId, id: paragraph.id, marking: 'SECRET//NOFORN' });
  const decided = await fdo.call('release:decide', { workspaceId: cellId, requestId: request.id, decision: 'approve' });
  expect(JSON.stringify(decided)).toContain('Mark it SECRET//NOFORN or narrower');
  await settle();
  expect(JSON.stringify(gbr.frames)).not.toContain('NFRELEASECANARY');
  const { objects } = await usa.ok('workspace:join', { workspaceId: cellId });
  expect(objects.find((o: Envelope) => o.id === narrow.id)?.marking).toBe('SECRET//NOFORN');
});
