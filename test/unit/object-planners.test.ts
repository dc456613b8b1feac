// Creating and re-marking are planned without changing anything (server/objects/create.ts,
// remark.ts): the plan says what to store, and nothing reaches the index until the cell registry
// writes it through. And a socket's messages take turns (server/sessions/messageQueue.ts).
import { describe, expect, test } from 'vitest';
import { parseMarking, type Participant } from '../../shared/markings';
import type { Envelope, WorkspaceSummary } from '../../shared/protocol';
import { createObjects, planObject } from '../../server/objects/create';
import { ObjectIndex } from '../../server/objects/objectIndex';
import { checkRemark, planRemark } from '../../server/objects/remark';
import { DEFAULT_RELEASE_POLICY } from '../../server/release/policy';
import { Audience } from '../../server/rooms/audience';
import { MessageQueue } from '../../server/sessions/messageQueue';
import type { Cell } from '../../server/workspaces/cellRegistry';
import { policyOf } from '../../server/workspaces/workspaceService';
import { envelope } from '../helpers/envelopes';

const workspace: WorkspaceSummary = {
  id: 'w1',
  name: 'Planners',
  members: ['USA', 'GBR'],
  defaultMarking: 'SECRET//REL TO USA, GBR',
  systemHigh: 'TOP SECRET',
  groups: {},
  exercise: false,
  releasePolicy: DEFAULT_RELEASE_POLICY,
  crossNationEditing: 'suggest',
  createdAt: '2026-01-01T00:00:00.000Z',
  createdBy: 'usa-analyst',
};

function cellOf(envelopes: Envelope[]): Cell {
  const policy = policyOf(workspace);
  const index = new ObjectIndex(policy, envelopes);
  return { workspace, policy, index, audience: new Audience(index, []) };
}

const usa: Participant = { nation: 'USA', clearance: 'TOP SECRET', compartments: [] };
const analyst = { sub: 'usa-analyst', participant: usa, roles: ['editor'] };

describe('planning', () => {
  test('a widening plans a new epoch for the object and each portion whose audience grows, and changes nothing', () => {
    const cell = cellOf([envelope('report', 'SECRET//NOFORN'), envelope('para', 'SECRET//REL TO USA, GBR', 'report')]);
    const before = [...cell.index.all()].map(({ envelope }) => envelope);
    const plan = planRemark(cell, 'report', { ...parseMarking('SECRET//REL TO USA, GBR', cell.policy), originator: 'USA' })!;
    expect(plan.changes.map((e) => [e.id, e.marking, e.epoch])).toEqual([
      ['report', 'SECRET//REL TO USA, GBR', 1],
      ['para', 'SECRET//REL TO USA, GBR', 1],
    ]);
    expect([...plan.epochs]).toEqual([
      ['report', 1],
      ['para', 1],
    ]);
    expect(plan.detail).toMatchObject({ from: 'SECRET//NOFORN', to: 'SECRET//REL TO USA, GBR', direction: 'widen', epoch: 1 });
    expect([...cell.index.all()].map(({ envelope }) => envelope)).toEqual(before);
  });

  test('a narrowing starts no epoch, and the same marking plans nothing', () => {
    const cell = cellOf([envelope('report', 'SECRET//REL TO USA, GBR'), envelope('para', 'SECRET//REL TO USA, GBR', 'report')]);
    const plan = planRemark(cell, 'report', { ...parseMarking('SECRET//NOFORN', cell.policy), originator: 'USA' })!;
    expect(plan.changes.map((e) => [e.id, e.epoch])).toEqual([['report', 0]]);
    expect(plan.epochs.size).toBe(0);
    expect(plan.detail.direction).toBe('narrow');
    expect(planRemark(cell, 'report', { ...parseMarking('SECRET//REL TO USA, GBR', cell.policy), originator: 'USA' })).toBeUndefined();
  });

  test('widening needs the originator’s FDO', () => {
    const cell = cellOf([envelope('report', 'SECRET//NOFORN')]);
    const entry = cell.index.get('report')!;
    expect(() => checkRemark(cell, analyst, entry, 'SECRET//REL TO USA, GBR')).toThrow(/foreign disclosure officer/);
    expect(checkRemark(cell, { ...analyst, roles: ['editor', 'fdo'] }, entry, 'SECRET//REL TO USA, GBR')).toMatchObject({ originator: 'USA' });
    const gbr = { sub: 'gbr-analyst', participant: { nation: 'GBR', clearance: 'SECRET', compartments: [] }, roles: ['editor'] };
    expect(() => checkRemark(cell, gbr, entry, 'SECRET//REL TO USA, GBR')).toThrow(/originating nation \(USA\)/);
  });

  test('a new portion is planned under the report its checks found, and indexed by no one but the registry', () => {
    const cell = cellOf([envelope('report', 'SECRET//REL TO USA, GBR')]);
    const report = cell.index.get('report')!.envelope;
    const portion = { workspaceId: 'w1', kind: 'portion' as const, parentId: 'report', marking: 'SECRET//REL TO USA, GBR' };
    const planned = planObject(cell, analyst, portion, { parent: report });
    expect(planned.envelope).toMatchObject({ parentId: 'report', originator: 'USA', createdBy: 'usa-analyst', epoch: 0 });
    expect(cell.index.get(planned.envelope.id)).toBeUndefined();
    // Without the report its checks found, the portion's report does not exist for this plan.
    expect(() => planObject(cell, analyst, portion)).toThrow(expect.objectContaining({ code: 'not_found' }));
    expect(() => planObject(cell, analyst, { ...portion, parentId: undefined })).toThrow(/give its parentId/);
  });
});

test('a socket’s messages take turns, and one that releases its turn lets the next start', async () => {
  const queue = new MessageQueue();
  const order: string[] = [];
  let finishFirst!: () => void;
  const first = queue.run(async () => {
    order.push('first starts');
    await new Promise<void>((resolve) => (finishFirst = resolve));
    order.push('first ends');
  });
  const second = queue.run(async (release) => {
    order.push('second starts');
    release();
    await new Promise((resolve) => setTimeout(resolve, 20));
    order.push('second ends');
  });
  const third = queue.run(async () => {
    order.push('third starts');
  });
  await new Promise((resolve) => setTimeout(resolve, 10));
  expect(order).toEqual(['first starts']);
  finishFirst();
  await Promise.all([first, second, third]);
  expect(order).toEqual(['first starts', 'first ends', 'second starts', 'third starts', 'second ends']);
  // A task that fails gives up its turn too.
  await expect(queue.run(async () => Promise.reject(new Error('refused')))).rejects.toThrow('refused');
  expect(await queue.run(async () => 'next')).toBe('next');
});

describe('creating', () => {
  test('objects created together are audited together, in order, then each announced', async () => {
    const cell = cellOf([]);
    const planned = ['first', 'second', 'third'].map((title, i) =>
      planObject(cell, analyst, { workspaceId: 'w1', kind: 'note', marking: 'SECRET//REL TO USA, GBR', orderKey: `a${i}` }),
    );
    const appended: string[] = [];
    const announced: string[] = [];
    let write!: () => void;
    const written = new Promise<void>((resolve) => (write = resolve));
    const done = createObjects(
      {
        cells: { createObjects: async (into, objects) => objects.forEach(({ envelope }) => into.index.put(envelope)) },
        // The log writes what was appended meanwhile in one transaction: each answer waits for it.
        audit: { append: async (draft) => (appended.push(draft.objectId!), await written, undefined) },
        fanout: { envelope: (_cell, _event, envelope) => announced.push(envelope.id) },
      },
      cell,
      { sub: 'usa-analyst', nation: 'USA' },
      planned,
    );
    const ids = planned.map(({ envelope }) => envelope.id);
    await new Promise((resolve) => setImmediate(resolve));
    // All appended before the first write finished: one write for the three, not one each in turn.
    expect(appended).toEqual(ids);
    expect(announced).toEqual([]);
    write();
    await done;
    expect(announced).toEqual(ids);
  });
});
