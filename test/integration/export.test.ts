// Export: marked plain text (and map features as GeoJSON/KML) of what the caller may hold; DISPLAY
// ONLY is never exported; audited.
import { afterAll, beforeAll, expect, test, vi } from 'vitest';
import * as Y from 'yjs';
import { buildContent, editableFieldText } from '../../shared/content';
import type { RunningServer } from '../../server/app';
import { api, connect, createCell, startTestServer, tokenFor } from '../helpers/server';

let server: RunningServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

test('a report exports with its banner and the portions the caller may hold, in order', async () => {
  const cell = await createCell(server.url, await tokenFor(server.url, 'usa-analyst'), { name: 'Export', template: 'fvey', exercise: true });
  const usa = await connect(server.url, 'usa-analyst');
  await usa.ok('workspace:join', { workspaceId: cell.id });
  const create = (body: object) => usa.ok('object:create', { workspaceId: cell.id, ...body });
  // The title as merged text (a Y.Text in `fields`), as it is once anyone has typed in it.
  const titled = new Y.Doc();
  editableFieldText(titled, 'title').insert(0, 'Strait transit');
  const { object: report } = await create({ kind: 'report', marking: 'SECRET//REL TO USA, AUS, GBR', content: Y.encodeStateAsUpdate(titled) });
  const second = await create({ kind: 'portion', parentId: report.id, marking: '(C//REL TO USA, AUS)', orderKey: 'a2', content: buildContent({ body: 'Two frigates.' }) });
  await create({ kind: 'portion', parentId: report.id, marking: '(S//REL TO USA, AUS, GBR)', orderKey: 'a1', content: buildContent({ body: 'Tanker convoy.' }) });
  await create({ kind: 'portion', parentId: report.id, marking: '(S//NF)', orderKey: 'a3', content: buildContent({ body: 'NOFORN-CANARY' }) });
  await create({ kind: 'portion', parentId: report.id, marking: 'SECRET//DISPLAY ONLY AUS', orderKey: 'a4', content: buildContent({ body: 'DISPLAY-CANARY' }) });
  usa.close();

  const get = async (persona: string, id = report.id) => {
    const response = await fetch(`${server.url}/api/workspaces/${cell.id}/objects/${id}/export`, {
      headers: { authorization: `Bearer ${await tokenFor(server.url, persona)}` },
    });
    return { status: response.status, text: await response.text() };
  };
  const aus = await get('aus-analyst');
  expect(aus.status).toBe(200);
  expect(aus.text).toBe(
    [
      'EXERCISE EXERCISE EXERCISE',
      'SECRET//REL TO USA, AUS',
      '',
      '(S//REL TO USA, AUS, GBR) Strait transit',
      '',
      '(S//REL TO USA, AUS, GBR) Tanker convoy.',
      '',
      '(C//REL TO USA, AUS) Two frigates.',
      '',
      '[1 DISPLAY ONLY portion(s) not exported]',
      '',
      'SECRET//REL TO USA, AUS',
      '',
    ].join('\n'),
  );
  expect((await get('usa-analyst')).text).toContain('NOFORN-CANARY');
  expect((await get('gbr-analyst', second.object.id)).status).toBe(404);
  const trail = await api<{ entries: { action: string; actor: { nation: string } }[] }>(
    server.url,
    'GET',
    `/api/workspaces/${cell.id}/audit`,
    undefined,
    await tokenFor(server.url, 'usa-fdo'),
  );
  expect(trail.body.entries.filter((e) => e.action === 'export').map((e) => e.actor.nation)).toEqual(['AUS', 'USA']);
});

const point = (lon: number, lat: number) => ({ type: 'Point', coordinates: [lon, lat] });

test('the features export carries geometry and markings of exactly what the caller may hold', async () => {
  const cell = await createCell(server.url, await tokenFor(server.url, 'usa-analyst'), { name: 'Export features', template: 'fvey' });
  const usa = await connect(server.url, 'usa-analyst');
  await usa.ok('workspace:join', { workspaceId: cell.id });
  const create = (name: string, marking: string) =>
    usa.ok('object:create', { workspaceId: cell.id, kind: 'feature', marking, content: buildContent({ fields: { name, geometry: point(125, 26) } }) });
  await create('Shared contact', 'SECRET//REL TO USA, AUS');
  await create('NOFORN-CANARY', 'SECRET//NOFORN');
  await create('DISPLAY-CANARY', 'SECRET//DISPLAY ONLY AUS');
  usa.close();

  const get = async (persona: string, format: string) => {
    const response = await fetch(`${server.url}/api/workspaces/${cell.id}/features.${format}`, { headers: { authorization: `Bearer ${await tokenFor(server.url, persona)}` } });
    return { status: response.status, text: await response.text() };
  };
  const geojson = JSON.parse((await get('aus-analyst', 'geojson')).text) as { banner: string; features: { geometry: unknown; properties: Record<string, string> }[] };
  expect(geojson.banner).toBe('SECRET//REL TO USA, AUS');
  expect(geojson.features).toEqual([{ type: 'Feature', id: expect.any(String), geometry: point(125, 26), properties: { name: 'Shared contact', description: '', marking: 'SECRET//REL TO USA, AUS', portion: '(S//REL TO USA, AUS)' } }]);
  const kmlText = (await get('aus-analyst', 'kml')).text;
  expect(kmlText).toContain('<coordinates>125,26</coordinates>');
  expect(kmlText).not.toMatch(/CANARY/);
  expect((await get('usa-analyst', 'geojson')).text).toContain('NOFORN-CANARY');
  expect((await get('aus-analyst', 'shp')).status).toBe(404);
  // A single feature's text export has its position too.
  const shared = geojson.features[0] as unknown as { id: string };
  const text = await fetch(`${server.url}/api/workspaces/${cell.id}/objects/${shared.id}/export`, { headers: { authorization: `Bearer ${await tokenFor(server.url, 'aus-analyst')}` } });
  expect(await text.text()).toContain('(S//REL TO USA, AUS) Position: 26.0000°N 125.0000°E (MGRS 51R YJ 00180 77215)');
});

test('a portion re-marked away from the reader while its export is being read is not exported: the export answers conflict (fail closed)', async () => {
  const cell = await createCell(server.url, await tokenFor(server.url, 'usa-analyst'), { name: 'Export race', template: 'fvey' });
  const usa = await connect(server.url, 'usa-analyst');
  await usa.ok('workspace:join', { workspaceId: cell.id });
  const { object: report } = await usa.ok('object:create', { workspaceId: cell.id, kind: 'report', marking: 'SECRET//REL TO USA, GBR', content: buildContent({ body: '' }) });
  const { object: portion } = await usa.ok('object:create', { workspaceId: cell.id, kind: 'portion', parentId: report.id, marking: '(S//REL TO USA, GBR)', content: buildContent({ body: 'NARROWED-CANARY' }) });
  // The export's read of the portion's doc waits until the portion has been narrowed to NOFORN.
  const encodeState = server.ctx.docs.encodeState.bind(server.ctx.docs);
  let reading!: () => void;
  const reached = new Promise<void>((resolve) => (reading = resolve));
  let narrowed!: () => void;
  const gate = new Promise<void>((resolve) => (narrowed = resolve));
  const spy = vi.spyOn(server.ctx.docs, 'encodeState').mockImplementation(async (id, stateVector) => {
    const state = await encodeState(id, stateVector);
    if (id === portion.id) {
      reading();
      await gate;
    }
    return state;
  });
  const exported = fetch(`${server.url}/api/workspaces/${cell.id}/objects/${report.id}/export`, { headers: { authorization: `Bearer ${await tokenFor(server.url, 'gbr-analyst')}` } });
  await reached;
  await usa.ok('object:remark', { workspaceId: cell.id, id: portion.id, marking: '(S//NF)' });
  narrowed();
  const response = await exported;
  spy.mockRestore();
  const text = await response.text();
  expect(response.status).toBe(409);
  expect(text).not.toContain('NARROWED-CANARY');
  expect(JSON.parse(text)).toMatchObject({ error: { code: 'conflict' } });
  usa.close();
});
