// workspace:join and workspace:leave: entering a cell puts the socket in its level's room and
// answers with exactly the envelopes releasable to that level. Joins are admitted at a bounded
// rate (./admission.ts).
import type { Participant } from '../../shared/markings';
import type { AckBodies, ClientPayload, Envelope } from '../../shared/protocol';
import type { Context, TearlineSocket } from '../context';
import { rateLimited } from '../errors';
import { envelopeFor } from '../objects/envelopeView';
import { roomsOf } from '../rooms/roomNames';
import type { Cell } from './cellRegistry';

/** The envelopes every one of `readers` may see, as they may see them together. */
export function visibleEnvelopes(cell: Cell, readers: readonly Participant[]): Envelope[] {
  const out: Envelope[] = [];
  for (const { envelope } of cell.index.all()) {
    if (readers.every((reader) => cell.index.canSee(reader, envelope.id))) out.push(envelopeFor(cell.index, envelope, readers));
  }
  return out;
}

export async function joinWorkspace(
  ctx: Context,
  socket: TearlineSocket,
  payload: ClientPayload<'workspace:join'>,
): Promise<AckBodies['workspace:join']> {
  const admission = ctx.joins.admit();
  if (!admission.admitted) {
    throw rateLimited('Many participants are joining at once (after a restart, say), so the server lets them in a few at a time.', admission.retryAfterMs);
  }
  try {
    return await join(ctx, socket, payload);
  } finally {
    admission.done();
  }
}

async function join(ctx: Context, socket: TearlineSocket, payload: ClientPayload<'workspace:join'>): Promise<AckBodies['workspace:join']> {
  const session = socket.data;
  const cell = await ctx.cells.forMember(payload.workspaceId, session.participant.nation);
  await ctx.cells.addLevel(cell, session.level);
  await socket.join(roomsOf(cell.workspace.id, session.level, session.encoding));
  const first = !session.joined.has(cell.workspace.id);
  session.joined.add(cell.workspace.id);
  if (first) {
    await ctx.audit.append({
      workspaceId: cell.workspace.id,
      actor: { sub: session.identity.sub, nation: session.participant.nation },
      action: 'workspace.join',
      detail: { level: session.level },
    });
    ctx.presence.offer(cell, {
      clientId: socket.id,
      sub: session.identity.sub,
      name: session.identity.name,
      nation: session.participant.nation,
    });
  }
  ctx.presence.welcome(cell, socket.id);
  return { level: session.level, objects: visibleEnvelopes(cell, [session.participant]), workspace: cell.workspace };
}

/** Leaves one cell (explicitly, or for every cell on disconnect). */
export async function leaveWorkspace(ctx: Context, socket: TearlineSocket, workspaceId: string): Promise<void> {
  const session = socket.data;
  if (!session.joined.delete(workspaceId)) return;
  delete session.presence[workspaceId];
  for (const room of roomsOf(workspaceId, session.level, session.encoding)) await socket.leave(room);
  const cell = await ctx.cells.get(workspaceId);
  if (!cell) return;
  ctx.presence.offer(cell, { clientId: socket.id, removed: true });
  await ctx.audit.append({
    workspaceId,
    actor: { sub: session.identity.sub, nation: session.participant.nation },
    action: 'workspace.leave',
    detail: { level: session.level },
  });
}

export async function leaveHandler(
  ctx: Context,
  socket: TearlineSocket,
  payload: ClientPayload<'workspace:leave'>,
): Promise<AckBodies['workspace:leave']> {
  await leaveWorkspace(ctx, socket, payload.workspaceId);
  return {};
}
