// Replay by access level against what each nation's client held live: during a scripted exercise
// (injects released by jumps, an edit, a widening that starts a new epoch, a deletion, a player's
// own report) the envelopes each client holds, tracked from the frames it received, and their
// content are snapshot at several moments; afterwards EXCON's replay of each client's level at
// each moment must be exactly that. The replay is EXCON's alone and never more than a level held.
import * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { bodyOf, buildContent, fieldsOf } from '../../shared/content';
import type { Envelope, ReplayObject, WorkspaceSummary } from '../../shared/protocol';
import type { RestAnswers } from '../../shared/rest';
import type { RunningServer } from '../../server/app';
import { assessmentInject, drillScenario } from '../helpers/scenarios';
import { api, connect, settle, startTestServer, tokenFor, type TestClient } from '../helpers/server';
import { textReplica } from '../helpers/textReplica';

const SCENARIO = drillScenario(
  'EXERCISE EXERCISE EXERCISE',
  assessmentInject('NOFORN-CANARY full assessment.', 'SANITISED-TEXT') +
    `  - id: I-02
    at: "+00:03"
    author: GBR
    kind: create
    marking: SECRET//REL TO USA, GBR
    title: UK reporting
    content: GBR-CANARY
`,
);

interface Snapshot {
  atMs: number;
  level: string;
  objects: ReplayObject[];
}

let server: RunningServer;
let cell: WorkspaceSummary;
let excon: TestClient, usa: TestClient, fdo: TestClient, gbr: TestClient, jpn: TestClient;
const levels = new Map<TestClient, string>();
const joined = new Map<TestClient, Envelope[]>();
const snapshots: Snapshot[] = [];

const byId = (a: ReplayObject, b: ReplayObject) => a.envelope.id.localeCompare(b.envelope.id);

/** The envelopes a client holds: its join answer, then every added, changed and removed frame in order. */
function held(client: TestClient): Envelope[] {
  const envelopes = new Map(joined.get(client)!.map((e) => [e.id, e]));
  for (const { event, payload } of client.frames) {
    if (event === 'object:added' || event === 'object:changed') envelopes.set((payload as Envelope).id, payload as Envelope);
    if (event === 'object:removed') envelopes.delete((payload as { id: string }).id);
  }
  return [...envelopes.values()];
}

/** Each held object with the content the client's doc of it has now. */
async function liveView(client: TestClient): Promise<ReplayObject[]> {
  const envelopes = held(client);
  const { docs, missing } = await client.ok('doc:sync', { workspaceId: cell.id, docs: envelopes.map((e) => ({ id: e.id })) });
  expect(missing).toEqual([]);
  return envelopes
    .map((envelope) => {
      const doc = new Y.Doc();
      Y.applyUpdate(doc, new Uint8Array(docs.find((d) => d.id === envelope.id)!.update as Uint8Array));
      return { envelope, content: { fields: fieldsOf(doc).toJSON(), body: bodyOf(doc).toString() } };
    })
    .sort(byId);
}

/** Every player's picture now, once nothing is in flight; the next step starts after this moment. */
async function snapshotAll(): Promise<void> {
  const players = [usa, fdo, gbr, jpn];
  await settle(...players);
  const atMs = Date.now();
  for (const client of players) snapshots.push({ atMs, level: levels.get(client)!, objects: await liveView(client) });
  await new Promise((r) => setTimeout(r, 5));
}

async function replay(level: string, atMs: number): Promise<ReplayObject[]> {
  const { objects } = await excon.ok('exercise:replay', { workspaceId: cell.id, level, at: new Date(atMs).toISOString() });
  return [...objects].sort(byId);
}

const clock = (action: Record<string, unknown>) => excon.ok('exercise:clock', { workspaceId: cell.id, action });

beforeAll(async () => {
  server = await startTestServer();
  const exconToken = await tokenFor(server.url, 'usa-excon');
  const { status, body } = await api<RestAnswers['POST /api/exercises']>(server.url, 'POST', '/api/exercises', { scenario: SCENARIO }, exconToken);
  expect(status).toBe(201);
  cell = body.exercise.cells[0]!;
  [excon, usa, fdo, gbr, jpn] = (await Promise.all(['usa-excon', 'usa-secret', 'usa-fdo', 'gbr-analyst', 'jpn-analyst'].map((p) => connect(server.url, p)))) as [TestClient, TestClient, TestClient, TestClient, TestClient];
  for (const client of [excon, usa, fdo, gbr, jpn]) {
    const answer = await client.ok('workspace:join', { workspaceId: cell.id });
    levels.set(client, answer.level);
    joined.set(client, answer.objects);
  }

  await snapshotAll();
  await clock({ type: 'start' });
  await clock({ type: 'jump', scenarioMs: 60_000 });
  const full: Envelope = await usa.waitFor('object:added', (e: Envelope) => e.marking === 'SECRET//NOFORN');
  const sanitised: Envelope = await jpn.waitFor('object:added', (e: Envelope) => e.marking === 'SECRET//REL TO USA, GBR, JPN');
  await snapshotAll();

  // A US edit of the NOFORN assessment: only US levels hold it.
  const { docs } = await usa.ok('doc:sync', { workspaceId: cell.id, docs: [{ id: full.id }] });
  const writer = textReplica(new Uint8Array(docs[0]!.update as Uint8Array));
  await usa.ok('doc:update', { workspaceId: cell.id, id: full.id, epoch: full.epoch, update: writer.edit((t) => t.insert(0, 'EDITED-BEFORE-RELEASE ')) });
  await clock({ type: 'jump', scenarioMs: 3 * 60_000 });
  await gbr.waitFor('object:added', (e: Envelope) => e.marking === 'SECRET//REL TO USA, GBR');
  await snapshotAll();

  // The US FDO releases the assessment to Japan: a new epoch; Japan gains it, Britain still does not.
  await fdo.ok('object:remark', { workspaceId: cell.id, id: full.id, marking: 'SECRET//REL TO USA, JPN' });
  await jpn.waitFor('object:added', (e: Envelope) => e.id === full.id);
  await snapshotAll();

  // The sanitised version is deleted, and Japan writes a note for the United States and itself.
  await usa.ok('object:delete', { workspaceId: cell.id, id: sanitised.id });
  await jpn.ok('object:create', { workspaceId: cell.id, kind: 'note', marking: 'SECRET//REL TO USA, JPN', content: buildContent({ fields: { title: 'To the US' }, body: 'JPN-REL-CANARY' }) });
  await snapshotAll();
}, 60_000);

afterAll(async () => {
  for (const c of [excon, usa, fdo, gbr, jpn]) c?.close();
  await server?.close();
});

describe('replay by access level', () => {
  test('each level’s replay at each moment is exactly what its client held then', async () => {
    expect(snapshots).toHaveLength(5 * 4);
    for (const snapshot of snapshots) {
      expect({ level: snapshot.level, atMs: snapshot.atMs, objects: await replay(snapshot.level, snapshot.atMs) }).toEqual({ ...snapshot });
    }
    // The script did change the pictures: levels differ, and the pictures grew and changed.
    const jpnLevel = levels.get(jpn)!;
    const jpnPictures = snapshots.filter((s) => s.level === jpnLevel).map((s) => s.objects.length);
    expect(jpnPictures).toEqual([0, 1, 1, 2, 2]);
  });

  test('a lower level’s replay never shows what it could not see then, even what it was given later', async () => {
    const jpnLevel = levels.get(jpn)!;
    const beforeRelease = snapshots.filter((s) => s.level === jpnLevel)[2]!;
    const text = JSON.stringify(await replay(jpnLevel, beforeRelease.atMs));
    expect(text).not.toContain('NOFORN-CANARY');
    expect(text).not.toContain('GBR-CANARY');
    // After the release Japan holds the new epoch: the current text, never a trace of the NOFORN edit history beyond it.
    const afterRelease = await replay(jpnLevel, snapshots.filter((s) => s.level === jpnLevel)[3]!.atMs);
    expect(afterRelease.map((o) => o.content.body).join()).toContain('EDITED-BEFORE-RELEASE NOFORN-CANARY');
    // Japan's note for the United States is not in Britain's replay.
    expect(JSON.stringify(await replay(levels.get(gbr)!, snapshots.at(-1)!.atMs))).not.toContain('JPN-REL-CANARY');
  });

  test('EXCON is shown no more than EXCON may see: Japan’s NOFORN note stays out of the replay of Japan’s level', async () => {
    const { object } = await jpn.ok('object:create', { workspaceId: cell.id, kind: 'note', marking: 'SECRET//NOFORN', content: buildContent({ body: 'JPN-NOFORN-CANARY' }) });
    await settle(jpn);
    expect(held(jpn).map((e) => e.id)).toContain(object.id);
    const now = Date.now();
    const replayed = await replay(levels.get(jpn)!, now);
    expect(replayed.map((o) => o.envelope.id)).not.toContain(object.id);
    expect(JSON.stringify(replayed)).not.toContain('JPN-NOFORN-CANARY');
    expect(replayed.length).toBe(2);
  });

  test('only EXCON replays, and only levels that joined the cell; the timeline carries the clock and the injects', async () => {
    expect(await jpn.call('exercise:replay', { workspaceId: cell.id })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await excon.call('exercise:replay', { workspaceId: cell.id, level: 'DEU|S|', at: new Date().toISOString() })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(await excon.call('exercise:replay', { workspaceId: cell.id, level: 'USA|S|', at: 'yesterday' })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    const { timeline, objects } = await excon.ok('exercise:replay', { workspaceId: cell.id });
    expect(objects).toEqual([]);
    expect(timeline.levels).toEqual(expect.arrayContaining([...levels.values()]));
    expect(timeline.injects.map((i) => i.injectId)).toEqual(['I-01', 'I-02']);
    expect(timeline.clock.map((c) => c.status)).toEqual(['running', 'running', 'running']);
    // An inject's mark is when all its versions were in: Japan then held the sanitised one.
    const released = Date.parse(timeline.injects[0]!.zulu);
    expect((await replay(levels.get(jpn)!, released)).map((o) => o.envelope.marking)).toEqual(['SECRET//REL TO USA, GBR, JPN']);
  });
});
