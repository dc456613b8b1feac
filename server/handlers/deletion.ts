// object:delete, object:restore and object:move: where an object sits, and whether it is there at
// all. The domain (server/objects/deletion.ts, reorder.ts) decides; these answer the author.
import { envelopeForLevel } from '../objects/envelopeView';
import { deleteObject, restoreObject } from '../objects/deletion';
import { moveObject } from '../objects/reorder';
import { auditActor } from '../sessions/session';
import { refreshPresenceFor } from './awareness';
import type { Context } from './context';
import { event } from './events';
import { authorOf } from './objects';

export function deletionPorts(ctx: Context) {
  return { cells: ctx.cells, docs: ctx.docs, audit: ctx.audit, fanout: ctx.fanout, audienceChanged: refreshPresenceFor.bind(null, ctx) };
}

export const deleteHandler = event('object:delete')
  .checks({ cell: 'joined', object: (p) => p.id, role: { is: 'editor', to: 'delete objects' } })
  .handle(({ ctx, session, cell, object }) => deleteObject(deletionPorts(ctx), cell, authorOf(session), object, auditActor(session)));

// A deleted object is in no index answer, so there is no object check to declare: the domain
// answers `not_found` for one the author could not see when it was deleted, as for an absent id.
export const restoreHandler = event('object:restore')
  .checks({ cell: 'joined', role: { is: 'editor', to: 'restore deleted objects' } })
  .handle(async ({ ctx, session, payload, cell }) => {
    const envelope = await restoreObject(deletionPorts(ctx), cell, authorOf(session), payload.id, auditActor(session));
    return { object: envelopeForLevel(cell.index, envelope, session.level) };
  });

export const moveHandler = event('object:move')
  .checks({ cell: 'joined', object: (p) => p.id, role: { is: 'editor', to: 'move objects' } })
  .handle(async ({ ctx, session, payload, cell, object }) => {
    const envelope = await moveObject({ cells: ctx.cells, fanout: ctx.fanout }, cell, authorOf(session), object, payload.orderKey);
    return { object: envelopeForLevel(cell.index, envelope, session.level) };
  });
