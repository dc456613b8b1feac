// Observers and evaluators of an exercise cell read what their access allows and never write: the
// scenario seats a real person (`sub`) as one, and every event declared for editors is refused to
// them in that cell, whatever roles their token carries; elsewhere they work as before.
import { afterEach, expect, test } from 'vitest';
import { buildContent } from '../../shared/content';
import type { Envelope, WorkspaceSummary } from '../../shared/protocol';
import type { RestAnswers } from '../../shared/rest';
import type { RunningServer } from '../../server/app';
import { SHARED_ASSESSMENT, cellScenario } from '../helpers/scenarios';
import { api, connect, createCell, startTestServer, tokenFor } from '../helpers/server';

const SCENARIO = cellScenario(
  {
    id: 'watchers',
    title: 'Watched drill',
    participants: [
      '{ id: us-1, name: US analyst, nation: USA, clearance: SECRET, sub: usa-secret }',
      '{ id: gb-obs, name: UK observer, nation: GBR, clearance: SECRET, exerciseRole: observer, sub: gbr-analyst }',
      '{ id: jp-eval, name: JP evaluator, nation: JPN, clearance: SECRET, exerciseRole: evaluator, sub: jpn-analyst }',
    ],
  },
  SHARED_ASSESSMENT,
);

let server: RunningServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

test('an observer and an evaluator see what their access allows and may not write in the exercise cell', async () => {
  server = await startTestServer();
  const created = await api<RestAnswers['POST /api/exercises']>(server.url, 'POST', '/api/exercises', { scenario: SCENARIO }, await tokenFor(server.url, 'usa-excon'));
  const cell: WorkspaceSummary = created.body.exercise.cells[0]!;
  const [excon, usa, gbr, jpn] = await Promise.all(['usa-excon', 'usa-secret', 'gbr-analyst', 'jpn-analyst'].map((p) => connect(server!.url, p)));
  for (const c of [excon!, usa!, gbr!, jpn!]) await c.ok('workspace:join', { workspaceId: cell.id });
  await excon!.ok('exercise:clock', { workspaceId: cell.id, action: { type: 'jump', scenarioMs: 90_000 } });
  const inject: Envelope = await gbr!.waitFor('object:added', (e: Envelope) => e.marking === 'SECRET//REL TO USA, GBR, JPN');
  await jpn!.waitFor('object:added', (e: Envelope) => e.id === inject.id);

  const create = { workspaceId: cell.id, kind: 'note', marking: 'SECRET//REL TO USA, GBR, JPN', content: buildContent({ body: '' }) };
  expect(await gbr!.call('object:create', create)).toMatchObject({ ok: false, error: { code: 'forbidden', message: 'An exercise observer watches the cell and may not create objects.' } });
  expect(await jpn!.call('object:remark', { workspaceId: cell.id, id: inject.id, marking: 'SECRET//REL TO USA, GBR' })).toMatchObject({
    ok: false,
    error: { code: 'forbidden', message: 'An exercise evaluator watches the cell and may not re-mark objects.' },
  });
  expect(await jpn!.call('tearline:create', { workspaceId: cell.id, sourceId: inject.id })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  // Asking an FDO for a release is open to every member, but not to those who only watch.
  expect(await gbr!.call('release:request', { workspaceId: cell.id, id: inject.id, marking: 'SECRET//REL TO USA, GBR, JPN, KOR', justification: 'for the exercise' })).toMatchObject({
    ok: false,
    error: { code: 'forbidden', message: 'An exercise observer watches the cell and may not request releases.' },
  });
  // A player seated by the scenario writes as before.
  await usa!.ok('object:create', create);
  // The same person in a real cell is an editor again.
  const real = await createCell(server.url, await tokenFor(server.url, 'gbr-analyst'), { name: 'Real', template: 'fvey' });
  await gbr!.ok('workspace:join', { workspaceId: real.id });
  await gbr!.ok('object:create', { ...create, workspaceId: real.id, marking: 'SECRET//REL TO USA, GBR' });
  for (const c of [excon!, usa!, gbr!, jpn!]) c.close();
});
