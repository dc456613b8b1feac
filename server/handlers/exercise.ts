// Exercise control: the clock (every participant may read it; EXCON runs it) and the MSEL's
// injects (EXCON only). The runner (server/exercise/runner.ts) does the work; these declare who
// may ask. Control attempts by anyone else are refused for their role, after the inject's
// visibility: a player naming an inject they cannot see is told it does not exist.
import { fieldText } from '../../shared/content';
import { aarMarkdown } from '../exercise/aarReport';
import { computeAar } from '../exercise/aar';
import { exerciseCall, exerciseScenario } from '../exercise/leadership';
import type { Scenario } from '../../shared/exercise/scenario';
import { auditActor, type SessionData } from '../sessions/session';
import { TEMPLATES } from '../workspaces/templates';
import type { Context } from './context';
import { event } from './events';

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
    return { clock, msel, aar: await aarFor(ctx, exerciseScenario(ctx, cell.workspace.id)!, cell.workspace.id) };
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

/** The AAR/IP draft from the cell's whole audit trail (EXCON reads it all). */
async function aarFor(ctx: Context, scenario: Scenario, workspaceId: string): Promise<string> {
  const entries = [];
  for (let after = 0; ; ) {
    const batch = await ctx.audit.listForWorkspace(workspaceId, { afterSeq: after, limit: 1000 });
    entries.push(...batch);
    if (batch.length < 1000) break;
    after = batch.at(-1)!.seq;
  }
  const figures = computeAar(scenario, entries, { templates: TEMPLATES }, { rfiDeadlineMs: 30 * 60_000 });
  return aarMarkdown(scenario, figures, new Date().toISOString());
}
