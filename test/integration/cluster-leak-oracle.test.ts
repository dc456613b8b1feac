// The leak oracle across nodes (issue 14, invariant 1): personas of different nations and
// clearances, spread over three nodes on one PostgreSQL and one Redis, create, edit, re-mark
// (narrowing and widening), release (request, then the originator's FDO approves), delete, point
// presence into objects, leave, join and reconnect to another node, in random order. After every
// step every node has applied what the others committed (a barrier: an edit from each node seen by
// an observer on every node), and then no frame any socket received holds the canary or the id of
// an object not releasable to that participant before or after the step, and each participant's
// visible set is the oracle's. Seeded: `npm test` runs a few runs of a fixed seed;
// `npm run fuzz:cluster [-- --seed N --runs K]` runs 200 or more (the seed is printed, so a failure replays).
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import { bodyOf, buildContent } from '../../shared/content';
import { canSee, parseMarking, policyWithGroups, type Marking, type Participant } from '../../shared/markings';
import { bytesOf, type Envelope } from '../../shared/protocol';
import type { RunningServer } from '../../server/app';
import { eventually, useCluster } from '../helpers/cluster';
import { ORACLE_MARKINGS, ORACLE_PERSONAS, frameText, trackVisibility } from '../helpers/leakOracle';
import { postgresTestsSkipped } from '../helpers/postgres';
import { redisTestsSkipped } from '../helpers/redis';
import { connect, createCell, replica, tokenFor, type TestClient } from '../helpers/server';

const skipped = postgresTestsSkipped || redisTestsSkipped;
const RUNS = Number(process.env.CLUSTER_ORACLE_RUNS ?? 3);
const SEED = Number(process.env.CLUSTER_ORACLE_SEED ?? 141414);
const NODES = 3;
const FANOUT_WINDOW_MS = 5;

interface Actor {
  persona: string;
  participant: Participant;
  token: string;
  node: number;
  client: TestClient;
  joined: boolean;
  visible: Set<string>;
  checked: number;
}

interface ModelObject {
  id: string;
  canary: string;
  marking: Marking;
  parentId: string | null;
  kind: 'note' | 'report' | 'portion';
  deleted: boolean;
}

/** The FDO among the personas for each originating nation. */
const FDO_OF: Record<string, number> = { USA: 0, GBR: 2 };

const policy = policyWithGroups({});

type Step =
  | { type: 'create'; actor: number; kind: 'note' | 'report' | 'portion'; marking: number; parent: number }
  | { type: 'edit'; actor: number; object: number }
  | { type: 'remark' | 'release'; actor: number; object: number; marking: number }
  | { type: 'delete' | 'focus'; actor: number; object: number }
  | { type: 'join' | 'leave' | 'reconnect'; actor: number };

const actorIndex = fc.nat({ max: ORACLE_PERSONAS.length - 1 });
const markingIndex = fc.nat({ max: ORACLE_MARKINGS.length - 1 });
const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ type: fc.constant('create' as const), actor: actorIndex, kind: fc.constantFrom('note' as const, 'report' as const, 'portion' as const), marking: markingIndex, parent: fc.nat() }) },
  { weight: 4, arbitrary: fc.record({ type: fc.constant('edit' as const), actor: actorIndex, object: fc.nat() }) },
  { weight: 4, arbitrary: fc.record({ type: fc.constantFrom('remark' as const, 'release' as const), actor: actorIndex, object: fc.nat(), marking: markingIndex }) },
  { weight: 2, arbitrary: fc.record({ type: fc.constantFrom('delete' as const, 'focus' as const), actor: actorIndex, object: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ type: fc.constantFrom('join' as const, 'leave' as const, 'reconnect' as const), actor: actorIndex }) },
);

describe.skipIf(skipped)('the leak oracle across three nodes', () => {
  const cluster = useCluster();

  test(`seed ${SEED}, ${RUNS} runs: no frame on any node carries what its receiver may not see`, { timeout: 60 * 60_000 }, async () => {
    console.log(`cluster leak oracle: seed ${SEED}, ${RUNS} runs (replay: npm run fuzz:cluster -- --seed ${SEED} --runs ${RUNS})`);
    const nodes: RunningServer[] = await cluster.start({
      nodes: NODES,
      config: { ratePerSecond: 100_000, rateBurst: 100_000, personRatePerSecond: 100_000, personRateBurst: 100_000, fanoutWindowMs: FANOUT_WINDOW_MS },
    });
    const creatorToken = await tokenFor(nodes[0]!.url, 'usa-fdo');
    const actors: Actor[] = [];
    const connectActor = async (actor: Actor) => {
      actor.client = await connect(nodes[actor.node]!.url, actor.persona, actor.token, actor.node % 2 ? 'base64' : 'binary');
      actor.checked = 0;
      actor.visible = new Set();
      actor.joined = false;
      trackVisibility(actor, actor.client);
    };
    for (const [i, p] of ORACLE_PERSONAS.entries()) {
      const actor = { persona: p.persona, participant: p.participant, node: i % NODES, token: await tokenFor(nodes[0]!.url, p.persona, p.overrides ? { overrides: p.overrides } : {}) } as Actor;
      await connectActor(actor);
      actors.push(actor);
    }

    let run = 0;
    try {
      await fc.assert(
        fc.asyncProperty(fc.array(stepArb, { minLength: 4, maxLength: 12 }), async (steps) => {
          run++;
          const cell = await createCell(nodes[0]!.url, creatorToken, { name: `Cluster oracle ${run}`, template: 'adhoc', members: ['USA', 'GBR', 'AUS', 'JPN', 'KOR'] });
          // The barrier: an UNCLASSIFIED note an observer on each node edits; every observer sees every edit.
          const observers = await Promise.all(nodes.map((node) => cluster.open(node.url, 'usa-analyst', cell.id)));
          const { object: barrier } = await observers[0]!.ok('object:create', { workspaceId: cell.id, kind: 'note', marking: 'UNCLASSIFIED', content: buildContent({ body: 'barrier ' }) });
          for (const observer of observers.slice(1)) await observer.waitFor('object:added', (e: Envelope) => e.id === barrier.id, 10_000);
          const views = await Promise.all(observers.map((observer) => replica(observer, cell.id, barrier)));
          let marks = 0;
          const settle = async () => {
            const written = await Promise.all(
              views.map(async (view) => {
                const mark = `b${marks++}.`;
                bodyOf(view.doc).insert(0, mark);
                await Promise.all(view.acks);
                return mark;
              }),
            );
            await eventually(() => views.every((view) => written.every((mark) => bodyOf(view.doc).toString().includes(mark))), 15_000, 'every node applied every other node\'s changes');
            await new Promise((resolve) => setTimeout(resolve, FANOUT_WINDOW_MS + 5));
            await Promise.all(actors.map((a) => a.client.call('awareness:update', { workspaceId: 'sync-barrier', state: null })));
          };

          const objects: ModelObject[] = [];
          const visibleTo = (actor: Actor, object: ModelObject): boolean => {
            if (object.deleted || !canSee(actor.participant, object.marking, policy)) return false;
            const parent = object.parentId ? objects.find((o) => o.id === object.parentId) : undefined;
            return parent ? visibleTo(actor, parent) : true;
          };
          const seen = () => new Map(actors.map((a) => [a, new Set(a.joined ? objects.filter((o) => visibleTo(a, o)).map((o) => o.id) : [])]));
          for (const actor of actors) {
            actor.checked = actor.client.frames.length;
            actor.joined = false;
            actor.visible.clear();
          }
          let counter = 0;

          const check = async (before: Map<Actor, Set<string>>) => {
            await settle();
            for (const actor of actors) {
              const now = new Set(actor.joined ? objects.filter((o) => visibleTo(actor, o)).map((o) => o.id) : []);
              const allowed = new Set([...now, ...(before.get(actor) ?? [])]);
              for (const frame of actor.client.frames.slice(actor.checked)) {
                const text = frameText(frame.payload);
                for (const object of objects) {
                  if (allowed.has(object.id)) continue;
                  expect(text, `${actor.persona} on node ${actor.node + 1} got ${frame.event} revealing ${object.canary} (seed ${SEED})`).not.toContain(object.canary);
                  expect(text, `${actor.persona} on node ${actor.node + 1} got ${frame.event} revealing ${object.id} (seed ${SEED})`).not.toContain(object.id);
                }
              }
              actor.checked = actor.client.frames.length;
              if (actor.joined) {
                const visible = [...actor.visible].filter((id) => id !== barrier.id).sort();
                expect(visible, `${actor.persona} on node ${actor.node + 1} visible set (seed ${SEED})`).toEqual([...now].sort());
              }
            }
          };
          const join = async (a: Actor) => {
            const answer = await a.client.ok('workspace:join', { workspaceId: cell.id });
            a.joined = true;
            for (const e of answer.objects) a.visible.add(e.id);
          };

          for (const step of steps) {
            const actor = actors[step.actor]!;
            if (!actor.joined && step.type !== 'join' && step.type !== 'reconnect') {
              const outside = seen();
              await join(actor);
              await check(outside);
            }
            const before = seen();
            const target = 'object' in step ? objects[step.object % Math.max(1, objects.length)] : undefined;
            switch (step.type) {
              case 'create': {
                const parents = objects.filter((o) => o.kind === 'report' && visibleTo(actor, o));
                const parent = step.kind === 'portion' ? parents[step.parent % Math.max(1, parents.length)] : undefined;
                if (step.kind === 'portion' && !parent) break;
                const canary = `CANARY${run}X${counter++}Z`;
                const answer = await actor.client.call('object:create', {
                  workspaceId: cell.id,
                  kind: step.kind,
                  marking: ORACLE_MARKINGS[step.marking]!,
                  ...(parent ? { parentId: parent.id } : {}),
                  content: buildContent({ body: canary, fields: { title: canary } }),
                });
                if (answer.ok) {
                  objects.push({ id: answer.object.id, canary, marking: { ...parseMarking(ORACLE_MARKINGS[step.marking]!, policy), originator: actor.participant.nation }, parentId: parent?.id ?? null, kind: step.kind, deleted: false });
                } else {
                  expect(['bad_marking', 'forbidden']).toContain(answer.error.code);
                }
                break;
              }
              case 'edit': {
                if (!target) break;
                const sync = await actor.client.ok('doc:sync', { workspaceId: cell.id, docs: [{ id: target.id }] });
                if (!visibleTo(actor, target)) {
                  expect(sync.missing).toEqual([target.id]);
                  break;
                }
                const doc = new Y.Doc();
                Y.applyUpdate(doc, bytesOf(sync.docs[0]!.update));
                const sv = Y.encodeStateVector(doc);
                bodyOf(doc).insert(bodyOf(doc).length, ` ${target.canary}`);
                const answer = await actor.client.call('doc:update', { workspaceId: cell.id, id: target.id, epoch: sync.docs[0]!.epoch, update: Y.encodeStateAsUpdate(doc, sv) });
                expect(answer).toMatchObject({ ok: true });
                break;
              }
              case 'remark': {
                if (!target) break;
                const answer = await actor.client.call('object:remark', { workspaceId: cell.id, id: target.id, marking: ORACLE_MARKINGS[step.marking]! });
                if (!visibleTo(actor, target)) expect(answer).toMatchObject({ ok: false, error: { code: 'not_found' } });
                if (answer.ok) target.marking = { ...parseMarking(ORACLE_MARKINGS[step.marking]!, policy), originator: target.marking.originator };
                break;
              }
              case 'release': {
                if (!target) break;
                const asked = await actor.client.call('release:request', { workspaceId: cell.id, id: target.id, marking: ORACLE_MARKINGS[step.marking]!, justification: 'oracle' });
                if (!visibleTo(actor, target)) expect(asked).toMatchObject({ ok: false, error: { code: 'not_found' } });
                const fdo = actors[FDO_OF[target.marking.originator ?? ''] ?? -1];
                if (!asked.ok || !fdo) break;
                if (!fdo.joined) await join(fdo);
                const decided = await fdo.client.call('release:decide', { workspaceId: cell.id, requestId: asked.request.id, decision: 'approve' });
                if (decided.ok && decided.request.state === 'approved') target.marking = { ...parseMarking(ORACLE_MARKINGS[step.marking]!, policy), originator: target.marking.originator };
                break;
              }
              case 'delete': {
                if (!target) break;
                const answer = await actor.client.call('object:delete', { workspaceId: cell.id, id: target.id });
                if (!visibleTo(actor, target)) expect(answer).toMatchObject({ ok: false, error: { code: 'not_found' } });
                if (answer.ok) target.deleted = true;
                break;
              }
              case 'focus': {
                if (!target) break;
                const answer = await actor.client.call('awareness:update', { workspaceId: cell.id, state: { objectId: target.id, cursor: { at: 1 } } });
                expect(answer.ok).toBe(visibleTo(actor, target));
                break;
              }
              case 'join':
                if (!actor.joined) await join(actor);
                break;
              case 'leave':
                await actor.client.ok('workspace:leave', { workspaceId: cell.id });
                actor.joined = false;
                actor.visible.clear();
                break;
              case 'reconnect':
                // To another node, as behind a load balancer after its node went away.
                actor.client.close();
                actor.node = (actor.node + 1) % NODES;
                await connectActor(actor);
                await join(actor);
                break;
            }
            await check(before);
          }
          for (const actor of actors) if (actor.joined) await actor.client.ok('workspace:leave', { workspaceId: cell.id });
          for (const observer of observers) cluster.leave(observer);
        }),
        { numRuns: RUNS, seed: SEED },
      );
    } finally {
      for (const actor of actors) actor.client.close();
    }
  });
});
