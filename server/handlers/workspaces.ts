// workspace:join, workspace:leave and workspace:view-as. Entering a cell puts the socket in its
// level's room and answers with exactly the envelopes releasable to that level. Joins are admitted
// at a bounded rate (server/workspaces/admission.ts).
import { accessLevelKey, type Participant } from '../../shared/markings';
import { TearlineError } from '../errors';
import { roomsOf } from '../rooms/roomNames';
import { auditActor, type SessionData, type TearlineSocket } from '../sessions/session';
import { joinListing, nextPage, stopListing } from '../workspaces/joinPages';
import { visibleEnvelopes } from '../workspaces/visible';
import type { Context } from './context';
import { event } from './events';

export const joinWorkspace = event('workspace:join')
  .checks({ admitted: true, cell: 'member' })
  .handle(async ({ ctx, socket, session, cell }) => {
    await ctx.cells.addLevel(cell, session.level);
    await socket.join(roomsOf(cell.workspace.id, session.level, session.encoding));
    const first = !session.joined.has(cell.workspace.id);
    session.joined.add(cell.workspace.id);
    if (first) {
      // Who a mention may name, with their attributes as of this join (server/comments/plan.ts).
      await ctx.notificationStore.rememberPerson(cell.workspace.id, { sub: session.identity.sub, name: session.identity.name, participant: session.participant });
      await ctx.audit.append({ workspaceId: cell.workspace.id, actor: auditActor(session), action: 'workspace.join', detail: { level: session.level, ...sessionNode(ctx) } });
      ctx.presence.offer(cell, { clientId: socket.id, sub: session.identity.sub, name: session.identity.name, nation: session.participant.nation });
    }
    ctx.presence.welcome(cell, socket.id);
    // After joining the rooms: an object created meanwhile is in the answer or announced, or both,
    // and every later number reaches the socket as a frame.
    const { objects, next } = joinListing(socket, cell, session.participant, ctx.config.maxPendingOutputBytes);
    const seqs = Object.fromEntries(await ctx.docs.heldSeqs(objects));
    return next === undefined ? { level: session.level, objects, workspace: cell.workspace, seqs } : { level: session.level, objects, workspace: cell.workspace, seqs, next };
  });

/** The next page of a join's objects (server/workspaces/joinPages.ts), visible to the session as it is now. */
export const listObjects = event('workspace:objects')
  .checks({ cell: 'joined' })
  .handle(async ({ ctx, socket, session, payload, cell }) => {
    const { objects, next } = nextPage(socket, cell, session.participant, payload.cursor, ctx.config.maxPendingOutputBytes);
    const seqs = Object.fromEntries(await ctx.docs.heldSeqs(objects));
    return next === undefined ? { objects, seqs } : { objects, seqs, next };
  });

/** Leaves one cell (explicitly, or for every cell on disconnect) as `session` had joined it. */
export async function leaveWorkspace(ctx: Context, socket: TearlineSocket, workspaceId: string, session: SessionData = socket.data): Promise<void> {
  if (!session.joined.delete(workspaceId)) return;
  stopListing(socket, workspaceId);
  delete session.presence[workspaceId];
  for (const room of roomsOf(workspaceId, session.level, session.encoding)) await socket.leave(room);
  const cell = await ctx.cells.get(workspaceId);
  if (!cell) return;
  ctx.presence.offer(cell, { clientId: socket.id, removed: true });
  await ctx.audit.append({ workspaceId, actor: auditActor(session), action: 'workspace.leave', detail: { level: session.level, ...sessionNode(ctx) } });
}

/**
 * Among several nodes, the node a session is on is recorded with its join and leave, so a node
 * restarting closes only its own sessions in the log, not those other nodes still hold.
 */
function sessionNode(ctx: Context): { node?: string } {
  return ctx.config.redisUrl === undefined ? {} : { node: ctx.config.nodeId };
}

export const leaveHandler = event('workspace:leave')
  .checks({ cell: 'none' })
  .handle(async ({ ctx, socket, payload }) => {
    await leaveWorkspace(ctx, socket, payload.workspaceId);
    return {};
  });

/**
 * "View as <partner>" for FDOs: the picture a partner level sees, computed by the server. It never
 * shows the FDO anything the FDO could not see: the answer is what both may see.
 */
export const viewAs = event('workspace:view-as')
  .checks({ cell: 'joined', role: { is: 'fdo', to: 'view the cell as a partner' } })
  .handle(async ({ ctx, session, payload, cell }) => {
    const partner: Participant = payload.level;
    let level: string;
    try {
      level = accessLevelKey(partner, cell.policy);
    } catch (error) {
      throw new TearlineError('bad_request', (error as Error).message);
    }
    const objects = visibleEnvelopes(cell, [partner, session.participant]);
    await ctx.audit.append({ workspaceId: cell.workspace.id, actor: auditActor(session), action: 'view_as', detail: { level, objects: objects.length } });
    return { level, objects };
  });
