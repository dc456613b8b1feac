// The leak oracle (invariant 1): random sequences of create / edit / re-mark / join / leave /
// reconnect / presence / comment (with mentions) / release request / notification list /
// suggestion and its decision / history across
// personas of different nations and clearances. Every object's text carries a
// canary; after every step no client has received a frame holding the canary or the id of an
// object not releasable to it (notifications included), every notification list names only
// objects it may see, every history answer starts at the epoch from which the reader could see the
// object all along (a hidden object's answered as a missing one's), and every client's visible set
// equals the oracle's. Search is over the
// client's own replicas (docs/client.md), which these frames are: test/unit/collab-visibility.properties.test.ts.
import fc from 'fast-check';
import { afterAll, beforeAll, expect, test } from 'vitest';
import * as Y from 'yjs';
import { bodyOf, buildContent } from '../../shared/content';
import { canSee, parseMarking, policyWithGroups, type Marking, type Participant } from '../../shared/markings';
import { bytesOf, type Envelope } from '../../shared/protocol';
import { opsForEdit } from '../../shared/suggestions';
import type { RunningServer } from '../../server/app';
import { ORACLE_MARKINGS, ORACLE_PERSONAS, frameText, trackVisibility } from '../helpers/leakOracle';
import { connect, createCell, startTestServer, tokenFor, type TestClient } from '../helpers/server';

const RUNS = Number(process.env.LEAK_ORACLE_RUNS ?? 200);
const FANOUT_WINDOW_MS = 5;

interface Actor {
  persona: string;
  participant: Participant;
  token: string;
  client: TestClient;
  joined: boolean;
  /** Ids this client currently believes it can see, from join answers and added/removed events. */
  visible: Set<string>;
  /** Frames already checked. */
  checked: number;
}

interface ModelObject {
  id: string;
  canary: string;
  marking: Marking;
  parentId: string | null;
  kind: 'note' | 'report' | 'portion' | 'comment' | 'suggestion';
  epoch: number;
  /** A decided suggestion: it has left every client. */
  gone?: boolean;
  /** After each step: the object's stored epoch and the personas who could see it then. */
  audiences: { epoch: number; sees: ReadonlySet<string> }[];
}

const policy = policyWithGroups({});

type Step =
  | { type: 'create'; actor: number; kind: 'note' | 'report' | 'portion'; marking: number; parent: number }
  | { type: 'edit'; actor: number; object: number; del: boolean }
  | { type: 'remark'; actor: number; object: number; marking: number }
  | { type: 'focus'; actor: number; object: number }
  | { type: 'comment'; actor: number; object: number; marking: number; mention: number }
  | { type: 'request'; actor: number; object: number; marking: number }
  | { type: 'notifications'; actor: number }
  | { type: 'suggest'; actor: number; object: number }
  | { type: 'decide'; actor: number; object: number; accept: boolean }
  | { type: 'history'; actor: number; object: number }
  | { type: 'join' | 'leave' | 'reconnect'; actor: number };

const actorIndex = fc.nat({ max: ORACLE_PERSONAS.length - 1 });
const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ type: fc.constant('create' as const), actor: actorIndex, kind: fc.constantFrom('note' as const, 'report' as const, 'report' as const, 'portion' as const, 'portion' as const), marking: fc.nat({ max: ORACLE_MARKINGS.length - 1 }), parent: fc.nat() }) },
  { weight: 4, arbitrary: fc.record({ type: fc.constant('edit' as const), actor: actorIndex, object: fc.nat(), del: fc.boolean() }) },
  { weight: 4, arbitrary: fc.record({ type: fc.constant('remark' as const), actor: actorIndex, object: fc.nat(), marking: fc.nat({ max: ORACLE_MARKINGS.length - 1 }) }) },
  { weight: 2, arbitrary: fc.record({ type: fc.constant('focus' as const), actor: actorIndex, object: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ type: fc.constantFrom('join' as const, 'leave' as const, 'reconnect' as const), actor: actorIndex }) },
  { weight: 3, arbitrary: fc.record({ type: fc.constant('comment' as const), actor: actorIndex, object: fc.nat(), marking: fc.nat({ max: ORACLE_MARKINGS.length - 1 }), mention: fc.nat({ max: ORACLE_PERSONAS.length * 2 }) }) },
  { weight: 2, arbitrary: fc.record({ type: fc.constant('request' as const), actor: actorIndex, object: fc.nat(), marking: fc.nat({ max: ORACLE_MARKINGS.length - 1 }) }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('notifications' as const), actor: actorIndex }) },
  { weight: 4, arbitrary: fc.record({ type: fc.constant('suggest' as const), actor: actorIndex, object: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ type: fc.constant('decide' as const), actor: actorIndex, object: fc.nat(), accept: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ type: fc.constant('history' as const), actor: actorIndex, object: fc.nat() }) },
);

let server: RunningServer;
let actors: Actor[];
let creatorToken: string;


async function connectActor(actor: Actor): Promise<void> {
  // Half the personas take binary fields as base64 (batched doc:updates), half as binary.
  actor.client = await connect(server.url, actor.persona, actor.token, ORACLE_PERSONAS.findIndex((p) => p.persona === actor.persona) % 2 ? 'base64' : 'binary');
  actor.checked = 0;
  actor.visible = new Set();
  actor.joined = false;
  trackVisibility(actor, actor.client);
}

beforeAll(async () => {
  // The barrier round trips are many and fast: lift the flood limits, which other tests cover.
  server = await startTestServer({
    ratePerSecond: 100_000,
    rateBurst: 100_000,
    personRatePerSecond: 100_000,
    personRateBurst: 100_000,
    fanoutWindowMs: FANOUT_WINDOW_MS,
  });
  creatorToken = await tokenFor(server.url, 'usa-fdo');
  actors = [];
  for (const p of ORACLE_PERSONAS) {
    const token = await tokenFor(server.url, p.persona, p.overrides ? { overrides: p.overrides } : {});
    const actor = { persona: p.persona, participant: p.participant, token } as Actor;
    await connectActor(actor);
    actors.push(actor);
  }
});
afterAll(async () => {
  for (const a of actors) a.client.close();
  await server.close();
});

test(`no frame ever carries what its receiver may not see (${RUNS} random runs)`, { timeout: 30 * 60_000 }, async () => {
  let run = 0;
  await fc.assert(
    fc.asyncProperty(fc.array(stepArb, { minLength: 4, maxLength: 14 }), async (steps) => {
      run++;
      // Partners edit each other's paragraphs directly here: what the oracle checks is what each frame carries.
      const cell = await createCell(server.url, creatorToken, { name: `Oracle ${run}`, template: 'adhoc', members: ['USA', 'GBR', 'AUS', 'JPN', 'KOR'], crossNationEditing: 'direct' });
      const objects: ModelObject[] = [];
      const visibleTo = (actor: Actor, object: ModelObject): boolean => {
        if (object.gone) return false;
        if (!canSee(actor.participant, object.marking, policy)) return false;
        const parent = object.parentId ? objects.find((o) => o.id === object.parentId) : undefined;
        return parent ? visibleTo(actor, parent) : true;
      };
      for (const actor of actors) {
        actor.checked = actor.client.frames.length;
        actor.joined = false;
        actor.visible.clear();
      }
      let counter = 0;

      const check = async (before: Map<Actor, Set<string>>) => {
        // Past the fan-out window, then a round trip on every socket: every frame the server sent
        // before it has arrived.
        await new Promise((r) => setTimeout(r, FANOUT_WINDOW_MS + 5));
        await Promise.all(actors.map((a) => a.client.call('awareness:update', { workspaceId: 'sync-barrier', state: null })));
        for (const actor of actors) {
          const now = new Set(actor.joined ? objects.filter((o) => visibleTo(actor, o)).map((o) => o.id) : []);
          const allowed = new Set([...now, ...(before.get(actor) ?? [])]);
          for (const frame of actor.client.frames.slice(actor.checked)) {
            const text = frameText(frame.payload);
            for (const object of objects) {
              if (allowed.has(object.id)) continue;
              expect(text, `${actor.persona} got ${frame.event} revealing ${object.canary}`).not.toContain(object.canary);
              expect(text, `${actor.persona} got ${frame.event} revealing ${object.id}`).not.toContain(object.id);
            }
          }
          actor.checked = actor.client.frames.length;
          if (actor.joined) expect([...actor.visible].sort(), `${actor.persona} visible set`).toEqual([...now].sort());
        }
      };

      for (const step of steps) {
        const actor = actors[step.actor]!;
        const join = async (a: Actor) => {
          const answer = await a.client.ok('workspace:join', { workspaceId: cell.id });
          a.joined = true;
          for (const e of answer.objects) a.visible.add(e.id);
        };
        // Acting in a cell means being in it: join first, as its own checked step.
        if (!actor.joined && step.type !== 'join' && step.type !== 'reconnect') {
          const outside = new Map(actors.map((a) => [a, new Set(a.joined ? objects.filter((o) => visibleTo(a, o)).map((o) => o.id) : [])]));
          await join(actor);
          await check(outside);
        }
        const before = new Map(actors.map((a) => [a, new Set(a.joined ? objects.filter((o) => visibleTo(a, o)).map((o) => o.id) : [])]));
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
              objects.push({
                id: answer.object.id,
                canary,
                marking: { ...parseMarking(ORACLE_MARKINGS[step.marking]!, policy), originator: actor.participant.nation },
                parentId: parent?.id ?? null,
                kind: step.kind,
                epoch: 0,
                audiences: [],
              });
            } else {
              expect(['bad_marking', 'forbidden']).toContain(answer.error.code);
            }
            break;
          }
          case 'edit': {
            const target = objects[step.object % Math.max(1, objects.length)];
            if (!target) break;
            const sync = await actor.client.ok('doc:sync', { workspaceId: cell.id, docs: [{ id: target.id }] });
            if (!visibleTo(actor, target)) {
              expect(sync.missing).toEqual([target.id]);
              break;
            }
            const doc = new Y.Doc();
            Y.applyUpdate(doc, bytesOf(sync.docs[0]!.update));
            const sv = Y.encodeStateVector(doc);
            if (target.kind === 'suggestion') {
              // A suggestion is only ever decided, never written.
              bodyOf(doc).insert(0, 'x');
              const refused = await actor.client.call('doc:update', { workspaceId: cell.id, id: target.id, epoch: sync.docs[0]!.epoch, update: Y.encodeStateAsUpdate(doc, sv) });
              expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden' } });
              break;
            }
            if (step.del && bodyOf(doc).length > 4) bodyOf(doc).delete(0, 2);
            else bodyOf(doc).insert(bodyOf(doc).length, ` ${target.canary}`);
            const answer = await actor.client.call('doc:update', { workspaceId: cell.id, id: target.id, epoch: sync.docs[0]!.epoch, update: Y.encodeStateAsUpdate(doc, sv) });
            expect(answer).toMatchObject({ ok: true });
            break;
          }
          case 'remark': {
            const target = objects[step.object % Math.max(1, objects.length)];
            if (!target) break;
            const answer = await actor.client.call('object:remark', { workspaceId: cell.id, id: target.id, marking: ORACLE_MARKINGS[step.marking]! });
            if (!visibleTo(actor, target)) expect(answer).toMatchObject({ ok: false, error: { code: 'not_found' } });
            if (answer.ok) {
              target.marking = { ...parseMarking(ORACLE_MARKINGS[step.marking]!, policy), originator: target.marking.originator };
              target.epoch = answer.object.epoch;
            }
            break;
          }
          case 'focus': {
            const target = objects[step.object % Math.max(1, objects.length)];
            if (!target) break;
            const answer = await actor.client.call('awareness:update', { workspaceId: cell.id, state: { objectId: target.id, cursor: { at: 1 } } });
            expect(answer.ok).toBe(visibleTo(actor, target));
            break;
          }
          case 'comment': {
            const target = objects[step.object % Math.max(1, objects.length)];
            if (!target) break;
            const canary = `CANARY${run}X${counter++}Z`;
            // Some comments mention a persona or a nation: the server refuses a nation (or a person's nation) that may not read it.
            const named = ORACLE_PERSONAS[step.mention % ORACLE_PERSONAS.length]!;
            const mentions = step.mention < ORACLE_PERSONAS.length ? [{ kind: 'person', sub: named.persona }] : step.mention < ORACLE_PERSONAS.length * 2 ? [{ kind: 'nation', nation: named.participant.nation }] : [];
            const answer = await actor.client.call('comment:create', { workspaceId: cell.id, onId: target.id, marking: ORACLE_MARKINGS[step.marking]!, text: canary, mentions });
            if (!visibleTo(actor, target)) expect(answer).toMatchObject({ ok: false, error: { code: 'not_found' } });
            if (answer.ok) {
              objects.push({ id: answer.object.id, canary, marking: { ...parseMarking(ORACLE_MARKINGS[step.marking]!, policy), originator: actor.participant.nation }, parentId: target.id, kind: 'comment', epoch: 0, audiences: [] });
            } else {
              expect(['bad_marking', 'forbidden', 'not_found', 'bad_request']).toContain(answer.error.code);
            }
            break;
          }
          case 'request': {
            const target = objects[step.object % Math.max(1, objects.length)];
            if (!target) break;
            const answer = await actor.client.call('release:request', { workspaceId: cell.id, id: target.id, marking: ORACLE_MARKINGS[step.marking]!, justification: 'oracle' });
            if (!visibleTo(actor, target)) expect(answer).toMatchObject({ ok: false, error: { code: 'not_found' } });
            break;
          }
          case 'suggest': {
            // Mostly on paragraphs, what suggestions are for; sometimes on anything, hidden or not.
            const pool = step.object % 4 === 0 ? objects : objects.filter((o) => o.kind === 'portion');
            const target = pool[Math.floor(step.object / 4) % Math.max(1, pool.length)];
            if (!target) break;
            const canary = `CANARY${run}X${counter++}Z`;
            const sync = await actor.client.ok('doc:sync', { workspaceId: cell.id, docs: [{ id: target.id }] });
            const doc = new Y.Doc();
            if (sync.docs[0]) Y.applyUpdate(doc, bytesOf(sync.docs[0].update));
            const ops = opsForEdit(bodyOf(doc), `${bodyOf(doc).toString()} ${canary}`);
            const answer = await actor.client.call('suggestion:create', { workspaceId: cell.id, onId: target.id, ops });
            if (!visibleTo(actor, target)) expect(answer).toMatchObject({ ok: false, error: { code: 'not_found' } });
            if (answer.ok) {
              // Marked and originated like its paragraph: exactly the paragraph's readers see it.
              objects.push({ id: answer.object.id, canary, marking: target.marking, parentId: target.id, kind: 'suggestion', epoch: 0, audiences: [] });
            } else {
              expect(['not_found', 'bad_request', 'conflict']).toContain(answer.error.code);
            }
            break;
          }
          case 'decide': {
            const suggestions = objects.filter((o) => o.kind === 'suggestion' && !o.gone);
            const target = suggestions[step.object % Math.max(1, suggestions.length)];
            if (!target) break;
            const answer = await actor.client.call('suggestion:decide', { workspaceId: cell.id, id: target.id, decision: step.accept ? 'accept' : 'reject' });
            if (!visibleTo(actor, target)) expect(answer).toMatchObject({ ok: false, error: { code: 'not_found' } });
            if (answer.ok) {
              target.gone = true;
              // Accepted, its text is the paragraph's now, read by the paragraph's audience: no longer its own canary.
              if (answer.applied) target.canary = `ACCEPTED-${target.id}`;
            } else {
              expect(['not_found', 'forbidden', 'conflict']).toContain(answer.error.code);
            }
            break;
          }
          case 'notifications': {
            const { notifications } = await actor.client.ok('notifications:list', { workspaceId: cell.id });
            for (const n of notifications) {
              const object = objects.find((o) => o.id === n.objectId);
              expect(object && visibleTo(actor, object), `${actor.persona} listed a notification about ${n.objectId}`).toBe(true);
            }
            break;
          }
          case 'history': {
            // Half the time, an object a release added this persona to, where the epoch boundary shows.
            const joinedLater = objects.filter((o) => o.audiences.some((a) => !a.sees.has(actor.persona)) && o.audiences.at(-1)?.sees.has(actor.persona) && o.audiences.at(-1)!.epoch > 0);
            const pool = step.object % 2 === 0 && joinedLater.length > 0 ? joinedLater : objects;
            const target = pool[Math.floor(step.object / 2) % Math.max(1, pool.length)];
            if (!target) break;
            const list = await actor.client.call('history:list', { workspaceId: cell.id, id: target.id });
            const version = await actor.client.call('history:version', { workspaceId: cell.id, id: target.id, version: '0.0' });
            if (!visibleTo(actor, target)) {
              expect(list).toEqual(await actor.client.call('history:list', { workspaceId: cell.id, id: `absent${counter}` }));
              expect(version).toEqual(await actor.client.call('history:version', { workspaceId: cell.id, id: `absent${counter++}`, version: '0.0' }));
              break;
            }
            if (!list.ok) throw new Error(`${actor.persona} history:list: ${list.error.message}`);
            // The earliest epoch of the unbroken run of steps after which this persona could see it.
            let from = target.audiences.at(-1)!.epoch;
            for (let i = target.audiences.length - 1; i >= 0 && target.audiences[i]!.sees.has(actor.persona); i--) from = target.audiences[i]!.epoch;
            expect(list.versions[0]?.epoch, `${actor.persona}'s history of ${target.id} starts at its epoch`).toBe(from);
            expect(list.versions.every((v) => v.epoch >= from)).toBe(true);
            const first = await actor.client.ok('history:version', { workspaceId: cell.id, id: target.id, version: list.versions[0]!.id });
            // An epoch before the reader's does not exist for them.
            if (from > 0) expect(version).toMatchObject({ ok: false, error: { code: 'not_found' } });
            const text = JSON.stringify([list, first, version]);
            for (const object of objects) {
              if (!visibleTo(actor, object)) expect(text, `${actor.persona}'s history revealing ${object.canary}`).not.toContain(object.canary);
            }
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
            actor.client.close();
            await connectActor(actor);
            await join(actor);
            break;
        }
        await check(before);
        for (const object of objects) {
          if (object.gone) continue;
          const stored = await server.ctx.store.getObject(object.id);
          object.audiences.push({ epoch: stored!.epoch, sees: new Set(actors.filter((a) => visibleTo(a, object)).map((a) => a.persona)) });
        }
      }
      for (const actor of actors) if (actor.joined) await actor.client.ok('workspace:leave', { workspaceId: cell.id });
    }),
    { numRuns: RUNS },
  );
});
