// An exercise across nodes (issue 14): its runner (clock, MSEL, inject timer) runs on one node at
// a time, the holder of the exercise's PostgreSQL advisory lock; EXCON controls it from any node.
// Started on node A, controlled from node B; A is SIGKILLed: B takes the exercise over, its clock
// goes on, and each inject is released exactly once (the one A released is not released again,
// the next one fires on B). Skipped without PostgreSQL or redis-server locally, never in CI.
import { describe, expect, test } from 'vitest';
import type { Envelope, MselRow, WorkspaceSummary } from '../../shared/protocol';
import type { RestAnswers } from '../../shared/rest';
import { eventually, useCluster } from '../helpers/cluster';
import { postgresTestsSkipped } from '../helpers/postgres';
import { kill } from '../helpers/process';
import { redisTestsSkipped } from '../helpers/redis';
import { drillScenario } from '../helpers/scenarios';
import { api, createCell, tokenFor } from '../helpers/server';

const skipped = postgresTestsSkipped || redisTestsSkipped;

const SCENARIO = drillScenario(
  'EXERCISE EXERCISE EXERCISE',
  `  - id: I-01
    at: "+00:01"
    author: USA
    kind: create
    marking: SECRET//REL TO USA, GBR, JPN
    title: Before the kill
    content: FIRST-CANARY
  - id: I-02
    at: "+00:02"
    author: USA
    kind: create
    marking: SECRET//REL TO USA, GBR, JPN
    title: After the kill
    content: SECOND-CANARY
`,
);

describe.skipIf(skipped)('an exercise across nodes', () => {
  const nodes = useCluster();

  test('controlled from node B, its node A SIGKILLed: B takes it over, the clock goes on, each inject is released once', async () => {
    const [b] = await nodes.start({ nodes: 1 });
    const a = await nodes.child('node-a');
    const { status, body } = await api<RestAnswers['POST /api/exercises']>(a.url, 'POST', '/api/exercises', { scenario: SCENARIO }, await tokenFor(a.url, 'usa-excon'));
    expect(status).toBe(201);
    const cell: WorkspaceSummary = body.exercise.cells[0]!;
    expect(b!.ctx.exercises.find(cell.id)).toBeUndefined();

    const excon = await nodes.open(b!.url, 'usa-excon', cell.id);
    const control = (action: Record<string, unknown>) => excon.ok('exercise:clock', { workspaceId: cell.id, action });
    const states = async () => Object.fromEntries((await excon.ok('exercise:msel', { workspaceId: cell.id })).msel.map((row: MselRow) => [row.id, row.state]));
    // From node B, carried out on node A (which runs it): I-01 comes due with the jump.
    await control({ type: 'speed', speed: 10 });
    await control({ type: 'jump', scenarioMs: 61_000 });
    const started = await control({ type: 'start' });
    expect(started.clock.status).toBe('running');
    await eventually(async () => (await states())['I-01'] === 'released', 10_000, 'I-01 released by node A');
    expect(b!.ctx.exercises.find(cell.id)).toBeUndefined();

    await kill(a, 'SIGKILL');
    // Node B takes the exercise over from the state A saved; until then control answers `unavailable`.
    await eventually(() => b!.ctx.exercises.find(cell.id) !== undefined, 20_000, 'node B runs the exercise');
    const first = await excon.ok('exercise:status', { workspaceId: cell.id });
    expect(first.clock.status).toBe('running');
    await eventually(async () => (await excon.ok('exercise:status', { workspaceId: cell.id })).clock.scenarioMs > first.clock.scenarioMs, 10_000, 'the clock goes on');
    // I-02 comes due on node B's timer (scenario 2 min, at ×10: some seconds after the jump).
    await eventually(async () => (await states())['I-02'] === 'released', 30_000, 'I-02 released by node B');
    // Pausing from B works on B's own runner now.
    expect((await control({ type: 'pause' })).clock.status).toBe('paused');

    const reader = await nodes.open(b!.url, 'usa-excon', cell.id);
    const { objects } = await reader.ok('workspace:join', { workspaceId: cell.id });
    const byInject = await Promise.all(
      objects.map(async (object: Envelope) => {
        const { docs } = await reader.ok('doc:sync', { workspaceId: cell.id, docs: [{ id: object.id }] });
        return Buffer.from(docs[0]!.update).toString('latin1');
      }),
    );
    expect(byInject.filter((text) => text.includes('FIRST-CANARY'))).toHaveLength(1);
    expect(byInject.filter((text) => text.includes('SECOND-CANARY'))).toHaveLength(1);
  }, 120_000);

  test('a control action for a cell that runs no exercise answers not_found from any node', async () => {
    const [a, b] = await nodes.start({ nodes: 2 });
    const cell = await createCell(a!.url, await tokenFor(a!.url, 'usa-analyst'), { name: 'Real', template: 'adhoc', members: ['USA'] });
    const player = await nodes.open(b!.url, 'usa-analyst', cell.id);
    const answer = await player.call('exercise:status', { workspaceId: cell.id });
    expect(answer).toMatchObject({ ok: false, error: { code: 'not_found' } });
  }, 60_000);
});
