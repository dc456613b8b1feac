// object:create and object:remark: the only ways an envelope (and so who can see what) changes.
// The domain plans (server/objects/create.ts, remark.ts); these handlers answer each as its
// author sees it.
import { checkCommentWithinParent } from '../comments/plan';
import { releasedToMe } from '../notifications/plan';
import { envelopeForLevel } from '../objects/envelopeView';
import { createObjects, planObject } from '../objects/create';
import { checkRemark } from '../objects/remark';
import { forbidden } from '../errors';
import { auditActor, type SessionData } from '../sessions/session';
import type { Context } from './context';
import { event } from './events';

/** What the domain needs of a session to plan for its author. */
export function authorOf(session: SessionData) {
  return { sub: session.identity.sub, participant: session.participant, roles: session.identity.roles };
}

/** The creation ports of the context. */
export function creation(ctx: Context) {
  return { cells: ctx.cells, audit: ctx.audit, fanout: ctx.fanout };
}

export const createObject = event('object:create')
  .checks({
    cell: 'joined',
    // A portion's report must be one its author may see.
    object: (p) => (p.kind === 'portion' ? p.parentId : undefined),
    role: { is: 'editor', to: 'create objects' },
  })
  .handle(async ({ ctx, session, payload, cell, object }) => {
    const planned = planObject(cell, authorOf(session), payload, object ? { parent: object.envelope } : {});
    await createObjects(creation(ctx), cell, auditActor(session), [planned]);
    return { object: envelopeForLevel(cell.index, planned.envelope, session.level) };
  });

export const remarkObject = event('object:remark')
  .checks({ cell: 'joined', object: (p) => p.id, role: { is: 'editor', to: 're-mark objects' } })
  .handle(async ({ ctx, session, payload, cell, object }) => {
    if (object.envelope.kind === 'suggestion') throw forbidden('A suggestion is marked like its paragraph: re-mark the paragraph instead.');
    const marking = checkRemark(cell, authorOf(session), object, payload.marking);
    // A comment stays no wider than what it is on, later as when it was made.
    checkCommentWithinParent(cell, object, marking);
    const from = object.envelope.marking;
    const envelope = await ctx.remark(cell, payload.id, marking, auditActor(session), { from: payload.from });
    // A direct widening tells each nation it reaches for the first time, as a release does.
    const actor = { name: session.identity.name, nation: session.participant.nation };
    const widening = { workspaceId: cell.workspace.id, objectId: envelope.id, originator: envelope.originator, from, to: envelope.marking };
    await ctx.notifier.send(releasedToMe(cell.index, widening, actor, new Date()));
    return { object: envelopeForLevel(cell.index, envelope, session.level) };
  });
