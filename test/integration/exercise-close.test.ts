// An exercise cell keeps its whole update history while the exercise runs and after ENDEX (the
// after-action review replays it); once EXCON closes the exercise (its AAR final), compaction is
// allowed again, for the docs already loaded as for those loaded later. Closing needs ENDEX, and a
// closed exercise's clock and injects no longer change.
import { afterEach, expect, test } from 'vitest';
import { buildContent } from '../../shared/content';
import { bytesOf, type WorkspaceSummary } from '../../shared/protocol';
import type { RestAnswers } from '../../shared/rest';
import { drillScenario } from '../helpers/scenarios';
import { textReplica } from '../helpers/textReplica';
import { api, connect, startTestServer, tokenFor, type TestClient } from '../helpers/server';
import type { RunningServer } from '../../server/app';

const SCENARIO = drillScenario(
  'EXERCISE EXERCISE EXERCISE',
  `  - id: I-01
    at: "+10:00"
    author: USA
    kind: create
    marking: SECRET//REL TO USA, GBR, JPN
    title: Later
    content: LATER
`,
);

let server: RunningServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function edit(client: TestClient, workspaceId: string, id: string, times: number, state: Uint8Array): Promise<void> {
  const writer = textReplica(state);
  for (let i = 0; i < times; i++) await client.ok('doc:update', { workspaceId, id, epoch: 0, update: writer.edit((t) => t.insert(t.length, `${i},`)) });
}

test('history is kept through ENDEX and compacted once the exercise is closed', async () => {
  server = await startTestServer({ compactAfter: 3 });
  const { store } = server.ctx;
  const created = await api<RestAnswers['POST /api/exercises']>(server.url, 'POST', '/api/exercises', { scenario: SCENARIO }, await tokenFor(server.url, 'usa-excon'));
  const cell: WorkspaceSummary = created.body.exercise.cells[0]!;
  const excon = await connect(server.url, 'usa-excon');
  const usa = await connect(server.url, 'usa-secret');
  await excon.ok('workspace:join', { workspaceId: cell.id });
  await usa.ok('workspace:join', { workspaceId: cell.id });
  const { object } = await usa.ok('object:create', { workspaceId: cell.id, kind: 'note', marking: 'SECRET//REL TO USA, GBR, JPN', content: buildContent({ body: '' }) });
  const state = async () => bytesOf((await usa.ok('doc:sync', { workspaceId: cell.id, docs: [{ id: object.id }] })).docs[0]!.update);
  const control = (type: string) => excon.call('exercise:clock', { workspaceId: cell.id, action: { type } });

  await control('start');
  await edit(usa, cell.id, object.id, 6, await state());
  expect(await control('close')).toMatchObject({ ok: false, error: { code: 'conflict', message: expect.stringContaining('ENDEX') } });
  expect(await control('endex')).toMatchObject({ ok: true, clock: { status: 'ended' } });
  await edit(usa, cell.id, object.id, 4, await state());
  expect((await store.loadDoc(object.id)).updates).toHaveLength(10);
  expect(await control('resume')).toMatchObject({ ok: false, error: { code: 'conflict' } });
  expect(await excon.call('exercise:inject', { workspaceId: cell.id, injectId: 'I-01', action: 'release' })).toMatchObject({ ok: false, error: { code: 'conflict' } });

  expect(await control('close')).toMatchObject({ ok: true, clock: { status: 'closed' } });
  expect((await store.getWorkspace(cell.id))?.exerciseClosedAt).toEqual(expect.any(String));
  // The loaded doc is compacted without waiting for another edit.
  await expect.poll(async () => (await store.loadDoc(object.id)).updates.length, { timeout: 10_000 }).toBeLessThan(3);
  expect(await control('reset')).toMatchObject({ ok: false, error: { code: 'conflict', message: expect.stringContaining('closed') } });
  // Still an exercise cell: closing never lets its material mix with real cells.
  expect((await store.getWorkspace(cell.id))?.exercise).toBe(true);
  excon.close();
  usa.close();
});
