// Suggestions on another nation's paragraph over real sockets: by default a partner's direct edit
// of a USA paragraph is refused (`suggest_only`) and changes nothing; the change goes in as a
// suggestion, marked exactly like the paragraph, that a USA editor accepts (applied as GBR's edit,
// audited, GBR told) or rejects. A suggestion is seen by the paragraph's readers only; one on a
// hidden paragraph answers like a missing one. The cell's creator may allow direct editing.
import { afterAll, beforeAll, expect, test } from 'vitest';
import * as Y from 'yjs';
import { bodyOf, buildContent } from '../../shared/content';
import { bytesOf, type Envelope, type Notification, type WorkspaceSummary } from '../../shared/protocol';
import { opsForEdit } from '../../shared/suggestions';
import type { RunningServer } from '../../server/app';
import { connect, createCell, settle, startTestServer, tokenFor, type TestClient } from '../helpers/server';

let server: RunningServer;
let usa: TestClient;
let gbr: TestClient;
let jpn: TestClient;
let cell: WorkspaceSummary;
let report: Envelope;

beforeAll(async () => {
  server = await startTestServer();
  cell = await createCell(server.url, await tokenFor(server.url, 'usa-analyst'), { name: 'Suggestions', template: 'adhoc', members: ['USA', 'GBR', 'JPN'] });
  [usa, gbr, jpn] = (await Promise.all(['usa-analyst', 'gbr-analyst', 'jpn-analyst'].map((p) => connect(server.url, p)))) as [TestClient, TestClient, TestClient];
  for (const client of [usa, gbr, jpn]) await client.ok('workspace:join', { workspaceId: cell.id });
  report = (await usa.ok('object:create', { workspaceId: cell.id, kind: 'report', marking: 'SECRET//REL TO USA, GBR, JPN', content: buildContent({ fields: { title: 'Harbour' } }) })).object;
});
afterAll(async () => {
  for (const client of [usa, gbr, jpn]) client.close();
  await server.close();
});

async function paragraph(marking: string, body: string): Promise<Envelope> {
  return (await usa.ok('object:create', { workspaceId: cell.id, kind: 'portion', parentId: report.id, marking, content: buildContent({ body }) })).object;
}

/** The client's replica of an object as the server sends it. */
async function replicaOf(client: TestClient, id: string): Promise<Y.Doc> {
  const { docs } = await client.ok('doc:sync', { workspaceId: cell.id, docs: [{ id }] });
  const doc = new Y.Doc();
  Y.applyUpdate(doc, bytesOf(docs[0]!.update));
  return doc;
}

async function textOf(client: TestClient, id: string): Promise<string> {
  return bodyOf(await replicaOf(client, id)).toString();
}

/** Ops turning the paragraph's text, as `client` holds it, into `after`. */
async function opsFor(client: TestClient, id: string, after: string) {
  return opsForEdit(bodyOf(await replicaOf(client, id)), after);
}

async function directEdit(client: TestClient, id: string, change: (text: Y.Text) => void) {
  const doc = await replicaOf(client, id);
  const before = Y.encodeStateVector(doc);
  change(bodyOf(doc));
  return client.call('doc:update', { workspaceId: cell.id, id, epoch: 0, update: Y.encodeStateAsUpdate(doc, before) });
}

async function auditOf(id: string): Promise<{ action: string; objectId: string; actor: { sub: string }; detail: Record<string, unknown> }[]> {
  const response = await fetch(`${server.url}/api/workspaces/${cell.id}/audit`, { headers: { authorization: `Bearer ${await tokenFor(server.url, 'usa-fdo')}` } });
  const body = (await response.json()) as { entries: { action: string; objectId: string; actor: { sub: string }; detail: Record<string, unknown> }[] };
  return body.entries.filter((entry) => entry.objectId === id || entry.detail.on === id);
}

test('by default a partner’s direct edit of a USA paragraph is refused with suggest_only and changes nothing', async () => {
  const shared = await paragraph('SECRET//REL TO USA, GBR, JPN', 'Two frigates in port.');
  const answer = await directEdit(gbr, shared.id, (text) => text.insert(0, 'GBR-DIRECT '));
  expect(answer).toEqual({
    ok: false,
    error: { code: 'suggest_only', message: expect.stringContaining('This paragraph was written by USA') },
  });
  expect(await textOf(usa, shared.id)).toBe('Two frigates in port.');
  // The originator's own editors still write directly.
  expect(await directEdit(usa, shared.id, (text) => text.insert(0, 'Update: '))).toMatchObject({ ok: true });
});

test('a suggestion accepted by a USA editor is applied as GBR’s edit, audited, and GBR is told', async () => {
  const shared = await paragraph('SECRET//REL TO USA, GBR, JPN', 'Two frigates left the harbour at dawn.');
  const ops = await opsFor(gbr, shared.id, 'Three frigates left the northern harbour at dawn.');
  const { object: suggestion } = await gbr.ok('suggestion:create', { workspaceId: cell.id, onId: shared.id, ops });
  expect(suggestion).toMatchObject({ kind: 'suggestion', parentId: shared.id, marking: shared.marking, originator: 'USA', createdBy: 'gbr-analyst' });
  const told = await usa.waitFor('notification', (n: Notification) => n.kind === 'suggestion_made' && n.objectId === shared.id);
  expect(told.actor).toMatchObject({ nation: 'GBR' });
  // Someone types elsewhere in the meantime: the suggestion still lands where it was meant.
  expect(await directEdit(usa, shared.id, (text) => text.insert(text.length, ' Confirmed.'))).toMatchObject({ ok: true });

  expect(await gbr.call('suggestion:decide', { workspaceId: cell.id, id: suggestion.id, decision: 'accept' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  expect(await usa.ok('suggestion:decide', { workspaceId: cell.id, id: suggestion.id, decision: 'accept' })).toEqual({ ok: true, applied: true });
  expect(await textOf(jpn, shared.id)).toBe('Three frigates left the northern harbour at dawn. Confirmed.');
  for (const client of [usa, gbr, jpn]) await client.waitFor('object:removed', (body: { id: string }) => body.id === suggestion.id);
  const decided = await gbr.waitFor('notification', (n: Notification) => n.kind === 'suggestion_decided' && n.objectId === shared.id);
  expect(decided).toMatchObject({ outcome: 'accepted', actor: { nation: 'USA' } });

  const trail = await auditOf(suggestion.id);
  expect(trail.map((entry) => entry.action)).toEqual(expect.arrayContaining(['suggestion.create', 'suggestion.accept']));
  expect(trail.find((entry) => entry.action === 'suggestion.accept')).toMatchObject({ actor: { sub: 'usa-analyst' }, detail: { on: shared.id, author: 'gbr-analyst' } });
  // Decided once: a second decision finds nothing.
  expect(await usa.call('suggestion:decide', { workspaceId: cell.id, id: suggestion.id, decision: 'accept' })).toMatchObject({ ok: false, error: { code: 'not_found' } });
});

test('a rejected suggestion changes nothing, leaves every client, is audited and its author is told', async () => {
  const shared = await paragraph('SECRET//REL TO USA, GBR, JPN', 'Escort strength unknown.');
  const { object: suggestion } = await jpn.ok('suggestion:create', { workspaceId: cell.id, onId: shared.id, ops: await opsFor(jpn, shared.id, 'Escort strength two destroyers.') });
  await gbr.waitFor('object:added', (e: Envelope) => e.id === suggestion.id);
  expect(await gbr.call('suggestion:decide', { workspaceId: cell.id, id: suggestion.id, decision: 'reject' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  expect(await usa.ok('suggestion:decide', { workspaceId: cell.id, id: suggestion.id, decision: 'reject' })).toEqual({ ok: true, applied: false });
  expect(await textOf(usa, shared.id)).toBe('Escort strength unknown.');
  await gbr.waitFor('object:removed', (body: { id: string }) => body.id === suggestion.id);
  await jpn.waitFor('notification', (n: Notification) => n.kind === 'suggestion_decided' && n.outcome === 'rejected' && n.objectId === shared.id);
  expect((await auditOf(suggestion.id)).map((entry) => entry.action)).toContain('suggestion.reject');
});

test('a suggestion whose text was changed since conflicts on accept, in words, and changes nothing', async () => {
  const shared = await paragraph('SECRET//REL TO USA, GBR, JPN', 'Convoy leaves at dawn.');
  const { object: suggestion } = await gbr.ok('suggestion:create', { workspaceId: cell.id, onId: shared.id, ops: await opsFor(gbr, shared.id, 'Convoy leaves at noon.') });
  expect(await directEdit(usa, shared.id, (text) => text.delete(text.toString().indexOf('dawn'), 4))).toMatchObject({ ok: true });
  const answer = await usa.call('suggestion:decide', { workspaceId: cell.id, id: suggestion.id, decision: 'accept' });
  expect(answer).toMatchObject({ ok: false, error: { code: 'conflict', message: expect.stringContaining('has changed where this suggestion applies') } });
  expect(await textOf(usa, shared.id)).toBe('Convoy leaves at .');
  // Its author withdraws it.
  expect(await gbr.ok('suggestion:decide', { workspaceId: cell.id, id: suggestion.id, decision: 'reject' })).toEqual({ ok: true, applied: false });
});

test('a suggestion on a paragraph hidden from JPN: the same answer as a missing one, and JPN gets no frame of it', async () => {
  const jpnFrom = jpn.frames.length;
  const hidden = await paragraph('SECRET//REL TO USA, GBR', 'Source: harbour master CANARY-HIDDEN.');
  const fakeOps = [{ kind: 'insert', at: 'AAAA', after: 'AAAA', text: 'x' }];
  const onHidden = await jpn.call('suggestion:create', { workspaceId: cell.id, onId: hidden.id, ops: fakeOps });
  const onMissing = await jpn.call('suggestion:create', { workspaceId: cell.id, onId: 'no-such-paragraph', ops: fakeOps });
  expect(onHidden).toEqual(onMissing);
  expect(onHidden).toMatchObject({ ok: false, error: { code: 'not_found' } });

  const { object: suggestion } = await gbr.ok('suggestion:create', { workspaceId: cell.id, onId: hidden.id, ops: await opsFor(gbr, hidden.id, 'Source: harbour master (reliable) CANARY-HIDDEN.') });
  await usa.waitFor('notification', (n: Notification) => n.kind === 'suggestion_made' && n.objectId === hidden.id);
  const decideHidden = await jpn.call('suggestion:decide', { workspaceId: cell.id, id: suggestion.id, decision: 'reject' });
  const decideMissing = await jpn.call('suggestion:decide', { workspaceId: cell.id, id: 'no-such-suggestion', decision: 'reject' });
  expect(decideHidden).toEqual(decideMissing);
  expect(await usa.ok('suggestion:decide', { workspaceId: cell.id, id: suggestion.id, decision: 'accept' })).toEqual({ ok: true, applied: true });
  await settle(usa, gbr, jpn);
  const seen = JSON.stringify(jpn.frames.slice(jpnFrom));
  for (const secret of [hidden.id, suggestion.id, 'CANARY-HIDDEN', 'reliable']) expect(seen).not.toContain(secret);
  const listed = await jpn.ok('notifications:list', { workspaceId: cell.id });
  expect(JSON.stringify(listed)).not.toContain(hidden.id);
});

test('a suggestion is marked exactly like its paragraph, never wider: it cannot be re-marked, written or created by object:create', async () => {
  const narrow = await paragraph('SECRET//REL TO USA, GBR', 'Two frigates.');
  const { object: suggestion } = await gbr.ok('suggestion:create', { workspaceId: cell.id, onId: narrow.id, ops: await opsFor(gbr, narrow.id, 'Three frigates.') });
  expect(suggestion.marking).toBe('SECRET//REL TO USA, GBR');
  expect(await usa.call('object:remark', { workspaceId: cell.id, id: suggestion.id, marking: 'SECRET//REL TO USA, GBR, JPN' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  const doc = await replicaOf(usa, suggestion.id);
  const before = Y.encodeStateVector(doc);
  doc.getMap('fields').set('ops', []);
  expect(await usa.call('doc:update', { workspaceId: cell.id, id: suggestion.id, epoch: 0, update: Y.encodeStateAsUpdate(doc, before) })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  expect(await gbr.call('object:create', { workspaceId: cell.id, kind: 'suggestion', parentId: narrow.id, marking: 'SECRET//REL TO USA, GBR, JPN' })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
  expect(await usa.call('tearline:create', { workspaceId: cell.id, sourceId: suggestion.id })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
});

test('a suggestion made before the paragraph was released wider cannot be accepted into the wider paragraph', async () => {
  const narrow = await paragraph('SECRET//REL TO USA, GBR', 'Patrol at the north berth.');
  const { object: suggestion } = await gbr.ok('suggestion:create', { workspaceId: cell.id, onId: narrow.id, ops: await opsFor(gbr, narrow.id, 'Patrol at the north berth, GBR-ONLY-DETAIL.') });
  const fdo = await connect(server.url, 'usa-fdo');
  await fdo.ok('workspace:join', { workspaceId: cell.id });
  await fdo.ok('object:remark', { workspaceId: cell.id, id: narrow.id, marking: 'SECRET//REL TO USA, GBR, JPN' });
  fdo.close();
  const answer = await usa.call('suggestion:decide', { workspaceId: cell.id, id: suggestion.id, decision: 'accept' });
  expect(answer).toMatchObject({ ok: false, error: { code: 'conflict', message: expect.stringContaining('was made while the paragraph was marked SECRET//REL TO USA, GBR') } });
  expect(await textOf(jpn, narrow.id)).toBe('Patrol at the north berth.');
});

test('only the cell’s creator or an administrator switches to direct editing; audited; then partners edit directly', async () => {
  const shared = await paragraph('SECRET//REL TO USA, GBR, JPN', 'Direct line.');
  expect(await gbr.call('workspace:settings', { workspaceId: cell.id, crossNationEditing: 'direct' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  expect(await usa.call('workspace:settings', { workspaceId: cell.id, crossNationEditing: 'sometimes' })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
  const { workspace } = await usa.ok('workspace:settings', { workspaceId: cell.id, crossNationEditing: 'direct' });
  expect(workspace.crossNationEditing).toBe('direct');
  await gbr.waitFor('workspace:changed', (w: WorkspaceSummary) => w.crossNationEditing === 'direct');
  expect(await directEdit(gbr, shared.id, (text) => text.insert(0, 'GBR: '))).toMatchObject({ ok: true });
  expect(await textOf(usa, shared.id)).toBe('GBR: Direct line.');
  const response = await fetch(`${server.url}/api/workspaces/${cell.id}/audit`, { headers: { authorization: `Bearer ${await tokenFor(server.url, 'usa-fdo')}` } });
  const { entries } = (await response.json()) as { entries: { action: string; detail: Record<string, unknown> }[] };
  expect(entries.filter((e) => e.action === 'workspace.settings').map((e) => e.detail)).toEqual([{ crossNationEditing: 'direct' }]);
  await usa.ok('workspace:settings', { workspaceId: cell.id, crossNationEditing: 'suggest' });
  expect((await directEdit(gbr, shared.id, (text) => text.insert(0, 'again '))).ok).toBe(false);
});
