// A `join` inject brings a scenario participant into the cell at its scenario time. Before it, the
// real person the scenario names for them may not open the cell (the answer a non-member gets),
// even when their nation is a member; at it, their nation becomes a member if it was not (the
// cell's own record), it is audited as `exercise.join`, and the MSEL shows the inject released.
// A restart keeps who joined.
import { afterEach, expect, test } from 'vitest';
import type { MselRow, WorkspaceSummary } from '../../shared/protocol';
import type { AuditTrailPage, RestAnswers } from '../../shared/rest';
import type { RunningServer } from '../../server/app';
import { KOREAN_LIAISON, LIAISON_JOINS, cellScenario } from '../helpers/scenarios';
import { api, connect, startTestServer, tempDir, tokenFor } from '../helpers/server';

const SCENARIO = cellScenario(
  {
    id: 'joins',
    title: 'Late joiners',
    participants: [
      '{ id: us-1, name: US analyst, nation: USA, clearance: SECRET }',
      KOREAN_LIAISON,
      '{ id: gb-late, name: UK FDO arriving late, nation: GBR, clearance: SECRET, cells: [], sub: gbr-fdo }',
    ],
  },
  LIAISON_JOINS +
    `  - id: J-02
    at: "+00:20"
    author: GBR
    kind: join
    participant: gb-late
    marking: UNCLASSIFIED
    title: UK FDO joins
`,
);

let server: RunningServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

test('a join inject admits its participant at its time, adding their nation to the cell; audited and kept over a restart', async () => {
  const dataDir = tempDir();
  server = await startTestServer({ dataDir });
  const exconToken = await tokenFor(server.url, 'usa-excon');
  const created = await api<RestAnswers['POST /api/exercises']>(server.url, 'POST', '/api/exercises', { scenario: SCENARIO }, exconToken);
  expect(created.status).toBe(201);
  const cell: WorkspaceSummary = created.body.exercise.cells[0]!;
  const excon = await connect(server.url, 'usa-excon');
  await excon.ok('workspace:join', { workspaceId: cell.id });
  const [kor, gbrFdo, gbr] = await Promise.all(['kor-analyst', 'gbr-fdo', 'gbr-analyst'].map((p) => connect(server!.url, p)));
  const outsider = await kor!.call('workspace:join', { workspaceId: cell.id });
  expect(outsider).toMatchObject({ ok: false, error: { code: 'not_found' } });
  // Same answer as for a cell that does not exist.
  expect(await kor!.call('workspace:join', { workspaceId: '00000000-0000-4000-8000-000000000000' })).toEqual(outsider);
  expect(await gbrFdo!.call('workspace:join', { workspaceId: cell.id })).toMatchObject({ ok: false, error: { code: 'not_found' } });
  await gbr!.ok('workspace:join', { workspaceId: cell.id });

  await excon.ok('exercise:clock', { workspaceId: cell.id, action: { type: 'jump', scenarioMs: 15 * 60_000 } });
  expect((await kor!.ok('workspace:join', { workspaceId: cell.id })).workspace.members).toContain('KOR');
  expect(await gbrFdo!.call('workspace:join', { workspaceId: cell.id })).toMatchObject({ ok: false, error: { code: 'not_found' } });
  for (const c of [excon, kor!, gbrFdo!, gbr!]) c.close();
  await server.close();

  server = await startTestServer({ dataDir });
  const again = await connect(server.url, 'usa-excon');
  await again.ok('workspace:join', { workspaceId: cell.id });
  await again.ok('exercise:clock', { workspaceId: cell.id, action: { type: 'jump', scenarioMs: 25 * 60_000 } });
  const [korAgain, fdoAgain] = await Promise.all(['kor-analyst', 'gbr-fdo'].map((p) => connect(server!.url, p)));
  await korAgain!.ok('workspace:join', { workspaceId: cell.id });
  await fdoAgain!.ok('workspace:join', { workspaceId: cell.id });
  const msel: MselRow[] = (await again.ok('exercise:msel', { workspaceId: cell.id })).msel;
  expect(msel.map((row) => [row.id, row.state])).toEqual([['J-01', 'released'], ['J-02', 'released']]);
  const trail = await api<AuditTrailPage>(server.url, 'GET', `/api/workspaces/${cell.id}/audit`, undefined, exconToken);
  expect(trail.body.entries.filter((e) => e.action === 'exercise.join').map((e) => [e.detail.participant, e.detail.nation, e.detail.nationAdded])).toEqual([
    ['kr-liaison', 'KOR', true],
    ['gb-late', 'GBR', false],
  ]);
  for (const c of [again, korAgain!, fdoAgain!]) c.close();
});

test('before their join inject a person reads nothing of the cell over REST; an EXCON reset ends the session of whoever a join brought in', async () => {
  server = await startTestServer();
  const exconToken = await tokenFor(server.url, 'usa-excon');
  const korToken = await tokenFor(server.url, 'kor-analyst');
  const created = await api<RestAnswers['POST /api/exercises']>(server.url, 'POST', '/api/exercises', { scenario: SCENARIO }, exconToken);
  const cell: WorkspaceSummary = created.body.exercise.cells[0]!;
  const excon = await connect(server.url, 'usa-excon');
  await excon.ok('workspace:join', { workspaceId: cell.id });
  // KOR is made a member now, so only the join gate stands between kor-analyst and the cell.
  await excon.ok('exercise:clock', { workspaceId: cell.id, action: { type: 'jump', scenarioMs: 15 * 60_000 } });
  await excon.ok('exercise:clock', { workspaceId: cell.id, action: { type: 'reset' } });
  const note = (await excon.ok('object:create', { workspaceId: cell.id, kind: 'note', marking: 'UNCLASSIFIED', content: undefined })).object;

  const missing = '00000000-0000-4000-8000-000000000000';
  const read = async (route: string) => {
    const response = await fetch(`${server!.url}${route}`, { headers: { authorization: `Bearer ${korToken}` } });
    return { status: response.status, body: await response.text() };
  };
  const listed = await read('/api/workspaces');
  expect(listed.status).toBe(200);
  expect(listed.body).not.toContain(cell.id);
  for (const tail of [`/objects/${note.id}/export`, `/objects/${note.id}/track`, '/figures', '/features.geojson']) {
    const gated = await read(`/api/workspaces/${cell.id}${tail}`);
    // Word for word the answer for a cell that does not exist.
    expect(gated).toEqual(await read(`/api/workspaces/${missing}${tail.replace(note.id, missing)}`));
    expect(gated.status).toBe(404);
  }

  await excon.ok('exercise:clock', { workspaceId: cell.id, action: { type: 'jump', scenarioMs: 15 * 60_000 } });
  const kor = await connect(server.url, 'kor-analyst');
  await kor.ok('workspace:join', { workspaceId: cell.id });
  expect((await read(`/api/workspaces/${cell.id}/objects/${note.id}/export`)).status).toBe(200);
  await excon.ok('exercise:clock', { workspaceId: cell.id, action: { type: 'reset' } });
  expect(await kor.waitFor('session:ended')).toMatchObject({ code: 'not_found', message: expect.stringContaining('join inject') });
  await new Promise<void>((resolve) => (kor.socket.connected ? kor.socket.once('disconnect', () => resolve()) : resolve()));
  expect((await read(`/api/workspaces/${cell.id}/objects/${note.id}/export`)).status).toBe(404);
  const again = await connect(server.url, 'kor-analyst');
  expect(await again.call('workspace:join', { workspaceId: cell.id })).toMatchObject({ ok: false, error: { code: 'not_found' } });
  const trail = await api<AuditTrailPage>(server.url, 'GET', `/api/workspaces/${cell.id}/audit`, undefined, exconToken);
  expect(trail.body.entries.filter((e) => e.action === 'workspace.leave' && e.actor.sub === 'kor-analyst')).toHaveLength(1);
  for (const c of [excon, again]) c.close();
});
