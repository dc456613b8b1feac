// Exercise control: the clock (every participant may read it; EXCON runs it) and the MSEL's
// injects (EXCON only). The runner (server/exercise/runner.ts) does the work; these declare who
// may ask. Control attempts by anyone else are refused for their role, after the inject's
// visibility: a player naming an inject they cannot see is told it does not exist.
import { generateNKeysBetween } from 'fractional-indexing';
import { buildContent, fieldText } from '../../shared/content';
import { aarMarkdown } from '../exercise/aarReport';
import { computeAar, type AarFigures } from '../exercise/aar';
import { aarDocument } from '../exercise/aarDocument';
import { exerciseCall, exerciseScenario, exerciseSeating } from '../exercise/leadership';
import type { WatcherRole } from '../exercise/seats';
import type { WorkspaceSummary } from '../../shared/protocol';
import type { Scenario } from '../../shared/exercise/scenario';
import { exportMsel } from '../../shared/exercise/mselCsv';
import { createObjects, markingFor, planObject } from '../objects/create';
import { envelopeForLevel } from '../objects/envelopeView';
import { levelCovered, replayAt, replayTimeline } from '../exercise/replay';
import { mayReadObservation, OBSERVE_ACTION, observationDetail, observationOf, observationsFor, type ObserverRole } from '../exercise/observations';
import { noSuchInject } from '../exercise/runner';
import { forbidden, TearlineError } from '../errors';
import { formatBanner, type Participant } from '../../shared/markings';
import { workspaceRoom } from '../rooms/roomNames';
import { auditActor, type SessionData } from '../sessions/session';
import { TEMPLATES } from '../workspaces/templates';
import type { Cell } from '../workspaces/cellRegistry';
import type { Context } from './context';
import { event } from './events';
import { authorOf, creation } from './objects';

const EXCON = { is: 'excon', to: 'control the exercise' } as const;

export const exerciseStatus = event('exercise:status')
  .checks({ cell: 'joined' })
  .handle(async ({ ctx, session, cell }) => ({
    clock: await exerciseCall(ctx, cell.workspace.id, { kind: 'status' }),
    seat: (await seatOf(ctx, cell.workspace, session.identity.sub)) ?? null,
  }));

export const exerciseClock = event('exercise:clock')
  .checks({ cell: 'joined', role: EXCON })
  .handle(async ({ ctx, session, payload, cell }) => ({ clock: await exerciseCall(ctx, cell.workspace.id, { kind: 'clock', payload, actor: auditActor(session) }) }));

export const exerciseInject = event('exercise:inject')
  .checks({ cell: 'joined', inject: (p) => p.injectId, role: EXCON })
  .handle(async ({ ctx, session, payload, cell }) => ({ inject: await exerciseCall(ctx, cell.workspace.id, { kind: 'inject', payload, actor: auditActor(session) }) }));

export const exerciseInjectAdd = event('exercise:inject:add')
  .checks({ cell: 'joined', role: EXCON })
  .handle(async ({ ctx, session, payload, cell }) => ({
    inject: await exerciseCall(ctx, cell.workspace.id, { kind: 'plan', inject: payload.inject, replace: false, actor: auditActor(session) }),
  }));

export const exerciseInjectEdit = event('exercise:inject:edit')
  .checks({ cell: 'joined', inject: (p) => p.injectId, role: EXCON })
  .handle(async ({ ctx, session, payload, cell }) => ({
    inject: await exerciseCall(ctx, cell.workspace.id, { kind: 'plan', inject: { ...payload.inject, id: payload.injectId }, replace: true, actor: auditActor(session) }),
  }));

export const exerciseMselImport = event('exercise:msel:import')
  .checks({ cell: 'joined', role: EXCON })
  .handle(({ ctx, session, payload, cell }) =>
    exerciseCall(ctx, cell.workspace.id, { kind: 'import', csv: payload.csv, dryRun: payload.dryRun ?? false, actor: auditActor(session) }),
  );

export const exerciseMsel = event('exercise:msel')
  .checks({ cell: 'joined', role: { is: 'excon', to: 'read the MSEL and the after-action review' } })
  .handle(async ({ ctx, session, cell }) => {
    const { clock, msel } = await exerciseCall(ctx, cell.workspace.id, { kind: 'msel' });
    const scenario = scenarioOf(ctx, cell.workspace.id);
    return { clock, msel, mselCsv: exportMsel(scenario.msel), ...(await aarFor(ctx, scenario, cell.workspace.id, session.participant, cell.policy)) };
  });

/**
 * After a player's edit of an RFI in an exercise cell: the first time its answer field holds text,
 * the runner records the answer (the AAR's time to answer). Read from the live doc, in memory.
 */
export async function noteRfiAnswer(ctx: Context, workspaceId: string, objectId: string, session: SessionData): Promise<void> {
  const runner = ctx.exercises.find(workspaceId);
  if (runner?.hasAnswer(objectId) || !exerciseScenario(ctx, workspaceId)) return;
  const { doc } = await ctx.docs.open(objectId);
  if (!fieldText(doc, 'answer')?.trim()) return;
  await exerciseCall(ctx, workspaceId, { kind: 'answer', objectId, actor: auditActor(session) });
}

/** After an answer object (rfi:answer) to RFI `objectId` in an exercise cell: the first one is recorded. */
export async function recordRfiAnswer(ctx: Context, workspaceId: string, objectId: string, session: SessionData): Promise<void> {
  const runner = ctx.exercises.find(workspaceId);
  if (runner && !runner.hasAnswer(objectId)) await runner.recordAnswer(workspaceId, objectId, auditActor(session));
}

/**
 * The replay, for EXCON and evaluators: the timeline, and with a level and a moment the picture that
 * level held then, no more than the requester may see either (as view-as). An evaluator is offered
 * only the levels their own access covers; any other is answered as a level that never joined.
 * Each replay asked for a picture is audited.
 */
export const exerciseReplay = event('exercise:replay')
  .checks({ cell: 'joined' })
  .handle(async ({ ctx, session, payload, cell }) => {
    const role = await watcherRoleOf(ctx, cell.workspace, session, 'replay the exercise');
    const workspaceId = cell.workspace.id;
    const nowMs = Date.now();
    const joined = await ctx.store.listLevels(workspaceId);
    const levels = role === 'excon' ? joined : joined.filter((level) => levelCovered(session.participant, level, cell.policy));
    // An inject's release marks are shown to an evaluator only for versions they may see: the rest leave no trace.
    const trail = (await trailOf(ctx, workspaceId)).filter(
      (entry) => role === 'excon' || entry.action !== 'exercise.inject' || (entry.objectId !== null && cell.index.canSee(session.participant, entry.objectId)),
    );
    const timeline = replayTimeline(trail, levels, cell.workspace.createdAt, nowMs);
    if (payload.level === undefined || payload.at === undefined) return { timeline, level: null, at: null, objects: [] };
    if (!levels.includes(payload.level)) throw new TearlineError('bad_request', `No participant at the access level ${payload.level} ever joined this cell.`);
    const atMs = Date.parse(payload.at);
    if (atMs > nowMs) throw new TearlineError('bad_request', 'A replay shows the past: choose a moment before now.');
    const history = await ctx.store.exerciseHistory(workspaceId, atMs);
    const objects = replayAt(history, atMs, [payload.level], [session.participant], cell.policy);
    await ctx.audit.append({ workspaceId, actor: auditActor(session), action: 'view_as', detail: { level: payload.level, replayAt: payload.at, objects: objects.length } });
    return { timeline, level: payload.level, at: new Date(atMs).toISOString(), objects };
  });

/**
 * An observation by EXCON or an evaluator (./../exercise/observations.ts): about an inject they may
 * see, at a marking they may read, stamped with both clocks, audited, and sent only to EXCON and
 * evaluators of the cell who may read it. The inject is checked before the role, as in dispatch.
 */
export const exerciseObserve = event('exercise:observe')
  .checks({ cell: 'joined' })
  .handle(async ({ ctx, session, payload, cell }) => {
    const workspaceId = cell.workspace.id;
    if (payload.injectId !== undefined) {
      const excon = session.identity.roles.includes('excon');
      if (!(await exerciseCall(ctx, workspaceId, { kind: 'visible', injectId: payload.injectId, participant: session.participant, excon }))) throw noSuchInject(payload.injectId);
    }
    const role = await watcherRoleOf(ctx, cell.workspace, session, 'record observations');
    const nation = session.participant.nation;
    const marking = formatBanner(markingFor(cell, authorOf(session), payload.marking, nation), cell.policy);
    const clock = await exerciseCall(ctx, workspaceId, { kind: 'status' });
    const draft = { injectId: payload.injectId ?? null, expectedAction: payload.expectedAction ?? null, text: payload.text, marking, scenarioMs: clock.scenarioMs, scenarioTime: clock.scenarioTime };
    const detail = observationDetail(draft, { nation, role });
    // Zulu time is the audit entry's own; while the storage refuses writes the entry waits in order and the answer carries the exercise clock's Zulu time.
    const entry = await ctx.audit.append({ workspaceId, actor: auditActor(session), action: OBSERVE_ACTION, detail });
    const observation = observationOf({ at: entry?.at ?? clock.zulu, actor: auditActor(session), detail });
    for (const socket of await ctx.io.in(workspaceRoom(workspaceId)).fetchSockets()) {
      if ((await observerRole(ctx, cell.workspace, socket.data)) && mayReadObservation(observation, socket.data.participant, cell.policy)) socket.emit('exercise:observation', observation);
    }
    return { observation };
  });

export const exerciseObservations = event('exercise:observations')
  .checks({ cell: 'joined' })
  .handle(async ({ ctx, session, cell }) => {
    await watcherRoleOf(ctx, cell.workspace, session, 'read the observations');
    return { observations: observationsFor(await trailOf(ctx, cell.workspace.id), session.participant, cell.policy) };
  });

/** A person's watcher seat in an exercise cell, on any node (null when this node cannot tell: no seat, fail closed). */
async function seatOf(ctx: Context, workspace: WorkspaceSummary, sub: string): Promise<WatcherRole | undefined> {
  return (await exerciseSeating(ctx, workspace))?.watcherRole(sub);
}

/** EXCON (by token role) or an evaluator (seated so by the scenario): who records and reads observations. */
async function observerRole(ctx: Context, workspace: WorkspaceSummary, session: Pick<SessionData, 'identity'>): Promise<ObserverRole | undefined> {
  if (session.identity.roles.includes('excon')) return 'excon';
  return (await seatOf(ctx, workspace, session.identity.sub)) === 'evaluator' ? 'evaluator' : undefined;
}

/** The requester's observer role, or `forbidden` in a sentence saying who may. */
async function watcherRoleOf(ctx: Context, workspace: WorkspaceSummary, session: SessionData, what: string): Promise<ObserverRole> {
  const role = await observerRole(ctx, workspace, session);
  if (role) return role;
  const seat = await seatOf(ctx, workspace, session.identity.sub);
  throw forbidden(
    seat === 'observer'
      ? `An exercise observer watches the cell and may not ${what}: only exercise control (EXCON) and evaluators may.`
      : `Only exercise control (EXCON) or an evaluator may ${what}.`,
  );
}

/**
 * "Create AAR report": the AAR/IP draft as a normal report of the cell (./aarDocument.ts), every
 * portion at the marking EXCON chose (the draft names every inject, so EXCON decides who may read
 * it), created by EXCON through the player's creation path (checked, audited, fanned out), then
 * edited in the cell like any report. Stamped with the scenario's banner wording.
 */
export const exerciseAarReport = event('exercise:aar-report')
  .checks({ cell: 'joined', role: { is: 'excon', to: 'write the after-action review' } })
  .handle(async ({ ctx, session, payload, cell }) => {
    const scenario = scenarioOf(ctx, cell.workspace.id);
    const { aar } = await aarFor(ctx, scenario, cell.workspace.id, session.participant, cell.policy);
    const document = aarDocument(aar);
    const author = authorOf(session);
    const workspaceId = cell.workspace.id;
    const report = planObject(cell, author, { workspaceId, kind: 'report', marking: payload.marking, content: buildContent({ fields: { title: document.title, exercise: scenario.banner } }) });
    const keys = generateNKeysBetween(null, null, document.portions.length);
    const portions = document.portions.map((text, i) =>
      planObject(cell, author, { workspaceId, kind: 'portion', marking: payload.marking, parentId: report.envelope.id, orderKey: keys[i]!, content: buildContent({ body: text }) }, { parent: report.envelope }),
    );
    await createObjects(creation(ctx), cell, auditActor(session), [report, ...portions]);
    return { report: envelopeForLevel(cell.index, report.envelope, session.level), portions: portions.map((p) => envelopeForLevel(cell.index, p.envelope, session.level)) };
  });

/** The cell's whole audit trail, oldest first (EXCON reads it all). */
async function trailOf(ctx: Context, workspaceId: string) {
  const entries = [];
  for (let after = 0; ; ) {
    const batch = await ctx.audit.listForWorkspace(workspaceId, { afterSeq: after, limit: 1000 });
    entries.push(...batch);
    if (batch.length < 1000) break;
    after = batch.at(-1)!.seq;
  }
  return entries;
}

/** The AAR's figures and its AAR/IP draft, from the cell's whole audit trail, with the observations `reader` may read. */
async function aarFor(ctx: Context, scenario: Scenario, workspaceId: string, reader: Participant, policy: Cell['policy']): Promise<{ aar: string; figures: AarFigures }> {
  const entries = await trailOf(ctx, workspaceId);
  const figures = computeAar(scenario, entries, { templates: TEMPLATES }, { rfiDeadlineMs: 30 * 60_000 });
  return { aar: aarMarkdown(scenario, figures, new Date().toISOString(), observationsFor(entries, reader, policy)), figures };
}

/** The scenario of an exercise cell, wherever its runner runs; `not_found` for a cell running none. */
function scenarioOf(ctx: Context, workspaceId: string): Scenario {
  const scenario = exerciseScenario(ctx, workspaceId);
  if (!scenario) throw new TearlineError('not_found', 'This cell is not running an exercise scenario.');
  return scenario;
}
