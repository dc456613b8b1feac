// The join gate and the watchers' refusal hold on every node, not only the one running the
// exercise: a node that does not run it reads the seats from the state the runner saved in the
// store. Skipped without PostgreSQL or redis-server locally.
import { describe, expect, test } from 'vitest';
import { buildContent } from '../../shared/content';
import type { Envelope, WorkspaceSummary } from '../../shared/protocol';
import type { RestAnswers } from '../../shared/rest';
import { eventually, useCluster } from '../helpers/cluster';
import { postgresTestsSkipped } from '../helpers/postgres';
import { redisTestsSkipped } from '../helpers/redis';
import { KOREAN_LIAISON, LIAISON_JOINS, SHARED_ASSESSMENT, cellScenario } from '../helpers/scenarios';
import { api, connect, createCell, tokenFor } from '../helpers/server';

const skipped = postgresTestsSkipped || redisTestsSkipped;

const SCENARIO = cellScenario(
  {
    id: 'seats',
    title: 'Seats across nodes',
    participants: [
      '{ id: us-1, name: US analyst, nation: USA, clearance: SECRET, sub: usa-secret }',
      '{ id: gb-obs, name: UK observer, nation: GBR, clearance: SECRET, exerciseRole: observer, sub: gbr-analyst }',
      KOREAN_LIAISON,
    ],
  },
  SHARED_ASSESSMENT +
    LIAISON_JOINS,
);

describe.skipIf(skipped)('exercise seats on a node that does not run the exercise', () => {
  const nodes = useCluster();

  test('the gated person is not_found there until the join, and an observer there is refused editor events', async () => {
    const [a, b] = await nodes.start({ nodes: 2 });
    const created = await api<RestAnswers['POST /api/exercises']>(a!.url, 'POST', '/api/exercises', { scenario: SCENARIO }, await tokenFor(a!.url, 'usa-excon'));
    expect(created.status).toBe(201);
    const cell: WorkspaceSummary = created.body.exercise.cells[0]!;
    expect(a!.ctx.exercises.find(cell.id)).toBeDefined();
    expect(b!.ctx.exercises.find(cell.id)).toBeUndefined();

    const kor = await connect(b!.url, 'kor-analyst');
    const gated = await kor.call('workspace:join', { workspaceId: cell.id });
    expect(gated).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await kor.call('workspace:join', { workspaceId: '00000000-0000-4000-8000-000000000000' })).toEqual(gated);

    const excon = await nodes.open(a!.url, 'usa-excon', cell.id);
    const observer = await nodes.open(b!.url, 'gbr-analyst', cell.id);
    await excon.ok('exercise:clock', { workspaceId: cell.id, action: { type: 'jump', scenarioMs: 90_000 } });
    const inject: Envelope = await observer.waitFor('object:added', (e: Envelope) => e.marking === 'SECRET//REL TO USA, GBR, JPN');
    const { docs } = await observer.ok('doc:sync', { workspaceId: cell.id, docs: [{ id: inject.id }] });
    expect(await observer.call('doc:update', { workspaceId: cell.id, id: inject.id, epoch: docs[0]!.epoch, update: buildContent({ body: 'WRITTEN' }) })).toMatchObject({
      ok: false,
      error: { code: 'forbidden', message: 'An exercise observer watches the cell and may not edit objects.' },
    });
    const create = { workspaceId: cell.id, kind: 'note', marking: 'SECRET//REL TO USA, GBR', content: buildContent({ body: '' }) };
    expect(await observer.call('object:create', create)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    // A player on the same node writes as before.
    const player = await nodes.open(b!.url, 'usa-secret', cell.id);
    await player.ok('object:create', create);

    await excon.ok('exercise:clock', { workspaceId: cell.id, action: { type: 'jump', scenarioMs: 15 * 60_000 } });
    await eventually(async () => (await kor.call('workspace:join', { workspaceId: cell.id })).ok === true, 20_000, 'the Korean liaison admitted on node B after the join');
    kor.close();
  }, 90_000);

  test('a blank exercise cell made on node A is filled and run by EXCON on node B', async () => {
    const [a, b] = await nodes.start({ nodes: 2 });
    const cell = await createCell(a!.url, await tokenFor(a!.url, 'usa-analyst'), { name: 'Blank', template: 'adhoc', members: ['USA', 'GBR', 'JPN'], exercise: true });
    expect(a!.ctx.exercises.find(cell.id)).toBeDefined();
    const excon = await nodes.open(b!.url, 'usa-excon', cell.id);
    const gbr = await nodes.open(b!.url, 'gbr-analyst', cell.id);
    const jpn = await nodes.open(b!.url, 'jpn-analyst', cell.id);
    const added = await excon.ok('exercise:inject:add', { workspaceId: cell.id, inject: { at: 1, author: 'USA', kind: 'create', marking: 'SECRET//REL TO USA, GBR', title: 'For the UK', content: 'GB' } });
    expect(added.inject).toMatchObject({ id: 'X-01', state: 'planned' });
    await excon.ok('exercise:clock', { workspaceId: cell.id, action: { type: 'jump', scenarioMs: 90_000 } });
    await gbr.waitFor('object:added', (e: Envelope) => e.marking === 'SECRET//REL TO USA, GBR', 10_000);
    expect((await excon.ok('exercise:msel', { workspaceId: cell.id })).msel.map((row: { id: string; state: string }) => [row.id, row.state])).toEqual([['X-01', 'released']]);
    expect(jpn.frames.filter((f) => f.event === 'object:added')).toEqual([]);
  }, 60_000);
});
