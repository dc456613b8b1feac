// Edit and release-request injects act in the cell through the paths a player's action takes: an
// edit reaches the object of its own marking as a durable update fanned out to that object's
// readers only; a release request is a tracked request in the FDO's inbox, audited, which the FDO
// decides as any other. Text written for NOFORN never reaches a partner, by either. A player's first
// answer to an RFI is recorded once (`exercise.answer`), and the AAR reads it.
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Envelope, WorkspaceSummary } from '../../shared/protocol';
import type { AuditTrailPage, RestAnswers } from '../../shared/rest';
import type { RunningServer } from '../../server/app';
import { assessmentInject, drillScenario } from '../helpers/scenarios';
import { editableFieldText } from '../../shared/content';
import { api, connect, replica, settle, startTestServer, tokenFor, type TestClient } from '../helpers/server';

const SCENARIO = drillScenario(
  'EXERCISE EXERCISE EXERCISE',
  assessmentInject('NOFORN-FIRST', 'SANITISED-FIRST') +
    `  - id: I-02
    at: "+00:02"
    author: USA
    kind: edit
    target: I-01
    marking: SECRET//NOFORN
    title: The assessment is revised
    content: NOFORN-REVISED
    variants:
      - { marking: "SECRET//REL TO USA, GBR, JPN", content: SANITISED-REVISED }
  - id: I-03
    at: "+00:03"
    author: USA
    kind: release_request
    target: I-01
    marking: SECRET//NOFORN
    title: The analyst asks to release the full assessment to the UK
    releaseTo: SECRET//REL TO USA, GBR
    content: The UK needs the full judgement.
  - id: I-04
    at: "+00:04"
    author: JPN
    kind: create
    objectKind: rfi
    marking: SECRET//REL TO USA, GBR, JPN
    title: "RFI: the vessels' intent"
    content: Japan asks for the cell's judgement.
`,
);

let server: RunningServer;
let cell: WorkspaceSummary;
let excon: TestClient, fdo: TestClient, gbr: TestClient, jpn: TestClient;

const bytes = (client: TestClient) =>
  client.frames.map((f) => JSON.stringify(f.payload, (_k, v) => (v?.type === 'Buffer' ? Buffer.from(v.data).toString('latin1') : v))).join('\n');

async function text(client: TestClient, id: string): Promise<string> {
  const { docs } = await client.ok('doc:sync', { workspaceId: cell.id, docs: [{ id }] });
  return Buffer.from(docs[0]!.update as Uint8Array).toString('latin1');
}

beforeAll(async () => {
  server = await startTestServer();
  const exconToken = await tokenFor(server.url, 'usa-excon');
  const { body } = await api<RestAnswers['POST /api/exercises']>(server.url, 'POST', '/api/exercises', { scenario: SCENARIO }, exconToken);
  cell = body.exercise.cells[0]!;
  [excon, fdo, gbr, jpn] = (await Promise.all(['usa-excon', 'usa-fdo', 'gbr-analyst', 'jpn-analyst'].map((p) => connect(server.url, p)))) as [TestClient, TestClient, TestClient, TestClient];
  for (const c of [excon, fdo, gbr, jpn]) await c.ok('workspace:join', { workspaceId: cell.id });
});
afterAll(async () => {
  for (const c of [excon, fdo, gbr, jpn]) c?.close();
  await server?.close();
});

test('an edit inject revises each version of its target with the text of the same marking, and only its readers receive it', async () => {
  await excon.ok('exercise:clock', { workspaceId: cell.id, action: { type: 'jump', scenarioMs: 150_000 } });
  const full: Envelope = await fdo.waitFor('object:added', (e: Envelope) => e.marking === 'SECRET//NOFORN');
  const sanitised: Envelope = await jpn.waitFor('object:added', (e: Envelope) => e.marking === 'SECRET//REL TO USA, GBR, JPN');
  await jpn.waitFor('doc:update', (u: { id: string }) => u.id === sanitised.id);
  await gbr.waitFor('doc:update', (u: { id: string }) => u.id === sanitised.id);
  expect(await text(fdo, full.id)).toContain('NOFORN-REVISED');
  expect(await text(jpn, sanitised.id)).toContain('SANITISED-REVISED');
  await settle(fdo, gbr, jpn);
  for (const partner of [gbr, jpn]) {
    expect(bytes(partner)).not.toContain('NOFORN-');
    expect(bytes(partner)).not.toContain(full.id);
  }
  const { msel } = await excon.ok('exercise:msel', { workspaceId: cell.id });
  expect(msel.find((row) => row.id === 'I-02')!.objects.map((o) => o.id)).toEqual([full.id, sanitised.id]);
});

test('a release request inject is a tracked request in the FDO’s inbox, by the simulated persona; the FDO’s approval releases it', async () => {
  await excon.ok('exercise:clock', { workspaceId: cell.id, action: { type: 'jump', scenarioMs: 200_000 } });
  const full = fdo.frames.find((f) => f.event === 'object:added' && (f.payload as Envelope).marking === 'SECRET//NOFORN')!.payload as Envelope;
  // The jump's answer comes once what it made due is carried out.
  const { inbox } = await fdo.ok('release:list', { workspaceId: cell.id });
  expect(inbox).toHaveLength(1);
  expect(inbox[0]).toMatchObject({ objectId: full.id, targetMarking: 'SECRET//REL TO USA, GBR', requestedBy: { sub: 'simulated:USA' } });
  expect((await gbr.ok('release:list', { workspaceId: cell.id })).inbox).toEqual([]);
  await fdo.ok('release:decide', { workspaceId: cell.id, requestId: inbox[0]!.id, decision: 'approve' });
  const released: Envelope = await gbr.waitFor('object:added', (e: Envelope) => e.id === full.id);
  expect(released.marking).toBe('SECRET//REL TO USA, GBR');
  const trail = await api<AuditTrailPage>(server.url, 'GET', `/api/workspaces/${cell.id}/audit`, undefined, await tokenFor(server.url, 'usa-excon'));
  expect(trail.body.entries.filter((e) => e.action === 'release.request').map((e) => e.actor.sub)).toEqual(['simulated:USA']);
  expect(trail.body.entries.filter((e) => e.action === 'exercise.inject').map((e) => e.detail.injectId)).toEqual(['I-01', 'I-01', 'I-02', 'I-02', 'I-03']);
});

test('a player’s first answer to an RFI inject is recorded once, with both clocks, and the AAR counts it answered', async () => {
  await excon.ok('exercise:clock', { workspaceId: cell.id, action: { type: 'jump', scenarioMs: 250_000 } });
  const rfi: Envelope = await gbr.waitFor('object:added', (e: Envelope) => e.kind === 'rfi');
  const { doc, acks } = await replica(gbr, cell.id, rfi);
  editableFieldText(doc, 'answer').insert(0, 'Under central direction.');
  editableFieldText(doc, 'answer').insert(0, 'Assessed: ');
  await Promise.all(acks);
  const trail = await api<AuditTrailPage>(server.url, 'GET', `/api/workspaces/${cell.id}/audit`, undefined, await tokenFor(server.url, 'usa-excon'));
  const answers = trail.body.entries.filter((e) => e.action === 'exercise.answer');
  expect(answers).toHaveLength(1);
  expect(answers[0]).toMatchObject({ objectId: rfi.id, actor: { sub: 'gbr-analyst', nation: 'GBR' }, detail: { scenarioMs: 250_000, scenarioTime: '2025-03-04T06:04:10.000Z' } });
  const { aar } = await excon.ok('exercise:msel', { workspaceId: cell.id });
  expect(aar).toContain('1 RFI answered in time.');
});
