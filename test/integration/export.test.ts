// Export: marked plain text of what the caller may hold; DISPLAY ONLY is never exported; audited.
import { afterAll, beforeAll, expect, test } from 'vitest';
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
