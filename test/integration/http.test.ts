// REST: dev identity, cell templates and creation, membership listing, health and metrics.
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { WorkspaceSummary } from '../../shared/protocol';
import type { RunningServer } from '../../server/app';
import { api, connect, createCell, startTestServer, tokenFor } from '../helpers/server';

let server: RunningServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

test('health on the public port; Prometheus metrics on their own listener only', async () => {
  expect(await api(server.url, 'GET', '/healthz')).toMatchObject({ status: 200, body: { ok: true, storage: { status: expect.any(String) } } });
  const client = await connect(server.url, 'usa-analyst');
  expect((await fetch(`${server.url}/metrics`)).status).toBe(404);
  expect(server.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
  const response = await fetch(server.metricsUrl!);
  const text = await response.text();
  expect(response.headers.get('content-type')).toContain('text/plain');
  expect(text).toMatch(/tearline_connections 1/);
  expect(text).toMatch(/tearline_broadcast_frames_total\{path="direct"\} \d+/);
  expect(text).toMatch(/tearline_broadcast_frames_total\{path="engine"\} \d+/);
  expect(text).toMatch(/tearline_ack_frames_total\{path="direct"\} \d+/);
  expect(text).toMatch(/tearline_ack_frames_total\{path="engine"\} \d+/);
  for (const name of ['tearline_rooms', 'tearline_updates_total', 'tearline_fanout_latency_seconds_bucket', 'tearline_live_docs']) {
    expect(text).toContain(name);
  }
  client.close();
});

test('dev personas and tokens; unknown persona is not_found; malformed body is bad_request', async () => {
  const { body } = await api<{ personas: { id: string }[] }>(server.url, 'GET', '/api/dev/personas');
  expect(body.personas.map((p) => p.id)).toContain('aus-viewer');
  expect(body.personas).toHaveLength(14);
  expect((await api(server.url, 'POST', '/api/dev/token', { persona: 'nobody' })).status).toBe(404);
  expect((await api(server.url, 'POST', '/api/dev/token', { persona: 'usa-analyst', admin: true })).status).toBe(400);
  const raw = await fetch(`${server.url}/api/dev/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{nope' });
  expect(raw.status).toBe(400);
  expect(await raw.json()).toMatchObject({ error: { code: 'bad_request' } });
});

test('each template spins up a cell with the right members and default marking', async () => {
  const token = await tokenFor(server.url, 'usa-analyst');
  const expected: Record<string, { members: string[]; defaultMarking: string }> = {
    fvey: { members: ['FVEY'], defaultMarking: 'SECRET//REL TO USA, FVEY' },
    nato: { members: ['NATO'], defaultMarking: 'SECRET//REL TO USA, NATO' },
    fig: { members: ['FIG'], defaultMarking: 'SECRET//REL TO USA, FIG' },
    quad: { members: ['QUAD'], defaultMarking: 'SECRET//REL TO USA, QUAD' },
    'jpn-kor-usa': { members: ['JPN', 'KOR', 'USA'], defaultMarking: 'SECRET//REL TO USA, JPN, KOR' },
  };
  for (const [template, want] of Object.entries(expected)) {
    const cell = await createCell(server.url, token, { name: `Cell ${template}`, template });
    expect(cell).toMatchObject(want);
  }
  const adhoc = await createCell(server.url, token, { name: 'Ad hoc', template: 'adhoc', members: ['POL', 'DEU'], exercise: true, systemHigh: 'SECRET' });
  expect(adhoc).toMatchObject({ members: ['POL', 'DEU', 'USA'], defaultMarking: 'SECRET//REL TO USA, DEU, POL', exercise: true, systemHigh: 'SECRET' });
});

test('cell creation validates members, markings and roles', async () => {
  const token = await tokenFor(server.url, 'usa-analyst');
  const bad = async (body: object) => (await api<{ error: { code: string; message: string } }>(server.url, 'POST', '/api/workspaces', body, token)).body.error;
  expect(await bad({ name: 'x', members: ['XYZ'] })).toMatchObject({ code: 'bad_request', message: expect.stringContaining('XYZ') });
  expect(await bad({ name: 'x', template: 'fvey', defaultMarking: 'SECRET//REL TO USA, QQQ' })).toMatchObject({ code: 'bad_marking' });
  expect(await bad({ name: 'x', template: 'fvey', systemHigh: 'SECRET', defaultMarking: 'TOP SECRET//REL TO USA, FVEY' })).toMatchObject({ code: 'bad_marking' });
  expect(await bad({ name: '', template: 'fvey' })).toMatchObject({ code: 'bad_request' });
  const viewer = await tokenFor(server.url, 'aus-viewer');
  expect((await api(server.url, 'POST', '/api/workspaces', { name: 'x', template: 'fvey' }, viewer)).status).toBe(403);
  expect((await api(server.url, 'POST', '/api/workspaces', { name: 'x', template: 'fvey' })).status).toBe(401);
});

test('a participant lists only the cells its nation belongs to', async () => {
  const usaToken = await tokenFor(server.url, 'usa-analyst');
  const bilateral = await createCell(server.url, usaToken, { name: 'JPN-KOR channel', template: 'jpn-kor-usa' });
  const list = async (persona: string) =>
    (await api<{ workspaces: WorkspaceSummary[] }>(server.url, 'GET', '/api/workspaces', undefined, await tokenFor(server.url, persona))).body.workspaces.map((w) => w.id);
  expect(await list('kor-analyst')).toContain(bilateral.id);
  expect(await list('gbr-analyst')).not.toContain(bilateral.id);
});

test('a malformed %-escape in the address or an unreadable body encoding answers bad_request, not internal', async () => {
  const token = await tokenFor(server.url, 'usa-fdo');
  const cell = await createCell(server.url, token, { name: 'Escapes', template: 'fvey' });
  for (const route of [`/api/workspaces/${cell.id}/objects/%ZZ/export`, '/api/workspaces/%E0%A4%A/figures']) {
    expect(await api(server.url, 'GET', route, undefined, token)).toMatchObject({
      status: 400,
      body: { error: { code: 'bad_request', message: expect.stringContaining('%-escape') } },
    });
  }
  const unreadable: Record<string, string>[] = [{ 'content-type': 'application/json; charset=koi8-r' }, { 'content-type': 'application/json', 'content-encoding': 'compress' }];
  for (const headers of unreadable) {
    const response = await fetch(`${server.url}/api/dev/token`, { method: 'POST', headers, body: '{"persona":"usa-analyst"}' });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: 'bad_request', message: expect.stringContaining('UTF-8') } });
  }
});
