// Metadata leaks (issue 11, item 4): what a reader may not see leaves no trace in what they may:
// order keys, the audit trail, view-as, metrics, cell membership and release request answers.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildContent } from '../../shared/content';
import type { Envelope, WorkspaceSummary } from '../../shared/protocol';
import type { RunningServer } from '../../server/app';
import { timeKey } from '../../server/objects/orderKeys';
import { api, connect, createCell, startTestServer, tokenFor, type TestClient } from '../helpers/server';

const REL_GBR = 'SECRET//REL TO USA, GBR';

interface ShownEntry {
  action: string;
  objectId: string | null;
  detail: Record<string, unknown>;
  cursor: string;
}

let server: RunningServer;
let cell: WorkspaceSummary;
let usa: TestClient, usaFdo: TestClient, gbr: TestClient, gbrFdo: TestClient, aus: TestClient;

async function create(by: TestClient, marking: string, extra: Record<string, unknown> = {}, workspaceId = cell.id): Promise<Envelope> {
  return (await by.ok('object:create', { workspaceId, kind: 'note', marking, content: buildContent({ body: 'text' }), ...extra })).object;
}

async function trail(persona: string, query = '', token?: string): Promise<{ entries: ShownEntry[]; next: string | null }> {
  token ??= await tokenFor(server.url, persona);
  const { status, body } = await api<{ entries: ShownEntry[]; next: string | null }>(server.url, 'GET', `/api/workspaces/${cell.id}/audit${query}`, undefined, token);
  expect(status).toBe(200);
  return body;
}

beforeAll(async () => {
  server = await startTestServer();
  cell = await createCell(server.url, await tokenFor(server.url, 'usa-fdo'), { name: 'Metadata desk', template: 'adhoc', members: ['USA', 'GBR', 'AUS'] });
  usa = await connect(server.url, 'usa-analyst');
  // An FDO holding the SI compartment: partners without it must not learn it from the trail.
  usaFdo = await connect(server.url, 'usa-fdo', await tokenFor(server.url, 'usa-fdo', { overrides: { compartments: ['SI'] } }));
  gbr = await connect(server.url, 'gbr-analyst');
  gbrFdo = await connect(server.url, 'gbr-fdo');
  aus = await connect(server.url, 'aus-analyst');
  for (const client of [usa, usaFdo, gbr, gbrFdo, aus]) await client.ok('workspace:join', { workspaceId: cell.id });
});
afterAll(async () => {
  for (const client of [usa, usaFdo, gbr, gbrFdo, aus]) client.close();
  await server.close();
});

describe('order keys', () => {
  /** The key's integer part is the creation time, so it neither counts nor locates hidden siblings. */
  function expectTimeKey(key: string, before: number, after: number): void {
    expect(key >= timeKey(before) && key < timeKey(after + 1000), `${key} is not a key of a moment between ${before} and ${after}`).toBe(true);
  }

  test('a default key follows only what its creator may see', async () => {
    const own = await createCell(server.url, await tokenFor(server.url, 'usa-analyst'), { name: 'Keys', template: 'adhoc', members: ['USA', 'GBR'] });
    const [us, gb] = [await connect(server.url, 'usa-analyst'), await connect(server.url, 'gbr-analyst')];
    for (const client of [us, gb]) await client.ok('workspace:join', { workspaceId: own.id });
    const highest = `x${'z'.repeat(24)}`;
    await create(us, 'SECRET//NOFORN', { orderKey: highest }, own.id);
    const gbrKey = (await create(gb, REL_GBR, {}, own.id)).orderKey;
    const usaKey = (await create(us, REL_GBR, {}, own.id)).orderKey;
    // GBR cannot see the NOFORN note, so its key does not follow it; USA can, so its key does.
    expect(gbrKey < highest).toBe(true);
    expect(usaKey > highest).toBe(true);
    us.close();
    gb.close();
  });

  test('keys of visible siblings show no gap where hidden ones sit', async () => {
    const report = await usa.ok('object:create', { workspaceId: cell.id, kind: 'report', marking: REL_GBR });
    const portion = async (by: TestClient, marking: string) => {
      const before = Date.now();
      const { object } = await by.ok('object:create', { workspaceId: cell.id, kind: 'portion', parentId: report.object.id, marking });
      return { object, before, after: Date.now() };
    };
    const first = await portion(usa, REL_GBR);
    await portion(usa, 'SECRET//NOFORN');
    await portion(usa, 'SECRET//NOFORN');
    const second = await portion(usa, REL_GBR);
    const third = await portion(gbr, REL_GBR);
    for (const { object, before, after } of [first, second, third]) expectTimeKey(object.orderKey, before, after);
    expect(first.object.orderKey < second.object.orderKey && second.object.orderKey < third.object.orderKey).toBe(true);
  });
});

describe('the audit trail', () => {
  let source: Envelope;
  let tearline: Envelope;

  beforeAll(async () => {
    source = await create(usa, 'SECRET//NOFORN');
    tearline = (await usa.ok('tearline:create', { workspaceId: cell.id, sourceId: source.id })).object;
    const { request } = await usa.ok('release:request', { workspaceId: cell.id, id: tearline.id, marking: REL_GBR, justification: 'JUSTIFICATION-CANARY from the source.' });
    await usaFdo.ok('release:decide', { workspaceId: cell.id, requestId: request.id, decision: 'approve' });
  });

  test("a released tearline's history shows neither its source nor the source's marking, nor what was said while it was NOFORN", async () => {
    const about = (await trail('gbr-fdo')).entries.filter((e) => e.objectId === tearline.id);
    expect(about.map((e) => e.action)).toEqual(['tearline.create', 'release.request', 'release.approve', 'object.remark']);
    const text = JSON.stringify(about);
    for (const secret of [source.id, 'NOFORN', 'JUSTIFICATION-CANARY']) expect(text).not.toContain(secret);
    expect(about[0]!.detail).toEqual({ kind: 'note' });
    expect(about[3]!.detail).toMatchObject({ to: REL_GBR, direction: 'widen' });
    // The originator's FDO saw it all along and sees it all.
    const usText = JSON.stringify((await trail('usa-fdo')).entries.filter((e) => e.objectId === tearline.id));
    for (const known of [source.id, 'SECRET//NOFORN', 'JUSTIFICATION-CANARY']) expect(usText).toContain(known);
  });

  test('a denial given while the object was NOFORN stays with its audience, in the trail and in the figures', async () => {
    const object = await create(usa, 'SECRET//NOFORN');
    const ask = () => usa.ok('release:request', { workspaceId: cell.id, id: object.id, marking: REL_GBR, justification: 'Please.' });
    const denied = (await ask()).request;
    await usaFdo.ok('release:decide', { workspaceId: cell.id, requestId: denied.id, decision: 'deny', reason: 'DENIAL-CANARY names the source.' });
    await usaFdo.ok('release:decide', { workspaceId: cell.id, requestId: (await ask()).request.id, decision: 'approve' });
    const figures = async (persona: string) => JSON.stringify(await api(server.url, 'GET', `/api/workspaces/${cell.id}/figures`, undefined, await tokenFor(server.url, persona)));
    expect(await figures('gbr-fdo')).not.toContain('DENIAL-CANARY');
    expect(await figures('usa-fdo')).toContain('DENIAL-CANARY');
    const deny = (await trail('gbr-fdo')).entries.find((e) => e.action === 'release.deny' && e.objectId === object.id);
    expect(deny?.detail).toEqual({ requestId: denied.id });
  });

  test('view-as and export entries carry no counts, and no banner the reader may not see', async () => {
    await usaFdo.ok('workspace:view-as', { workspaceId: cell.id, level: { nation: 'GBR', clearance: 'SECRET', compartments: [] } });
    const report = (await usa.ok('object:create', { workspaceId: cell.id, kind: 'report', marking: REL_GBR })).object;
    for (const marking of ['(S//REL TO USA, GBR)', '(S//NF)']) {
      await usa.ok('object:create', { workspaceId: cell.id, kind: 'portion', parentId: report.id, marking, content: buildContent({ body: 'p' }) });
    }
    const exported = await fetch(`${server.url}/api/workspaces/${cell.id}/objects/${report.id}/export`, { headers: { authorization: `Bearer ${await tokenFor(server.url, 'usa-analyst')}` } });
    expect(await exported.text()).toContain('SECRET//NOFORN');

    const entries = (await trail('gbr-fdo')).entries;
    const viewAs = entries.filter((e) => e.action === 'view_as');
    expect(viewAs.length).toBeGreaterThan(0);
    for (const entry of viewAs) expect(entry.detail).toEqual({ level: 'GBR|S|' });
    expect(entries.find((e) => e.action === 'export' && e.objectId === report.id)?.detail).toEqual({});
    expect((await trail('usa-fdo')).entries.find((e) => e.action === 'export' && e.objectId === report.id)?.detail).toEqual({ banner: 'SECRET//NOFORN' });
  });

  test('join entries show only the compartments the reader holds', async () => {
    const joins = (await trail('gbr-fdo')).entries.filter((e) => e.action === 'workspace.join');
    expect(joins.map((e) => e.detail.level)).toContain('USA|TS|');
    // Checked field by field: an opaque cursor may contain any letters.
    expect(JSON.stringify(joins.map((e) => e.detail))).not.toContain('SI');
    const withSi = await tokenFor(server.url, 'usa-fdo', { overrides: { compartments: ['SI'] } });
    expect((await trail('usa-fdo', '', withSi)).entries.filter((e) => e.action === 'workspace.join').map((e) => e.detail.level)).toContain('USA|TS|SI');
  });

  test('pages are filled with visible entries, with opaque cursors, and no seq or hash that would count hidden ones', async () => {
    const first = await create(usa, REL_GBR);
    for (let i = 0; i < 3; i++) await create(usa, 'SECRET//NOFORN');
    const second = await create(usa, REL_GBR);
    const all = await trail('gbr-fdo');
    expect(JSON.stringify(all)).not.toMatch(/"(seq|hash|prevHash)"/);
    const cursor = all.entries.find((e) => e.objectId === first.id)!.cursor;
    expect(cursor).not.toMatch(/^\d+$/);
    const page = await trail('gbr-fdo', `?after=${cursor}&limit=1`);
    expect(page.entries.map((e) => e.objectId)).toEqual([second.id]);
    expect(page.next).toBe(page.entries[0]!.cursor);
  });
});

test('view-as never hands an FDO the source of a tearline they may not see, even when the partner level may', async () => {
  const source = await create(usa, 'SECRET//NOFORN');
  const tearline = (await usa.ok('tearline:create', { workspaceId: cell.id, sourceId: source.id })).object;
  const { request } = await usa.ok('release:request', { workspaceId: cell.id, id: tearline.id, marking: REL_GBR, justification: 'Sanitised.' });
  await usaFdo.ok('release:decide', { workspaceId: cell.id, requestId: request.id, decision: 'approve' });
  const { objects } = await gbrFdo.ok('workspace:view-as', { workspaceId: cell.id, level: { nation: 'USA', clearance: 'TOP SECRET', compartments: [] } });
  const seen = objects.find((e) => e.id === tearline.id);
  expect(seen).toBeDefined();
  expect(seen!.sourceId).toBeUndefined();
  expect(JSON.stringify(objects)).not.toContain(source.id);
});

test('metrics are not on the public port, and name no cell, object or marking', async () => {
  expect((await fetch(`${server.url}/metrics`)).status).toBe(404);
  const object = await create(usa, 'SECRET//NOFORN');
  const text = await (await fetch(server.metricsUrl!)).text();
  expect(text).toContain('tearline_updates_total');
  for (const secret of [cell.id, object.id, 'NOFORN']) expect(text).not.toContain(secret);
});

test('a cell one is not a member of answers exactly like a cell that does not exist', async () => {
  const jpn = await connect(server.url, 'jpn-analyst');
  const missing = randomUUID();
  const joined = await jpn.call('workspace:join', { workspaceId: cell.id });
  expect(joined).toEqual(await jpn.call('workspace:join', { workspaceId: missing }));
  expect(joined).toMatchObject({ ok: false, error: { code: 'not_found' } });
  expect(JSON.stringify(joined)).not.toContain(cell.name);
  jpn.close();

  const token = await tokenFor(server.url, 'jpn-analyst', { overrides: { roles: ['editor', 'fdo'] } });
  const object = await create(usa, REL_GBR);
  for (const route of ['audit', 'figures', `objects/${object.id}/export`]) {
    const member = await api(server.url, 'GET', `/api/workspaces/${cell.id}/${route}`, undefined, token);
    expect(member, route).toEqual(await api(server.url, 'GET', `/api/workspaces/${missing}/${route}`, undefined, token));
    expect(member.status, route).toBe(404);
  }
});

describe('release requests about objects the caller may not see', () => {
  test('an FDO of another nation is answered as for an unknown request, whatever the decision', async () => {
    const hidden = await create(usa, 'SECRET//NOFORN');
    const { request } = await usa.ok('release:request', { workspaceId: cell.id, id: hidden.id, marking: REL_GBR, justification: 'GBR needs it.' });
    for (const decision of ['approve', 'deny', 'withdraw'] as const) {
      const ask = (requestId: string) => gbrFdo.call('release:decide', { workspaceId: cell.id, requestId, decision, reason: 'No.' });
      const answer = await ask(request.id);
      expect(answer, decision).toEqual(await ask(randomUUID()));
      expect(answer, decision).toMatchObject({ ok: false, error: { code: 'not_found' } });
    }
    const lists = await gbrFdo.ok('release:list', { workspaceId: cell.id });
    expect(JSON.stringify(lists)).not.toContain(request.id);
  });

  test('a requester whose object was narrowed away can no longer touch or list the request', async () => {
    const object = await create(usa, 'SECRET//REL TO USA, AUS');
    const { request } = await aus.ok('release:request', { workspaceId: cell.id, id: object.id, marking: 'SECRET//REL TO USA, AUS, GBR', justification: 'GBR too.' });
    await usa.ok('object:remark', { workspaceId: cell.id, id: object.id, marking: 'SECRET//NOFORN' });
    const withdraw = (requestId: string) => aus.call('release:decide', { workspaceId: cell.id, requestId, decision: 'withdraw' });
    expect(await withdraw(request.id)).toEqual(await withdraw(randomUUID()));
    expect(JSON.stringify(await aus.ok('release:list', { workspaceId: cell.id }))).not.toContain(request.id);
  });
});
