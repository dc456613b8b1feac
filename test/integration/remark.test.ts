// Re-marking: narrowing removes, widening starts a clean epoch; presence and attribute changes.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { bytesOf } from '../../shared/protocol';
import * as Y from 'yjs';
import { bodyOf, buildContent } from '../../shared/content';
import type { Envelope, WorkspaceSummary } from '../../shared/protocol';
import type { RunningServer } from '../../server/app';
import { connect, createCell, settle, startTestServer, tokenFor, type TestClient } from '../helpers/server';

let server: RunningServer;
let cell: WorkspaceSummary;

const latin1 = (frames: TestClient['frames']) =>
  frames.map((f) => JSON.stringify(f.payload, (_k, v) => (v instanceof Uint8Array || v?.type === 'Buffer' ? Buffer.from(v.data ?? v).toString('latin1') : v))).join('\n');

async function textOf(client: TestClient, id: string): Promise<{ epoch: number; text: string }> {
  const { docs } = await client.ok('doc:sync', { workspaceId: cell.id, docs: [{ id }] });
  const doc = new Y.Doc();
  Y.applyUpdate(doc, bytesOf(docs[0]!.update));
  return { epoch: docs[0]!.epoch, text: bodyOf(doc).toString() };
}

async function edit(client: TestClient, object: Envelope, change: (doc: Y.Doc) => void, epoch = object.epoch) {
  const { docs } = await client.ok('doc:sync', { workspaceId: cell.id, docs: [{ id: object.id }] });
  const doc = new Y.Doc();
  Y.applyUpdate(doc, bytesOf(docs[0]!.update));
  const before = Y.encodeStateVector(doc);
  change(doc);
  return client.call('doc:update', { workspaceId: cell.id, id: object.id, epoch, update: Y.encodeStateAsUpdate(doc, before) });
}

beforeAll(async () => {
  server = await startTestServer();
  cell = await createCell(server.url, await tokenFor(server.url, 'usa-analyst'), {
    name: 'Re-marking',
    template: 'adhoc',
    members: ['USA', 'GBR', 'AUS', 'JPN'],
  });
});
afterAll(async () => {
  await server.close();
});

test('narrowing removes the object from the levels that lose it, at once', async () => {
  const [usa, gbr, aus] = await Promise.all(['usa-analyst', 'gbr-analyst', 'aus-analyst'].map((p) => connect(server.url, p)));
  for (const c of [usa!, gbr!, aus!]) await c.ok('workspace:join', { workspaceId: cell.id });
  const { object } = await usa!.ok('object:create', {
    workspaceId: cell.id,
    kind: 'note',
    marking: 'SECRET//REL TO USA, GBR, AUS',
    content: buildContent({ body: 'three nations' }),
  });
  await aus!.waitFor('object:added', (e) => e.id === object.id);
  const { object: narrowed } = await usa!.ok('object:remark', { workspaceId: cell.id, id: object.id, marking: 'SECRET//REL TO USA, GBR' });
  expect(narrowed.epoch).toBe(0);
  await aus!.waitFor('object:removed', (b) => b.id === object.id);
  await gbr!.waitFor('object:changed', (e) => e.id === object.id && e.marking === 'SECRET//REL TO USA, GBR');
  expect((await aus!.ok('doc:sync', { workspaceId: cell.id, docs: [{ id: object.id }] })).missing).toEqual([object.id]);
  // Later edits reach GBR and never AUS.
  expect(await edit(gbr!, narrowed, (d) => bodyOf(d).insert(0, 'CANARY-AFTER-NARROW '))).toMatchObject({ ok: true });
  await gbr!.ok('doc:sync', { workspaceId: cell.id, docs: [] });
  await settle(usa!, aus!);
  expect(latin1(aus!.frames.filter((f) => f.at >= 0 && f.event === 'doc:update'))).not.toContain('CANARY-AFTER-NARROW');
  for (const c of [usa!, gbr!, aus!]) c.close();
});

test('widening starts a new epoch with no deleted text, and the old audience keeps every acknowledged edit', async () => {
  const [fdo, gbr, jpn] = await Promise.all(['usa-fdo', 'gbr-analyst', 'jpn-analyst'].map((p) => connect(server.url, p)));
  for (const c of [fdo!, gbr!, jpn!]) await c.ok('workspace:join', { workspaceId: cell.id });
  const { object } = await fdo!.ok('object:create', {
    workspaceId: cell.id,
    kind: 'note',
    marking: 'SECRET//REL TO USA, GBR',
    content: buildContent({ body: 'Keep this. ' }),
  });
  // A sensitive line typed, then deleted before the release.
  expect(await edit(fdo!, object, (d) => bodyOf(d).insert(0, 'DELETED-CANARY-SOURCE '))).toMatchObject({ ok: true });
  expect(await edit(fdo!, object, (d) => bodyOf(d).delete(0, 'DELETED-CANARY-SOURCE '.length))).toMatchObject({ ok: true });
  expect(await edit(gbr!, object, (d) => bodyOf(d).insert(bodyOf(d).length, 'GBR acked edit.'))).toMatchObject({ ok: true });

  const { object: widened } = await fdo!.ok('object:remark', {
    workspaceId: cell.id,
    id: object.id,
    marking: 'SECRET//REL TO USA, GBR, JPN',
  });
  expect(widened.epoch).toBe(1);
  const reset = await gbr!.waitFor('doc:reset', (b) => b.id === object.id);
  expect(reset.epoch).toBe(1);
  const resetDoc = new Y.Doc();
  Y.applyUpdate(resetDoc, bytesOf(reset.update));
  expect(bodyOf(resetDoc).toString()).toBe('Keep this. GBR acked edit.');

  await jpn!.waitFor('object:added', (e) => e.id === object.id);
  const seen = await textOf(jpn!, object.id);
  expect(seen).toEqual({ epoch: 1, text: 'Keep this. GBR acked edit.' });
  expect(latin1(jpn!.frames)).not.toContain('DELETED-CANARY');
  const { docs } = await jpn!.ok('doc:sync', { workspaceId: cell.id, docs: [{ id: object.id }] });
  expect(Buffer.from(docs[0]!.update).toString('latin1')).not.toContain('DELETED-CANARY');

  // The old epoch is closed; the new one takes edits from everyone in the new audience.
  const stale = await edit(gbr!, object, (d) => bodyOf(d).insert(0, 'late '), 0);
  expect(stale).toMatchObject({ ok: false, error: { code: 'conflict' } });
  expect(await edit(jpn!, widened, (d) => bodyOf(d).insert(0, 'JPN: '))).toMatchObject({ ok: true });
  expect((await textOf(gbr!, object.id)).text).toBe('JPN: Keep this. GBR acked edit.');
  for (const c of [fdo!, gbr!, jpn!]) c.close();
});

test('a portion is visible only with its report; presence into it is stripped for others', async () => {
  const [usa, aus] = await Promise.all(['usa-analyst', 'aus-analyst'].map((p) => connect(server.url, p)));
  for (const c of [usa!, aus!]) await c.ok('workspace:join', { workspaceId: cell.id });
  const { object: report } = await usa!.ok('object:create', { workspaceId: cell.id, kind: 'report', marking: 'SECRET//NOFORN' });
  const { object: portion } = await usa!.ok('object:create', {
    workspaceId: cell.id,
    kind: 'portion',
    parentId: report.id,
    marking: 'SECRET//REL TO USA, AUS',
  });
  await settle(usa!, aus!);
  expect(JSON.stringify(aus!.frames)).not.toContain(portion.id);
  expect(await aus!.call('awareness:update', { workspaceId: cell.id, state: { objectId: portion.id } })).toMatchObject({
    ok: false,
    error: { code: 'not_found' },
  });

  await usa!.ok('awareness:update', { workspaceId: cell.id, state: { objectId: portion.id, cursor: { anchor: 3 } } });
  const seen = await aus!.waitFor('awareness', (b) => b.states.some((s: { sub: string }) => s.sub === 'usa-analyst'));
  const state = seen.states.find((s: { sub: string }) => s.sub === 'usa-analyst');
  expect(state).toMatchObject({ nation: 'USA', name: expect.any(String) });
  expect(state.objectId).toBeUndefined();
  expect(state.cursor).toBeUndefined();
  expect(JSON.stringify(aus!.frames)).not.toContain(portion.id);

  // Releasing the report (an FDO widening) brings the portion along for AUS.
  const fdo = await connect(server.url, 'usa-fdo');
  await fdo.ok('workspace:join', { workspaceId: cell.id });
  await fdo.ok('object:remark', { workspaceId: cell.id, id: report.id, marking: 'SECRET//REL TO USA, AUS' });
  await aus!.waitFor('object:added', (e) => e.id === report.id);
  await aus!.waitFor('object:added', (e) => e.id === portion.id);
  // Narrowing it again removes both.
  await usa!.ok('object:remark', { workspaceId: cell.id, id: report.id, marking: 'SECRET//NOFORN' });
  await aus!.waitFor('object:removed', (b) => b.id === portion.id);
  await aus!.waitFor('object:removed', (b) => b.id === report.id);
  for (const c of [usa!, aus!, fdo]) c.close();
});

test('a participant whose clearance drops moves rooms at once', async () => {
  const usa = await connect(server.url, 'usa-analyst');
  await usa.ok('workspace:join', { workspaceId: cell.id });
  const { object } = await usa.ok('object:create', { workspaceId: cell.id, kind: 'note', marking: 'TOP SECRET//NOFORN' });
  const lowered = await tokenFor(server.url, 'usa-analyst', { overrides: { clearance: 'SECRET' } });
  const { level } = await usa.ok('session:refresh', { token: lowered });
  expect(level).toBe('USA|S|');
  await usa.waitFor('object:removed', (b) => b.id === object.id);
  expect((await usa.ok('doc:sync', { workspaceId: cell.id, docs: [{ id: object.id }] })).missing).toEqual([object.id]);
  const other = await connect(server.url, 'usa-fdo');
  await other.ok('workspace:join', { workspaceId: cell.id });
  const before = usa.frames.length;
  await edit(other, object, (d) => bodyOf(d).insert(0, 'TS-CANARY '));
  await settle(usa, other);
  expect(latin1(usa.frames.slice(before))).not.toContain('TS-CANARY');
  usa.close();
  other.close();
});

test('DISPLAY ONLY → REL TO hands over a copy: an analyst may not do it, only an FDO', async () => {
  const [usa, fdo, gbr] = await Promise.all(['usa-analyst', 'usa-fdo', 'gbr-analyst'].map((p) => connect(server.url, p)));
  for (const c of [usa!, fdo!, gbr!]) await c.ok('workspace:join', { workspaceId: cell.id });
  const { object } = await usa!.ok('object:create', {
    workspaceId: cell.id,
    kind: 'note',
    marking: 'SECRET//DISPLAY ONLY GBR',
    content: buildContent({ body: 'for GBR eyes, not GBR files' }),
  });
  const refused = await usa!.call('object:remark', { workspaceId: cell.id, id: object.id, marking: 'SECRET//REL TO USA, GBR' });
  expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden', message: expect.stringContaining('foreign disclosure officer') } });
  // Nothing changed: GBR still may not export it.
  const exported = await fetch(`${server.url}/api/workspaces/${cell.id}/objects/${object.id}/export`, {
    headers: { authorization: `Bearer ${await tokenFor(server.url, 'gbr-analyst')}` },
  });
  expect(exported.status).toBe(403);
  // The FDO may.
  const { object: released } = await fdo!.ok('object:remark', { workspaceId: cell.id, id: object.id, marking: 'SECRET//REL TO USA, GBR' });
  expect(released.marking).toBe('SECRET//REL TO USA, GBR');
  for (const c of [usa!, fdo!, gbr!]) c.close();
});

test('two officers re-marking at once: one who says which marking they saw (`from`) and saw an older one gets conflict, not a silent overwrite', async () => {
  const [fdo, analyst] = await Promise.all(['usa-fdo', 'usa-analyst'].map((p) => connect(server.url, p)));
  for (const c of [fdo!, analyst!]) await c.ok('workspace:join', { workspaceId: cell.id });
  const { object } = await analyst!.ok('object:create', { workspaceId: cell.id, kind: 'note', marking: 'SECRET//REL TO USA, GBR', content: buildContent({ body: 'x' }) });
  // Both decide from REL TO USA, GBR; both requests are sent together, so the second is carried out after the first.
  const [widened, narrowed] = await Promise.all([
    fdo!.call('object:remark', { workspaceId: cell.id, id: object.id, marking: 'SECRET//REL TO USA, GBR, AUS', from: object.marking }),
    analyst!.call('object:remark', { workspaceId: cell.id, id: object.id, marking: 'SECRET//NOFORN', from: object.marking }),
  ]);
  expect(widened).toMatchObject({ ok: true, object: { marking: 'SECRET//REL TO USA, AUS, GBR' } });
  expect(narrowed).toEqual({ ok: false, error: { code: 'conflict', message: expect.stringContaining('changed since you saw it') } });
  const audited = await server.ctx.audit.listForObject(object.id);
  expect(audited.filter((entry) => entry.action === 'object.remark')).toHaveLength(1);
  // Decided from the marking it has now, it is carried out; without `from`, as before.
  await analyst!.ok('object:remark', { workspaceId: cell.id, id: object.id, marking: 'SECRET//NOFORN', from: 'SECRET//REL TO USA, AUS, GBR' });
  await analyst!.ok('object:remark', { workspaceId: cell.id, id: object.id, marking: 'TOP SECRET//NOFORN' });
  for (const c of [fdo!, analyst!]) c.close();
});
