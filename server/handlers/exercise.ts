// Exercise control: the clock (every participant may read it; EXCON runs it) and the MSEL's
// injects (EXCON only). The runner (server/exercise/runner.ts) does the work; these declare who
// may ask. Control attempts by anyone else are refused for their role, after the inject's
// visibility: a player naming an inject they cannot see is told it does not exist.
import { generateNKeysBetween } from 'fractional-indexing';
import { buildContent, fieldText } from '../../shared/content';
import { aarMarkdown } from '../exercise/aarReport';
import { computeAar, type AarFigures } from '../exercise/aar';
import { aarDocument } from '../exercise/aarDocument';
import { exerciseCall, exerciseScenario } from '../exercise/leadership';
import type { Scenario } from '../../shared/exercise/scenario';
import { createObjects, planObject } from '../objects/create';
import { envelopeForLevel } from '../objects/envelopeView';
import { replayAt, replayTimeline } from '../exercise/replay';
import { TearlineError } from '../errors';
import { auditActor, type SessionData } from '../sessions/session';
import { TEMPLATES } from '../workspaces/templates';
import type { Context } from './context';
import { event } from './events';
import { authorOf, creation } from './objects';

const EXCON = { is: 'excon', to: 'control the exercise' } as const;

export const exerciseStatus = event('exercise:status')
  .checks({ cell: 'joined' })
  .handle(async ({ ctx, cell }) => ({ clock: await exerciseCall(ctx, cell.workspace.id, { kind: 'status' }) }));

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

export const exerciseMsel = event('exercise:msel')
  .checks({ cell: 'joined', role: { is: 'excon', to: 'read the MSEL and the after-action review' } })
  .handle(async ({ ctx, cell }) => {
    const { clock, msel } = await exerciseCall(ctx, cell.workspace.id, { kind: 'msel' });
    return { clock, msel, ...(await aarFor(ctx, scenarioOf(ctx, cell.workspace.id), cell.workspace.id)) };
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
 * EXCON's replay: the timeline, and with a level and a moment the picture that level held then,
 * no more than EXCON may see either (as view-as). Each replay asked for a picture is audited.
 */
export const exerciseReplay = event('exercise:replay')
  .checks({ cell: 'joined', role: { is: 'excon', to: 'replay the exercise' } })
  .handle(async ({ ctx, session, payload, cell }) => {
    const workspaceId = cell.workspace.id;
    const nowMs = Date.now();
    const levels = await ctx.store.listLevels(workspaceId);
    const timeline = replayTimeline(await trailOf(ctx, workspaceId), levels, cell.workspace.createdAt, nowMs);
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
 * "Create AAR report": the AAR/IP draft as a normal report of the cell (./aarDocument.ts), every
 * portion at the marking EXCON chose (the draft names every inject, so EXCON decides who may read
 * it), created by EXCON through the player's creation path (checked, audited, fanned out), then
 * edited in the cell like any report. Stamped with the scenario's banner wording.
 */
export const exerciseAarReport = event('exercise:aar-report')
  .checks({ cell: 'joined', role: { is: 'excon', to: 'write the after-action review' } })
  .handle(async ({ ctx, session, payload, cell }) => {
    const scenario = scenarioOf(ctx, cell.workspace.id);
    const { aar } = await aarFor(ctx, scenario, cell.workspace.id);
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

/** The AAR's figures and its AAR/IP draft, from the cell's whole audit trail. */
async function aarFor(ctx: Context, scenario: Scenario, workspaceId: string): Promise<{ aar: string; figures: AarFigures }> {
  const entries = await trailOf(ctx, workspaceId);
  const figures = computeAar(scenario, entries, { templates: TEMPLATES }, { rfiDeadlineMs: 30 * 60_000 });
  return { aar: aarMarkdown(scenario, figures, new Date().toISOString()), figures };
}

/** The scenario of an exercise cell, wherever its runner runs; `not_found` for a cell running none. */
function scenarioOf(ctx: Context, workspaceId: string): Scenario {
  const scenario = exerciseScenario(ctx, workspaceId);
  if (!scenario) throw new TearlineError('not_found', 'This cell is not running an exercise scenario.');
  return scenario;
}
