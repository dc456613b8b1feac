// Exercise mode end to end on a real server with socket clients: a scenario created by EXCON runs
// at ×60, its injects arrive at their scenario times as marked objects only at the levels their
// markings allow (socket bytes checked), pause stops them, a jump releases what is due, only EXCON
// controls the exercise, every control action is audited (and players' readers never learn of
// injects they may not see), and nothing is copied from the exercise cell into a real one.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { claimsSchema, isSimulated, type Envelope, type ExerciseClockView, type WorkspaceSummary } from '../../shared/protocol';
import type { AuditTrailPage, RestAnswers } from '../../shared/rest';
import type { RunningServer } from '../../server/app';
import { assessmentInject, drillScenario } from '../helpers/scenarios';
import { api, connect, createCell, settle, startTestServer, tokenFor, type TestClient } from '../helpers/server';

const SCENARIO = drillScenario(
  'EXERCISE EXERCISE EXERCISE — DRILL',
  assessmentInject('NOFORN-CANARY full assessment.', 'SANITISED-TEXT', '{ action: The US makes a tearline of it for partners., audit: tearline.create, by: USA }') +
    `  - id: I-02
    at: "+00:02"
    author: USA
    kind: create
    marking: SECRET//NOFORN
    title: Held back for EXCON
    content: MANUAL-CANARY
    release: manual
  - id: I-03
    at: "+00:04"
    author: GBR
    kind: create
    marking: SECRET//REL TO USA, GBR
    title: UK reporting
    content: GBR-CANARY
  - id: I-04
    at: "+02:00"
    author: USA
    kind: create
    marking: SECRET//REL TO USA, GBR, JPN
    title: Late development
    content: LATE-CANARY
  - id: I-05
    at: "+00:10"
    author: USA
    kind: create
    marking: SECRET//REL TO USA, GBR, JPN
    title: Reminder to share
    content: REMINDER-CANARY
    condition: { inject: I-01, expected: missed }
`,
);

let server: RunningServer;
let cell: WorkspaceSummary;
let excon: TestClient, usa: TestClient, gbr: TestClient, jpn: TestClient;
let exconToken: string;

const bytes = (client: TestClient) =>
  client.frames.map((f) => JSON.stringify(f.payload, (_k, v) => (v?.type === 'Buffer' ? Buffer.from(v.data).toString('latin1') : v))).join('\n');
const added = (client: TestClient): Envelope[] => client.frames.filter((f) => f.event === 'object:added').map((f) => f.payload as Envelope);
const clock = (action: Record<string, unknown>) => excon.ok('exercise:clock', { workspaceId: cell.id, action });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function text(client: TestClient, id: string): Promise<string> {
  const { docs, missing } = await client.ok('doc:sync', { workspaceId: cell.id, docs: [{ id }] });
  return missing.includes(id) ? '' : Buffer.from(docs[0]!.update as Uint8Array).toString('latin1');
}

beforeAll(async () => {
  server = await startTestServer();
  exconToken = await tokenFor(server.url, 'usa-excon');
  const { status, body } = await api<RestAnswers['POST /api/exercises']>(server.url, 'POST', '/api/exercises', { scenario: SCENARIO }, exconToken);
  expect(status).toBe(201);
  cell = body.exercise.cells[0]!;
  [excon, usa, gbr, jpn] = (await Promise.all(['usa-excon', 'usa-secret', 'gbr-analyst', 'jpn-analyst'].map((p) => connect(server.url, p)))) as [
    TestClient,
    TestClient,
    TestClient,
    TestClient,
  ];
  for (const c of [excon, usa, gbr, jpn]) await c.ok('workspace:join', { workspaceId: cell.id });
});
afterAll(async () => {
  for (const c of [excon, usa, gbr, jpn]) c?.close();
  await server?.close();
});

describe('creating an exercise', () => {
  test('a scenario with faults is refused whole, each fault naming its line and field', async () => {
    const broken = SCENARIO.replace('marking: SECRET//REL TO USA, GBR\n', 'marking: TOP SECRET//REL TO USA, GBR\n').replace('at: "+00:04"', 'at: soon');
    const { status, body } = await api<{ error: { code: string; message: string } }>(server.url, 'POST', '/api/exercises', { scenario: broken }, exconToken);
    expect(status).toBe(400);
    expect(body.error.message).toMatch(/^The scenario has 1 fault:\nLine 32, msel\[2\]\.at: "soon" is not a scenario time/);
  });

  test('only EXCON may start an exercise; the cells are exercise cells', async () => {
    const { status } = await api(server.url, 'POST', '/api/exercises', { scenario: SCENARIO }, await tokenFor(server.url, 'usa-fdo'));
    expect(status).toBe(403);
    expect(cell.exercise).toBe(true);
    const { clock: view } = await jpn.ok('exercise:status', { workspaceId: cell.id });
    expect(view).toMatchObject({ status: 'stopped', scenarioMs: 0, scenarioTime: '2025-03-04T06:00:00.000Z', banner: 'EXERCISE EXERCISE EXERCISE — DRILL' });
  });

  test('a subject in the simulated personas namespace is never accepted from a token', () => {
    expect(claimsSchema.safeParse({ sub: 'simulated:USA', name: 'x', nation: 'USA', clearance: 'SECRET' }).success).toBe(false);
  });
});

describe('running the scenario', () => {
  test('non-EXCON control is refused; an inject they cannot see does not exist for them', async () => {
    const refused = await jpn.call('exercise:clock', { workspaceId: cell.id, action: { type: 'start' } });
    expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await jpn.call('exercise:msel', { workspaceId: cell.id })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const hidden = await jpn.call('exercise:inject', { workspaceId: cell.id, injectId: 'I-02', action: 'hold' });
    const absent = await jpn.call('exercise:inject', { workspaceId: cell.id, injectId: 'I-99', action: 'hold' });
    expect(hidden).toEqual({ ok: false, error: { code: 'not_found', message: 'There is no inject I-02 in this scenario.' } });
    expect(absent).toEqual({ ok: false, error: { code: 'not_found', message: 'There is no inject I-99 in this scenario.' } });
  });

  test('at ×60 injects arrive at their scenario times, each only where its marking allows; pause stops them', async () => {
    await clock({ type: 'speed', speed: 60 });
    const started = Date.now();
    await clock({ type: 'start' });
    const broadcast: ExerciseClockView = await jpn.waitFor('exercise:clock', (c: ExerciseClockView) => c.status === 'running');
    expect(broadcast.speed).toBe(60);
    expect(Date.parse(broadcast.zulu)).toBeGreaterThan(0);

    const sanitised: Envelope = await jpn.waitFor('object:added', (e: Envelope) => e.marking === 'SECRET//REL TO USA, GBR, JPN');
    // +00:01 at ×60: one real second after the start, not before.
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    const full: Envelope = await usa.waitFor('object:added', (e: Envelope) => e.marking === 'SECRET//NOFORN');
    await gbr.waitFor('object:added', (e: Envelope) => e.id === sanitised.id);
    await clock({ type: 'pause' });
    expect(isSimulated(full) && isSimulated(sanitised)).toBe(true);
    expect(full.originator).toBe('USA');

    // Paused before +00:04: I-03 must not come, whatever the wait.
    await sleep(4500);
    await settle(usa, gbr, jpn);
    expect(added(usa).map((e) => e.marking)).toEqual(['SECRET//NOFORN', 'SECRET//REL TO USA, GBR, JPN']);
    expect(bytes(gbr)).not.toContain('GBR-CANARY');

    // The NOFORN version never reached JPN or GBR: not its id, not its content.
    for (const partner of [jpn, gbr]) {
      expect(bytes(partner)).not.toContain(full.id);
      expect(await text(partner, full.id)).toBe('');
    }
    expect(await text(usa, full.id)).toContain('NOFORN-CANARY');
    expect(await text(jpn, sanitised.id)).toContain('SANITISED-TEXT');
    expect(bytes(jpn)).not.toContain('NOFORN-CANARY');
  });

  test('a jump releases what is due; a manual inject waits for EXCON, who releases it', async () => {
    await clock({ type: 'jump', scenarioMs: 5 * 60_000 });
    const uk: Envelope = await gbr.waitFor('object:added', (e: Envelope) => e.marking === 'SECRET//REL TO USA, GBR');
    await usa.waitFor('object:added', (e: Envelope) => e.id === uk.id);
    const { msel } = await excon.ok('exercise:msel', { workspaceId: cell.id });
    expect(Object.fromEntries(msel.map((row) => [row.id, row.state]))).toEqual({ 'I-01': 'released', 'I-02': 'ready', 'I-03': 'released', 'I-04': 'planned', 'I-05': 'planned' });
    expect(msel.find((row) => row.id === 'I-01')!.objects).toHaveLength(2);

    const { inject } = await excon.ok('exercise:inject', { workspaceId: cell.id, injectId: 'I-02', action: 'release' });
    expect(inject.state).toBe('released');
    await usa.waitFor('object:added', (e: Envelope) => e.id === inject.objects[0]!.id);
    await settle(usa, gbr, jpn);
    expect(bytes(jpn)).not.toContain(uk.id);
    expect(bytes(jpn)).not.toContain(inject.objects[0]!.id);
    expect(added(jpn)).toHaveLength(1);
    // Released or not, I-02 is NOFORN: Japan still cannot name it; I-01 it can see, so it is refused for its role.
    expect(await jpn.call('exercise:inject', { workspaceId: cell.id, injectId: 'I-02', action: 'hold' })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await jpn.call('exercise:inject', { workspaceId: cell.id, injectId: 'I-01', action: 'hold' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  test('REAL WORLD reaches every participant and holds the clock until EXCON clears it', async () => {
    await clock({ type: 'real_world', reason: 'Real-world fire alarm in building 4.' });
    for (const c of [usa, gbr, jpn]) {
      const seen: ExerciseClockView = await c.waitFor('exercise:clock', (v: ExerciseClockView) => v.realWorld !== null);
      expect(seen.realWorld!.reason).toBe('Real-world fire alarm in building 4.');
    }
    expect(await excon.call('exercise:clock', { workspaceId: cell.id, action: { type: 'resume' } })).toMatchObject({ ok: false, error: { code: 'conflict' } });
    await clock({ type: 'clear_real_world' });
  });

  test('a player’s expected action, seen in the audit trail, cancels the contingency that waited for it', async () => {
    const full = added(usa).find((e) => e.marking === 'SECRET//NOFORN')!;
    await usa.ok('tearline:create', { workspaceId: cell.id, sourceId: full.id });
    await clock({ type: 'jump', scenarioMs: 10 * 60_000 });
    const { msel } = await excon.ok('exercise:msel', { workspaceId: cell.id });
    expect(msel.find((row) => row.id === 'I-05')!.state).toBe('cancelled');
    const { body } = await api<AuditTrailPage>(server.url, 'GET', `/api/workspaces/${cell.id}/audit`, undefined, exconToken);
    expect(body.entries.filter((e) => e.action === 'exercise.action').map((e) => e.detail)).toEqual([
      { scenarioMs: 600_000, scenarioTime: '2025-03-04T06:10:00.000Z', injectId: 'I-01', shownBy: 'tearline.create', nation: 'USA' },
    ]);
    await settle(usa, gbr, jpn);
    expect(bytes(usa)).not.toContain('REMINDER-CANARY');
  });
});

describe('audit and separation', () => {
  async function audit(persona: string): Promise<AuditTrailPage['entries']> {
    const { status, body } = await api<AuditTrailPage>(server.url, 'GET', `/api/workspaces/${cell.id}/audit`, undefined, await tokenFor(server.url, persona));
    expect(status).toBe(200);
    return body.entries;
  }

  test('every control action is audited with both clocks; a partner reader learns nothing of injects hidden from it', async () => {
    const all = await audit('usa-excon');
    const controls = all.filter((e) => e.action === 'exercise.clock' && e.actor.sub !== 'exercise-clock').map((e) => e.detail.type);
    expect(controls).toEqual(['speed', 'start', 'pause', 'jump', 'real_world', 'clear_real_world', 'jump']);
    const jump = all.find((e) => e.action === 'exercise.clock' && e.detail.type === 'jump')!;
    expect(jump.detail).toMatchObject({ scenarioMs: 300_000, scenarioTime: '2025-03-04T06:05:00.000Z' });
    expect(all.some((e) => e.action === 'exercise.msel' && e.detail.injectId === 'I-02' && e.detail.to === 'released' && e.detail.by === 'excon')).toBe(true);
    expect(all.filter((e) => e.action === 'exercise.inject').map((e) => e.detail.injectId)).toEqual(['I-01', 'I-01', 'I-03', 'I-02']);

    const partner = await audit('gbr-fdo');
    expect(partner.some((e) => e.action === 'exercise.msel' || e.action === 'exercise.action')).toBe(false);
    expect(partner.filter((e) => e.action === 'exercise.inject').map((e) => e.detail.injectId)).toEqual(['I-01', 'I-03']);
    expect(JSON.stringify(partner)).not.toContain('I-02');
  });

  test('the AAR draft is EXCON’s, from the audit trail', async () => {
    const { aar } = await excon.ok('exercise:msel', { workspaceId: cell.id });
    expect(aar).toContain('# After-action review and improvement plan: Three-nation drill');
  });

  test('an export from the exercise cell is stamped in the scenario’s banner wording', async () => {
    const sanitised = added(jpn)[0]!;
    const response = await fetch(`${server.url}/api/workspaces/${cell.id}/objects/${sanitised.id}/export`, { headers: { authorization: `Bearer ${await tokenFor(server.url, 'jpn-analyst')}` } });
    expect(response.status).toBe(200);
    expect((await response.text()).split('\n').slice(0, 2)).toEqual(['EXERCISE EXERCISE EXERCISE — DRILL', 'SECRET//REL TO USA, GBR, JPN']);
  });

  test('nothing is copied from the exercise cell into a real cell', async () => {
    const real = await createCell(server.url, await tokenFor(server.url, 'usa-fdo'), { name: 'Real cell', template: 'adhoc', members: ['USA', 'GBR'] });
    await usa.ok('workspace:join', { workspaceId: real.id });
    const exerciseObject = added(usa)[0]!;
    const copy = await usa.call('tearline:create', { workspaceId: real.id, sourceId: exerciseObject.id });
    expect(copy).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });
});
