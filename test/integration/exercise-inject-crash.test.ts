// A node killed after an inject's first object is stored but before the runner saved its state
// (TEARLINE_TEST_FAULT=kill-after-inject) comes back with the inject still planned. Releasing it
// again finds the object already stored (its id is derived from the release) and makes only the
// version that was missing: each version exists once, is audited once, and the MSEL says released.
// Once on SQLite, once on PostgreSQL.
import { afterEach, expect, test } from 'vitest';
import type { Envelope, MselRow, WorkspaceSummary } from '../../shared/protocol';
import type { AuditTrailPage, RestAnswers } from '../../shared/rest';
import { childStorage } from '../helpers/childStorage';
import { describeEngines } from '../helpers/postgres';
import { kill, spawnServer, type ChildServer } from '../helpers/process';
import { assessmentInject, drillScenario } from '../helpers/scenarios';
import { api, connect, tokenFor } from '../helpers/server';

const SCENARIO = drillScenario(
  'EXERCISE EXERCISE EXERCISE',
  assessmentInject('NOFORN-CANARY', 'SANITISED-TEXT'),
);

let running: ChildServer | undefined;
afterEach(async () => {
  if (running) await kill(running);
  running = undefined;
});

describeEngines(
  'store',
  childStorage,
  (storage) => {
    test('a kill between storing an inject and saving the runner releases nothing twice after the restart', { timeout: 120_000 }, async () => {
      const env = { ...storage(), TEARLINE_NODE_ID: 'exercise-node' };
      running = await spawnServer({ ...env, TEARLINE_TEST_FAULT: 'kill-after-inject' });
      const exconToken = await tokenFor(running.url, 'usa-excon');
      const created = await api<RestAnswers['POST /api/exercises']>(running.url, 'POST', '/api/exercises', { scenario: SCENARIO }, exconToken);
      expect(created.status).toBe(201);
      const cell: WorkspaceSummary = created.body.exercise.cells[0]!;
      const excon = await connect(running.url, 'usa-excon');
      await excon.ok('workspace:join', { workspaceId: cell.id });
      const died = new Promise((resolve) => running!.child.once('exit', resolve));
      // The jump makes I-01 due; the node dies once its first version (the NOFORN one) is stored.
      excon.call('exercise:clock', { workspaceId: cell.id, action: { type: 'jump', scenarioMs: 90_000 } }).catch(() => undefined);
      await died;
      excon.close();

      running = await spawnServer(env);
      const again = await connect(running.url, 'usa-excon');
      await again.ok('workspace:join', { workspaceId: cell.id });
      const restored = await again.ok('exercise:msel', { workspaceId: cell.id });
      expect(restored.msel.map((row: MselRow) => row.state)).toEqual(['planned']);
      // EXCON makes it due again, as after any restart.
      await again.ok('exercise:clock', { workspaceId: cell.id, action: { type: 'jump', scenarioMs: 90_000 } });
      const msel: MselRow[] = (await again.ok('exercise:msel', { workspaceId: cell.id })).msel;
      expect(msel[0]).toMatchObject({ id: 'I-01', state: 'released' });
      expect(msel[0]!.objects.map((o) => o.marking)).toEqual(['SECRET//NOFORN', 'SECRET//REL TO USA, GBR, JPN']);

      const usa = await connect(running.url, 'usa-secret');
      const seen: Envelope[] = (await usa.ok('workspace:join', { workspaceId: cell.id })).objects;
      expect(seen.map((e) => e.marking).sort()).toEqual(['SECRET//NOFORN', 'SECRET//REL TO USA, GBR, JPN']);
      expect(seen.map((e) => e.id).sort()).toEqual(msel[0]!.objects.map((o) => o.id).sort());

      const trail = await api<AuditTrailPage>(running.url, 'GET', `/api/workspaces/${cell.id}/audit`, undefined, exconToken);
      const about = (action: string) => trail.body.entries.filter((e) => e.action === action).map((e) => e.objectId).sort();
      expect(about('object.create')).toEqual(seen.map((e) => e.id).sort());
      expect(about('exercise.inject')).toEqual(seen.map((e) => e.id).sort());
      again.close();
      usa.close();
    });
  },
);
