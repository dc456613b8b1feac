// "Create AAR report": EXCON turns the generated AAR/IP draft into a normal report of the exercise
// cell, one portion per block at the marking EXCON chose, stamped with the scenario's banner;
// it reaches only the levels that marking allows, and EXCON and a colleague edit it together.
import * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { bodyOf, fieldText } from '../../shared/content';
import type { Envelope, WorkspaceSummary } from '../../shared/protocol';
import type { RestAnswers } from '../../shared/rest';
import type { RunningServer } from '../../server/app';
import { drillScenario } from '../helpers/scenarios';
import { api, connect, replica, settle, startTestServer, tokenFor, type TestClient } from '../helpers/server';
import { textReplica } from '../helpers/textReplica';

const BANNER = 'EXERCISE EXERCISE EXERCISE — AAR DRILL';
const SCENARIO = drillScenario(
  BANNER,
  `  - id: I-01
    at: "+00:01"
    author: USA
    kind: create
    marking: SECRET//REL TO USA, GBR
    title: Shared assessment
    content: The assessment.
`,
);

let server: RunningServer;
let cell: WorkspaceSummary;
let excon: TestClient, usa: TestClient, jpn: TestClient;

beforeAll(async () => {
  server = await startTestServer();
  const { body } = await api<RestAnswers['POST /api/exercises']>(server.url, 'POST', '/api/exercises', { scenario: SCENARIO }, await tokenFor(server.url, 'usa-excon'));
  cell = body.exercise.cells[0]!;
  [excon, usa, jpn] = (await Promise.all(['usa-excon', 'usa-secret', 'jpn-analyst'].map((p) => connect(server.url, p)))) as [TestClient, TestClient, TestClient];
  for (const c of [excon, usa, jpn]) await c.ok('workspace:join', { workspaceId: cell.id });
  await excon.ok('exercise:clock', { workspaceId: cell.id, action: { type: 'jump', scenarioMs: 60_000 } });
  await usa.waitFor('object:added', (e: Envelope) => e.marking === 'SECRET//REL TO USA, GBR');
});
afterAll(async () => {
  for (const c of [excon, usa, jpn]) c?.close();
  await server?.close();
});

async function docOf(client: TestClient, id: string): Promise<Y.Doc> {
  const { docs } = await client.ok('doc:sync', { workspaceId: cell.id, docs: [{ id }] });
  const doc = new Y.Doc();
  Y.applyUpdate(doc, new Uint8Array(docs[0]!.update as Uint8Array));
  return doc;
}

describe('the AAR as a report of the cell', () => {
  test('only EXCON creates it, and only at a marking it may give', async () => {
    expect(await usa.call('exercise:aar-report', { workspaceId: cell.id, marking: 'SECRET//NOFORN' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await excon.call('exercise:aar-report', { workspaceId: cell.id, marking: 'SECRET//REL TO MARS' })).toMatchObject({ ok: false, error: { code: 'bad_marking' } });
  });

  test('one portion per block of the draft, in order, each marked, stamped with the banner; only the levels its marking allows get it', async () => {
    const { report, portions } = await excon.ok('exercise:aar-report', { workspaceId: cell.id, marking: 'SECRET//NOFORN' });
    expect(report.kind).toBe('report');
    const reportDoc = await docOf(excon, report.id);
    expect(fieldText(reportDoc, 'title')).toBe('After-action review and improvement plan: Three-nation drill');
    expect(reportDoc.getMap('fields').get('exercise')).toBe(BANNER);
    expect(portions.every((p) => p.parentId === report.id && p.portion === '(S//NF)')).toBe(true);
    expect([...portions].sort((a, b) => (a.orderKey < b.orderKey ? -1 : 1)).map((p) => p.id)).toEqual(portions.map((p) => p.id));
    const texts = await Promise.all(portions.map(async (p) => bodyOf(await docOf(excon, p.id)).toString()));
    expect(texts[0]).toBe(`**${BANNER}**`);
    expect(texts).toContain('## Time to share, per inject');
    expect(texts.find((t) => t.startsWith('| Inject |'))).toContain('| I-01 Shared assessment |');

    await usa.waitFor('object:added', (e: Envelope) => e.id === report.id);
    await settle(usa, jpn);
    const seenByUsa = usa.frames.filter((f) => f.event === 'object:added').map((f) => (f.payload as Envelope).id);
    expect(portions.every((p) => seenByUsa.includes(p.id))).toBe(true);
    expect(JSON.stringify(jpn.frames)).not.toContain(report.id);
  });

  test('EXCON and a colleague edit its paragraphs together', async () => {
    const report = usa.frames.find((f) => f.event === 'object:added' && (f.payload as Envelope).kind === 'report' && (f.payload as Envelope).marking === 'SECRET//NOFORN')!.payload as Envelope;
    const portion = usa.frames.map((f) => f.payload as Envelope).find((e) => e?.parentId === report.id)!;
    const colleague = await replica(usa, cell.id, portion);
    const writer = textReplica(Y.encodeStateAsUpdate(await docOf(excon, portion.id)));
    await excon.ok('doc:update', { workspaceId: cell.id, id: portion.id, epoch: portion.epoch, update: writer.edit((t) => t.insert(0, 'EXCON-EDIT ')) });
    await expect.poll(() => bodyOf(colleague.doc).toString()).toMatch(/^EXCON-EDIT /);
  });
});
