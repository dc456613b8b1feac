// The release workflow end to end on a real server: requests reach the originator's FDOs live,
// decisions re-mark (new epoch, no deleted text), denials carry reasons, tearlines keep their
// link private, the audit trail and the figures show only what the caller may see.
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { bytesOf } from '../../shared/protocol';
import * as Y from 'yjs';
import { bodyOf, buildContent } from '../../shared/content';
import type { Envelope, ReleaseRequest, WorkspaceSummary } from '../../shared/protocol';
import type { RunningServer } from '../../server/app';
import { api, connect, createCell, settle, startTestServer, tokenFor, type TestClient } from '../helpers/server';

let server: RunningServer;
let cell: WorkspaceSummary;
let usa: TestClient, fdo: TestClient, gbrFdo: TestClient, aus: TestClient, jpn: TestClient;

const latin1 = (client: TestClient) =>
  client.frames.map((f) => JSON.stringify(f.payload, (_k, v) => (v?.type === 'Buffer' ? Buffer.from(v.data).toString('latin1') : v))).join('\n');

async function textOf(client: TestClient, id: string): Promise<string> {
  const { docs } = await client.ok('doc:sync', { workspaceId: cell.id, docs: [{ id }] });
  const doc = new Y.Doc();
  Y.applyUpdate(doc, bytesOf(docs[0]!.update));
  return bodyOf(doc).toString();
}

async function edit(client: TestClient, object: Envelope, change: (text: Y.Text) => void): Promise<void> {
  const { docs } = await client.ok('doc:sync', { workspaceId: cell.id, docs: [{ id: object.id }] });
  const doc = new Y.Doc();
  Y.applyUpdate(doc, bytesOf(docs[0]!.update));
  const sv = Y.encodeStateVector(doc);
  change(bodyOf(doc));
  await client.ok('doc:update', { workspaceId: cell.id, id: object.id, epoch: docs[0]!.epoch, update: Y.encodeStateAsUpdate(doc, sv) });
}

async function note(marking: string, body: string, by = usa): Promise<Envelope> {
  return (await by.ok('object:create', { workspaceId: cell.id, kind: 'note', marking, content: buildContent({ body }) })).object;
}

beforeAll(async () => {
  server = await startTestServer();
  cell = await createCell(server.url, await tokenFor(server.url, 'usa-fdo'), {
    name: 'Release desk',
    template: 'adhoc',
    members: ['USA', 'GBR', 'AUS', 'JPN'],
  });
  [usa, fdo, gbrFdo, aus, jpn] = (await Promise.all(
    ['usa-analyst', 'usa-fdo', 'gbr-fdo', 'aus-analyst', 'jpn-analyst'].map((p) => connect(server.url, p)),
  )) as [TestClient, TestClient, TestClient, TestClient, TestClient];
  for (const c of [usa, fdo, gbrFdo, aus, jpn]) await c.ok('workspace:join', { workspaceId: cell.id });
});
afterAll(async () => {
  for (const c of [usa, fdo, gbrFdo, aus, jpn]) c.close();
  await server.close();
});

describe('requests and decisions', () => {
  test('a request reaches the originator FDOs live; approval releases a clean new epoch to the new audience', async () => {
    const object = await note('SECRET//REL TO USA, AUS', 'Convoy sighted. ');
    await edit(usa, object, (t) => t.insert(0, 'SOURCE-CANARY-DELETED '));
    await edit(usa, object, (t) => t.delete(0, 'SOURCE-CANARY-DELETED '.length));
    await edit(aus, object, (t) => t.insert(t.length, 'AUS acked edit.'));

    const { request } = await aus.ok('release:request', {
      workspaceId: cell.id,
      id: object.id,
      marking: 'SECRET//REL TO USA, AUS, JPN',
      justification: 'JPN maritime forces need this for tonight.',
    });
    expect(request).toMatchObject({ state: 'pending', originator: 'USA', targetMarking: 'SECRET//REL TO USA, AUS, JPN' });
    expect(Date.parse(request.deadline) - Date.parse(request.requestedAt)).toBe(72 * 3600_000);
    await fdo.waitFor('release:changed', (r: ReleaseRequest) => r.id === request.id && r.state === 'pending');
    await settle(gbrFdo, jpn);
    // The GBR FDO is not the originator's FDO; JPN may not even know the object exists.
    expect(JSON.stringify(gbrFdo.frames.filter((f) => f.event === 'release:changed'))).not.toContain(request.id);
    expect(latin1(jpn)).not.toContain(object.id);
    const { inbox } = await fdo.ok('release:list', { workspaceId: cell.id });
    expect(inbox.map((r) => r.id)).toContain(request.id);
    expect((await gbrFdo.ok('release:list', { workspaceId: cell.id })).inbox).toEqual([]);

    const { request: approved } = await fdo.ok('release:decide', { workspaceId: cell.id, requestId: request.id, decision: 'approve' });
    expect(approved.state).toBe('approved');
    await aus.waitFor('release:changed', (r: ReleaseRequest) => r.id === request.id && r.state === 'approved');
    await jpn.waitFor('object:added', (e: Envelope) => e.id === object.id && e.epoch === 1);
    expect(await textOf(jpn, object.id)).toBe('Convoy sighted. AUS acked edit.');
    expect(latin1(jpn)).not.toContain('SOURCE-CANARY');
    await aus.waitFor('doc:reset', (b) => b.id === object.id && b.epoch === 1);
    expect(await textOf(aus, object.id)).toBe('Convoy sighted. AUS acked edit.');
  });

  test('forbidden decisions: a non-FDO, an FDO of another nation; approving after withdrawal', async () => {
    const object = await note('SECRET//REL TO USA, GBR', 'Port status.');
    const { request } = await gbrFdo.ok('release:request', {
      workspaceId: cell.id,
      id: object.id,
      marking: 'SECRET//REL TO USA, GBR, AUS',
      justification: 'AUS liaison asked.',
    });
    expect(await usa.call('release:decide', { workspaceId: cell.id, requestId: request.id, decision: 'approve' })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    expect(await gbrFdo.call('release:decide', { workspaceId: cell.id, requestId: request.id, decision: 'approve' })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    expect(await fdo.call('release:decide', { workspaceId: cell.id, requestId: request.id, decision: 'withdraw' })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    await gbrFdo.ok('release:decide', { workspaceId: cell.id, requestId: request.id, decision: 'withdraw' });
    expect(await fdo.call('release:decide', { workspaceId: cell.id, requestId: request.id, decision: 'approve' })).toMatchObject({
      ok: false,
      error: { code: 'conflict' },
    });
    expect(await aus.call('doc:sync', { workspaceId: cell.id, docs: [{ id: object.id }] })).toMatchObject({ ok: true, missing: [object.id] });
  });

  test('a denial needs a reason, and the requester sees it', async () => {
    const object = await note('SECRET//REL TO USA, AUS', 'Source-sensitive detail.');
    const { request } = await aus.ok('release:request', {
      workspaceId: cell.id,
      id: object.id,
      marking: 'SECRET//REL TO USA, AUS, JPN',
      justification: 'Share with JPN.',
    });
    expect(await fdo.call('release:decide', { workspaceId: cell.id, requestId: request.id, decision: 'deny' })).toMatchObject({
      ok: false,
      error: { code: 'bad_request' },
    });
    expect(await fdo.call('release:decide', { workspaceId: cell.id, requestId: request.id, decision: 'deny', reason: '   ' })).toMatchObject({
      ok: false,
      error: { code: 'bad_request' },
    });
    await fdo.ok('release:decide', { workspaceId: cell.id, requestId: request.id, decision: 'deny', reason: 'Reveals a collection source.' });
    const seen = await aus.waitFor('release:changed', (r: ReleaseRequest) => r.id === request.id && r.state === 'denied');
    expect(seen.reason).toBe('Reveals a collection source.');
    const { mine } = await aus.ok('release:list', { workspaceId: cell.id });
    expect(mine.find((r) => r.id === request.id)).toMatchObject({ state: 'denied', reason: 'Reveals a collection source.' });
  });
});

describe('tearlines', () => {
  test('a tearline copies current content only, keeps the source originator, and shows its link only to those who see the source', async () => {
    const source = await note('SECRET//REL TO USA, AUS', 'Releasable summary. ');
    await edit(usa, source, (t) => t.insert(t.length, 'TEARLINE-CANARY-DELETED'));
    await edit(usa, source, (t) => t.delete(t.length - 'TEARLINE-CANARY-DELETED'.length, 'TEARLINE-CANARY-DELETED'.length));
    const { object: tearline } = await aus.ok('tearline:create', { workspaceId: cell.id, sourceId: source.id });
    expect(tearline).toMatchObject({ sourceId: source.id, originator: 'USA', marking: 'SECRET//REL TO USA, AUS', epoch: 0 });
    const { docs } = await aus.ok('doc:sync', { workspaceId: cell.id, docs: [{ id: tearline.id }] });
    expect(Buffer.from(docs[0]!.update).toString('latin1')).not.toContain('TEARLINE-CANARY');
    await edit(aus, tearline, (t) => t.insert(0, 'Sanitised: '));
    // AUS asks; the US FDO (the source's originator) releases it to JPN.
    const { request } = await aus.ok('release:request', {
      workspaceId: cell.id,
      id: tearline.id,
      marking: 'SECRET//REL TO USA, AUS, JPN',
      justification: 'Sanitised for JPN.',
    });
    await fdo.ok('release:decide', { workspaceId: cell.id, requestId: request.id, decision: 'approve' });
    const added = await jpn.waitFor('object:added', (e: Envelope) => e.id === tearline.id);
    expect(added.sourceId).toBeUndefined();
    expect(await textOf(jpn, tearline.id)).toBe('Sanitised: Releasable summary. ');
    expect(latin1(jpn)).not.toContain(source.id);
    expect(latin1(jpn)).not.toContain('TEARLINE-CANARY');
    const ausView = (await aus.ok('workspace:join', { workspaceId: cell.id })).objects.find((e) => e.id === tearline.id);
    expect(ausView?.sourceId).toBe(source.id);
  });
  test('a report\'s tearline copies the portions its creator may see, in order, each with its own marking and a private link', async () => {
    const { object: report } = await usa.ok('object:create', {
      workspaceId: cell.id,
      kind: 'report',
      marking: 'SECRET//REL TO USA, AUS',
      content: buildContent({ fields: { title: 'Port activity' } }),
    });
    const portion = async (marking: string, body: string) =>
      (await usa.ok('object:create', { workspaceId: cell.id, kind: 'portion', parentId: report.id, marking, content: buildContent({ body }) })).object;
    const first = await portion('SECRET//REL TO USA, AUS', 'Two frigates in port. ');
    const hidden = await portion('SECRET//NOFORN', 'NOFORN-PORTION-CANARY');
    const third = await portion('CONFIDENTIAL//REL TO USA, AUS', 'Crane activity normal. ');
    await edit(usa, first, (t) => t.insert(0, 'PORTION-DELETED-CANARY'));
    await edit(usa, first, (t) => t.delete(0, 'PORTION-DELETED-CANARY'.length));

    const { object: tearline, portions } = await aus.ok('tearline:create', { workspaceId: cell.id, sourceId: report.id });
    expect(tearline).toMatchObject({ kind: 'report', sourceId: report.id, originator: 'USA' });
    // AUS cannot see the NOFORN portion, so its tearline has none of it; order is kept.
    expect(portions.map((p: Envelope) => [p.sourceId, p.parentId, p.marking])).toEqual([
      [first.id, tearline.id, 'SECRET//REL TO USA, AUS'],
      [third.id, tearline.id, 'CONFIDENTIAL//REL TO USA, AUS'],
    ]);
    expect(portions[0]!.orderKey < portions[1]!.orderKey).toBe(true);
    expect(portions.some((p: Envelope) => p.sourceId === hidden.id)).toBe(false);
    expect(await textOf(aus, portions[0]!.id)).toBe('Two frigates in port. ');
    const { docs } = await aus.ok('doc:sync', { workspaceId: cell.id, docs: [{ id: portions[0]!.id }] });
    expect(Buffer.from(bytesOf(docs[0]!.update)).toString('latin1')).not.toContain('PORTION-DELETED-CANARY');

    // Released portion by portion by the US FDO, JPN reads the sanitised report and never a source.
    for (const id of [tearline.id, portions[0]!.id]) {
      const { request } = await aus.ok('release:request', { workspaceId: cell.id, id, marking: 'SECRET//REL TO USA, AUS, JPN', justification: 'Sanitised for JPN.' });
      await fdo.ok('release:decide', { workspaceId: cell.id, requestId: request.id, decision: 'approve' });
    }
    await jpn.waitFor('object:added', (e: Envelope) => e.id === portions[0]!.id);
    expect(await textOf(jpn, portions[0]!.id)).toBe('Two frigates in port. ');
    const jpnView = (await jpn.ok('workspace:join', { workspaceId: cell.id })).objects;
    expect(jpnView.filter((e) => e.parentId === tearline.id).map((e) => e.id)).toEqual([portions[0]!.id]);
    for (const source of [report.id, first.id, hidden.id, third.id]) expect(latin1(jpn)).not.toContain(source);
    expect(latin1(jpn)).not.toContain('NOFORN-PORTION-CANARY');
  });
  test('a report\'s tearline is created whole or not at all: a storage failure midway leaves no copy', async () => {
    const { object: report } = await usa.ok('object:create', {
      workspaceId: cell.id,
      kind: 'report',
      marking: 'SECRET//REL TO USA, AUS',
      content: buildContent({ fields: { title: 'Airfield' } }),
    });
    for (const body of ['Runway repaired. ', 'Two fighters on alert. ']) {
      await usa.ok('object:create', { workspaceId: cell.id, kind: 'portion', parentId: report.id, marking: 'SECRET//REL TO USA, AUS', content: buildContent({ body }) });
    }
    // The disk fails while the second portion's copy is written (the report's and the first are done).
    const statements = (server.ctx.store as unknown as { statements: { putSnapshot: { run: (...args: unknown[]) => unknown } } }).statements;
    const run = statements.putSnapshot.run.bind(statements.putSnapshot);
    let writes = 0;
    const spy = vi.spyOn(statements.putSnapshot, 'run').mockImplementation((...args: unknown[]) => {
      if (++writes === 3) throw new Error('disk I/O error');
      return run(...args);
    });
    const failed = await aus.call('tearline:create', { workspaceId: cell.id, sourceId: report.id });
    spy.mockRestore();
    expect(failed).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(writes).toBe(3);

    await settle(usa, aus);
    const copiesOf = (objects: Envelope[]) => objects.filter((e) => e.sourceId !== undefined && e.createdAt >= report.createdAt);
    expect(copiesOf((await aus.ok('workspace:join', { workspaceId: cell.id })).objects)).toEqual([]);
    expect(copiesOf((await server.ctx.store.listObjects(cell.id)))).toEqual([]);
    expect(aus.frames.filter((f) => f.event === 'object:added' && (f.payload as Envelope).sourceId === report.id)).toEqual([]);

    const { object: tearline, portions } = await aus.ok('tearline:create', { workspaceId: cell.id, sourceId: report.id });
    expect(portions.map((p: Envelope) => p.parentId)).toEqual([tearline.id, tearline.id]);
  });
});

describe('audit trail and figures', () => {
  test('the audit trail is for FDOs and admins, and shows only entries about objects they may see', async () => {
    const hidden = await note('TOP SECRET//NOFORN', 'US eyes only.');
    const trail = async (persona: string) =>
      api<{ entries: { action: string; objectId: string | null }[] }>(server.url, 'GET', `/api/workspaces/${cell.id}/audit`, undefined, await tokenFor(server.url, persona));
    expect((await trail('aus-analyst')).status).toBe(403);
    const us = await trail('usa-fdo');
    expect(us.status).toBe(200);
    expect(us.body.entries.some((e) => e.objectId === hidden.id && e.action === 'object.create')).toBe(true);
    const actions = new Set(us.body.entries.map((e) => e.action));
    for (const action of ['workspace.create', 'workspace.join', 'object.create', 'object.remark', 'release.request', 'release.approve', 'release.deny', 'release.withdraw', 'tearline.create']) {
      expect(actions, action).toContain(action);
    }
    const gb = await trail('gbr-fdo');
    expect(gb.status).toBe(200);
    expect(JSON.stringify(gb.body)).not.toContain(hidden.id);
    // Pages hold entries the caller may see, and their cursors are opaque: paging one entry at a
    // time gives the whole trail, and nothing in it counts the entries left out.
    const token = await tokenFor(server.url, 'gbr-fdo');
    const paged: unknown[] = [];
    for (let after: string | null = null; ; ) {
      const page: { body: { entries: { cursor: string }[]; next: string | null } } = await api(
        server.url,
        'GET',
        `/api/workspaces/${cell.id}/audit?limit=1${after === null ? '' : `&after=${after}`}`,
        undefined,
        token,
      );
      if (page.body.entries.length === 0) {
        expect(page.body.next).toBe(after);
        break;
      }
      expect(page.body.entries).toHaveLength(1);
      paged.push(...page.body.entries);
      after = page.body.next;
    }
    expect(paged).toEqual(gb.body.entries);
    expect(JSON.stringify(gb.body)).not.toMatch(/"(seq|hash|prevHash)"/);
  });

  test('figures cover only what the caller may see', async () => {
    const figures = async (persona: string) =>
      (await api<{ figures: { totals: { objects: number } } }>(server.url, 'GET', `/api/workspaces/${cell.id}/figures`, undefined, await tokenFor(server.url, persona))).body.figures;
    const us = await figures('usa-fdo');
    const jp = await figures('jpn-analyst');
    expect(us.totals.objects).toBeGreaterThan(jp.totals.objects);
    expect(jp.totals.objects).toBe((await jpn.ok('workspace:join', { workspaceId: cell.id })).objects.length);
  });
});
