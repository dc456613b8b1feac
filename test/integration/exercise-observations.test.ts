// Evaluators' observations and replay: EXCON and the scenario's evaluators record observations
// (linked to an inject, stamped in both clocks, marked) that reach only EXCON and evaluators who may
// read them, never a player or an observer; and an evaluator replays only the levels their own
// access covers, any other answered as a level that never joined.
import { afterEach, expect, test } from 'vitest';
import type { Envelope, Observation, WorkspaceSummary } from '../../shared/protocol';
import type { RestAnswers } from '../../shared/rest';
import type { RunningServer } from '../../server/app';
import { SHARED_ASSESSMENT, cellScenario } from '../helpers/scenarios';
import { api, connect, settle, startTestServer, tokenFor, type TestClient } from '../helpers/server';

const SCENARIO = cellScenario(
  {
    id: 'evaluated',
    title: 'Evaluated drill',
    systemHigh: 'TOP SECRET',
    participants: [
      '{ id: us-1, name: US analyst, nation: USA, clearance: SECRET, sub: usa-secret }',
      '{ id: gb-eval, name: UK evaluator, nation: GBR, clearance: SECRET, exerciseRole: evaluator, sub: gbr-analyst }',
      '{ id: us-eval, name: US evaluator, nation: USA, clearance: TOP SECRET, exerciseRole: evaluator, sub: usa-analyst }',
      '{ id: jp-obs, name: JP observer, nation: JPN, clearance: SECRET, exerciseRole: observer, sub: jpn-analyst }',
    ],
  },
  SHARED_ASSESSMENT +
    `  - id: I-02
    at: "+00:01"
    author: USA
    kind: create
    marking: SECRET//NOFORN
    title: US only
    content: US-ONLY-INJECT
`,
);

const NOFORN_TEXT = 'NOFORN-OBSERVATION-TEXT';

let server: RunningServer | undefined;
let clients: TestClient[] = [];
afterEach(async () => {
  for (const c of clients) c.close();
  clients = [];
  await server?.close();
  server = undefined;
});

async function exercise() {
  server = await startTestServer();
  const created = await api<RestAnswers['POST /api/exercises']>(server.url, 'POST', '/api/exercises', { scenario: SCENARIO }, await tokenFor(server.url, 'usa-excon'));
  const cell: WorkspaceSummary = created.body.exercise.cells[0]!;
  clients = await Promise.all(['usa-excon', 'usa-secret', 'gbr-analyst', 'usa-analyst', 'jpn-analyst'].map((p) => connect(server!.url, p)));
  const [excon, player, gbrEval, usEval, observer] = clients as [TestClient, TestClient, TestClient, TestClient, TestClient];
  for (const c of clients) await c.ok('workspace:join', { workspaceId: cell.id });
  await excon.ok('exercise:clock', { workspaceId: cell.id, action: { type: 'jump', scenarioMs: 90_000 } });
  await gbrEval.waitFor('object:added', (e: Envelope) => e.marking === 'SECRET//REL TO USA, GBR, JPN');
  await player.waitFor('object:added', (e: Envelope) => e.marking === 'SECRET//NOFORN');
  return { cell, excon, player, gbrEval, usEval, observer };
}

test('observations are stamped, audited, listed and sent only to EXCON and evaluators who may read them', async () => {
  const { cell, excon, player, gbrEval, usEval, observer } = await exercise();
  const workspaceId = cell.id;
  // Each is told their own seat (their client shows a read-only badge), nobody else's.
  expect((await gbrEval.ok('exercise:status', { workspaceId })).seat).toBe('evaluator');
  expect((await observer.ok('exercise:status', { workspaceId })).seat).toBe('observer');
  expect((await player.ok('exercise:status', { workspaceId })).seat).toBeNull();
  const observe = { workspaceId, injectId: 'I-01', expectedAction: 'Share the assessment', text: 'GBR shared within minutes', marking: 'SECRET//REL TO USA, GBR' };

  expect(await player.call('exercise:observe', observe)).toMatchObject({
    ok: false,
    error: { code: 'forbidden', message: 'Only exercise control (EXCON) or an evaluator may record observations.' },
  });
  expect(await observer.call('exercise:observe', observe)).toMatchObject({
    ok: false,
    error: { code: 'forbidden', message: 'An exercise observer watches the cell and may not record observations: only exercise control (EXCON) and evaluators may.' },
  });
  expect(await player.call('exercise:observations', { workspaceId })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  // An inject the evaluator may not see does not exist for them, word for word as an absent one.
  const hidden = await gbrEval.call('exercise:observe', { ...observe, injectId: 'I-02' });
  const absent = await gbrEval.call('exercise:observe', { ...observe, injectId: 'I-99' });
  expect(hidden).toMatchObject({ ok: false, error: { code: 'not_found' } });
  expect(JSON.stringify(hidden).replace('I-02', 'X')).toBe(JSON.stringify(absent).replace('I-99', 'X'));
  // A marking above the author's access is refused, and changes nothing.
  expect(await gbrEval.call('exercise:observe', { ...observe, marking: 'TOP SECRET//REL TO USA, GBR' })).toMatchObject({ ok: false, error: { code: 'bad_marking' } });

  const before = Date.now();
  const { observation } = (await gbrEval.ok('exercise:observe', observe)) as { observation: Observation };
  expect(observation).toMatchObject({ injectId: 'I-01', expectedAction: 'Share the assessment', text: observe.text, marking: 'SECRET//REL TO USA, GBR', author: { sub: 'gbr-analyst', nation: 'GBR', role: 'evaluator' } });
  expect(observation.scenarioMs).toBeGreaterThanOrEqual(90_000);
  expect(observation.scenarioTime.startsWith('2025-03-04T06:01')).toBe(true);
  expect(Date.parse(observation.zulu)).toBeGreaterThanOrEqual(before - 1000);
  await excon.ok('exercise:observe', { workspaceId, injectId: 'I-02', text: NOFORN_TEXT, marking: 'SECRET//NOFORN' });

  for (const reader of [excon, usEval, gbrEval]) await reader.waitFor('exercise:observation', (o: Observation) => o.text === observe.text);
  await usEval.waitFor('exercise:observation', (o: Observation) => o.text === NOFORN_TEXT);
  await settle(excon, player, gbrEval, usEval, observer);
  expect(player.frames.filter((f) => f.event === 'exercise:observation')).toEqual([]);
  expect(observer.frames.filter((f) => f.event === 'exercise:observation')).toEqual([]);
  for (const c of [player, observer, gbrEval]) expect(JSON.stringify(c.frames)).not.toContain(NOFORN_TEXT);

  const listed = async (c: TestClient) => ((await c.ok('exercise:observations', { workspaceId })) as { observations: Observation[] }).observations.map((o) => o.text);
  expect(await listed(gbrEval)).toEqual([observe.text]);
  expect(await listed(usEval)).toEqual([observe.text, NOFORN_TEXT]);
  expect(await listed(excon)).toEqual([observe.text, NOFORN_TEXT]);

  // The AAR draft has them per inject.
  const { aar, mselCsv } = (await excon.ok('exercise:msel', { workspaceId })) as { aar: string; mselCsv: string };
  // EXCON's page offers the MSEL as CSV (the shared export: one row per inject).
  expect(mselCsv.split('\n')[0]!.startsWith('id,variant_of,at,author,kind')).toBe(true);
  expect(mselCsv.split('\n').filter((line) => /^I-0[12],/.test(line))).toHaveLength(2);
  const section = aar.slice(aar.indexOf('## Observations'), aar.indexOf('## Strengths'));
  expect(section).toContain('### Inject I-01');
  expect(section).toContain(`evaluator GBR on "Share the assessment": ${observe.text}`);
  expect(section).toContain('### Inject I-02');
  expect(section).toContain(NOFORN_TEXT);

  // The audit trail: EXCON reads both entries; a partner FDO reads neither.
  const trail = async (persona: string) =>
    (await api<RestAnswers['GET /api/workspaces/:id/audit']>(server!.url, 'GET', `/api/workspaces/${workspaceId}/audit`, undefined, await tokenFor(server!.url, persona))).body;
  const exconTrail = JSON.stringify(await trail('usa-excon'));
  expect(exconTrail).toContain('exercise.observe');
  expect(exconTrail).toContain(NOFORN_TEXT);
  const fdoTrail = JSON.stringify(await trail('gbr-fdo'));
  expect(fdoTrail).not.toContain('exercise.observe');
});

test('an evaluator replays only the levels their access covers; others are answered as levels that never joined', async () => {
  const { cell, player, gbrEval, usEval, observer } = await exercise();
  const workspaceId = cell.id;
  const at = new Date().toISOString();

  expect(await player.call('exercise:replay', { workspaceId })).toMatchObject({ ok: false, error: { code: 'forbidden', message: 'Only exercise control (EXCON) or an evaluator may replay the exercise.' } });
  expect(await observer.call('exercise:replay', { workspaceId })).toMatchObject({ ok: false, error: { code: 'forbidden' } });

  const { timeline } = (await gbrEval.ok('exercise:replay', { workspaceId })) as { timeline: { levels: string[]; injects: { injectId: string }[] } };
  expect(timeline.levels).toEqual(['GBR|S|']);
  // The NOFORN inject's release leaves no mark on the GBR evaluator's timeline; the US evaluator's has both.
  expect(timeline.injects.map((i) => i.injectId)).toEqual(['I-01']);
  const usTimeline = ((await usEval.ok('exercise:replay', { workspaceId })) as { timeline: { injects: { injectId: string }[] } }).timeline;
  expect(usTimeline.injects.map((i) => i.injectId).sort()).toEqual(['I-01', 'I-02']);
  const gbrView = (await gbrEval.ok('exercise:replay', { workspaceId, level: 'GBR|S|', at })) as { objects: { envelope: Envelope }[] };
  expect(gbrView.objects.map((o) => o.envelope.marking)).toEqual(['SECRET//REL TO USA, GBR, JPN']);

  // The US SECRET level joined and saw NOFORN: refused to the GBR evaluator as a level that never joined.
  const usLevel = await gbrEval.call('exercise:replay', { workspaceId, level: 'USA|S|', at });
  const never = await gbrEval.call('exercise:replay', { workspaceId, level: 'CAN|S|', at });
  expect(usLevel).toMatchObject({ ok: false, error: { code: 'bad_request' } });
  expect(JSON.stringify(usLevel).replace('USA|S|', 'X')).toBe(JSON.stringify(never).replace('CAN|S|', 'X'));
  expect(JSON.stringify(usLevel)).not.toContain('US-ONLY-INJECT');

  // The US TOP SECRET evaluator covers the US SECRET level and replays its NOFORN view.
  const usView = (await usEval.ok('exercise:replay', { workspaceId, level: 'USA|S|', at })) as { objects: { envelope: Envelope }[] };
  expect(usView.objects.map((o) => o.envelope.marking).sort()).toEqual(['SECRET//NOFORN', 'SECRET//REL TO USA, GBR, JPN']);
});
