// A server restarted mid-exercise carries it on where it stood: the clock (position, status,
// speed), each inject's state, the objects released injects became and who was shown them. Nothing
// released before the stop is released again, and EXCON's controls work on the restored runner.
// Once on SQLite, once on PostgreSQL (both stores keep the runner's state).
import { expect, test } from 'vitest';
import type { Envelope, MselRow, WorkspaceSummary } from '../../shared/protocol';
import type { AuditTrailPage, RestAnswers } from '../../shared/rest';
import type { ServerConfig } from '../../server/config';
import { describeEngines, useTestDatabase } from '../helpers/postgres';
import { assessmentInject, drillScenario } from '../helpers/scenarios';
import { api, connect, onPostgres, settle, startTestServer, tempDir, tokenFor } from '../helpers/server';

const SCENARIO = drillScenario(
  'EXERCISE EXERCISE EXERCISE',
  assessmentInject('NOFORN-CANARY', 'SANITISED-TEXT') +
    `  - id: I-02
    at: "+00:02"
    author: USA
    kind: create
    marking: SECRET//REL TO USA, GBR, JPN
    title: Waits for EXCON
    content: MANUAL-CANARY
    release: manual
  - id: I-03
    at: "+00:03"
    author: GBR
    kind: create
    marking: SECRET//REL TO USA, GBR
    title: Held by EXCON
    content: HELD-CANARY
  - id: I-04
    at: "+48:00"
    author: USA
    kind: create
    marking: SECRET//REL TO USA, GBR, JPN
    title: Far ahead
    content: LATER-CANARY
`,
);

const states = (msel: MselRow[]) => Object.fromEntries(msel.map((row) => [row.id, row.state]));

describeEngines(
  'store',
  {
    sqlite: () => () => ({ dataDir: tempDir() }) as Partial<ServerConfig>,
    postgres: () => {
      const url = useTestDatabase();
      return () => ({ dataDir: tempDir(), ...onPostgres(url()) }) as Partial<ServerConfig>;
    },
  },
  (storage) => {
    test('a restart mid-exercise keeps the clock, the MSEL and what was released; the exercise goes on from there', async () => {
      const options = storage();
      let server = await startTestServer(options);
      const exconToken = await tokenFor(server.url, 'usa-excon');
      const { status, body } = await api<RestAnswers['POST /api/exercises']>(server.url, 'POST', '/api/exercises', { scenario: SCENARIO }, exconToken);
      expect(status).toBe(201);
      const cell: WorkspaceSummary = body.exercise.cells[0]!;
      let excon = await connect(server.url, 'usa-excon');
      await excon.ok('workspace:join', { workspaceId: cell.id });
      const control = (action: Record<string, unknown>) => excon.ok('exercise:clock', { workspaceId: cell.id, action });
      await excon.ok('exercise:inject', { workspaceId: cell.id, injectId: 'I-03', action: 'hold' });
      await control({ type: 'jump', scenarioMs: 150_000 });
      await control({ type: 'speed', speed: 2 });
      await control({ type: 'start' });
      const before = await excon.ok('exercise:msel', { workspaceId: cell.id });
      expect(states(before.msel)).toEqual({ 'I-01': 'released', 'I-02': 'ready', 'I-03': 'held', 'I-04': 'planned' });
      excon.close();
      await server.close();

      server = await startTestServer(options);
      excon = await connect(server.url, 'usa-excon');
      const usa = await connect(server.url, 'usa-secret');
      const jpn = await connect(server.url, 'jpn-analyst');
      await excon.ok('workspace:join', { workspaceId: cell.id });
      const seenByUsa: Envelope[] = (await usa.ok('workspace:join', { workspaceId: cell.id })).objects;
      const seenByJpn: Envelope[] = (await jpn.ok('workspace:join', { workspaceId: cell.id })).objects;
      const after = await excon.ok('exercise:msel', { workspaceId: cell.id });
      expect(after.clock).toMatchObject({ status: 'running', speed: 2 });
      expect(after.clock.scenarioMs).toBeGreaterThanOrEqual(150_000);
      expect(states(after.msel)).toEqual(states(before.msel));
      expect(after.msel.find((row: MselRow) => row.id === 'I-01')!.objects).toEqual(before.msel.find((row: MselRow) => row.id === 'I-01')!.objects);
      // Released once, before the stop: the NOFORN version for the US, the sanitised one for Japan.
      expect(seenByUsa.map((e) => e.marking)).toEqual(['SECRET//NOFORN', 'SECRET//REL TO USA, GBR, JPN']);
      expect(seenByJpn.map((e) => e.marking)).toEqual(['SECRET//REL TO USA, GBR, JPN']);
      // A player still sees the clock; the restored runner still knows which injects Japan may name.
      expect((await jpn.ok('exercise:status', { workspaceId: cell.id })).clock).toMatchObject({ status: 'running' });
      expect(await jpn.call('exercise:inject', { workspaceId: cell.id, injectId: 'I-01', action: 'hold' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });

      // EXCON goes on: the manual inject is released, the held one unheld and released by the clock.
      await control({ type: 'pause' });
      await excon.ok('exercise:inject', { workspaceId: cell.id, injectId: 'I-02', action: 'release' });
      await excon.ok('exercise:inject', { workspaceId: cell.id, injectId: 'I-03', action: 'unhold' });
      await control({ type: 'jump', scenarioMs: 200_000 });
      await usa.waitFor('object:added', (e: Envelope) => e.marking === 'SECRET//REL TO USA, GBR');
      await jpn.waitFor('object:added', (e: Envelope) => e.marking === 'SECRET//REL TO USA, GBR, JPN');
      const { msel } = await excon.ok('exercise:msel', { workspaceId: cell.id });
      expect(states(msel)).toEqual({ 'I-01': 'released', 'I-02': 'released', 'I-03': 'released', 'I-04': 'planned' });
      await settle(usa, jpn);
      const trail = await api<AuditTrailPage>(server.url, 'GET', `/api/workspaces/${cell.id}/audit`, undefined, exconToken);
      expect(trail.body.entries.filter((e) => e.action === 'exercise.inject').map((e) => e.detail.injectId)).toEqual(['I-01', 'I-01', 'I-02', 'I-03']);
      for (const c of [excon, usa, jpn]) c.close();
      await server.close();
    });
  },
);
