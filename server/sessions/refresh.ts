// session:refresh: a new token for the same participant. When nation, clearance or compartments
// changed, the socket moves rooms at once and is told which objects appeared and disappeared.
import type { AckBodies, ClientPayload } from '../../shared/protocol';
import type { Context, TearlineSocket } from '../context';
import { TearlineError } from '../errors';
import { envelopeForLevel } from '../objects/envelopeView';
import { roomsOf } from '../rooms/roomNames';
import { isMember } from '../../shared/membership';
import { leaveWorkspace } from '../workspaces/joinHandlers';
import { participantOf } from './identity';

export async function refreshSession(
  ctx: Context,
  socket: TearlineSocket,
  payload: ClientPayload<'session:refresh'>,
  onNewExpiry: (exp: number) => void,
): Promise<AckBodies['session:refresh']> {
  const identity = await ctx.verify(payload.token);
  const session = socket.data;
  if (identity.sub !== session.identity.sub) {
    throw new TearlineError('forbidden', 'A session can only be refreshed with a token for the same person.');
  }
  const { participant, level } = participantOf(identity);
  const before = { participant: session.participant, level: session.level };
  session.identity = identity;
  onNewExpiry(identity.exp);
  if (level === before.level) return { level };

  for (const workspaceId of [...session.joined]) {
    const cell = await ctx.cells.get(workspaceId);
    if (!cell) continue;
    const wasVisible = new Set([...cell.index.all()].filter((e) => cell.index.canSee(before.participant, e.envelope.id)).map((e) => e.envelope.id));
    await ctx.audit.append({
      workspaceId,
      actor: { sub: identity.sub, nation: identity.nation },
      action: 'membership.change',
      detail: { from: before.level, to: level },
    });
    if (!isMember(cell.workspace, participant.nation)) {
      for (const id of wasVisible) socket.emit('object:removed', { id });
      await leaveWorkspace(ctx, socket, workspaceId);
      continue;
    }
    await ctx.cells.addLevel(cell, level);
    for (const room of roomsOf(workspaceId, before.level, session.encoding)) await socket.leave(room);
    await socket.join(roomsOf(workspaceId, level, session.encoding));
    for (const { envelope } of cell.index.all()) {
      const visible = cell.index.canSee(participant, envelope.id);
      if (wasVisible.has(envelope.id) && !visible) socket.emit('object:removed', { id: envelope.id });
      else if (!wasVisible.has(envelope.id) && visible) socket.emit('object:added', envelopeForLevel(cell.index, envelope, level));
    }
  }
  session.participant = participant;
  session.level = level;
  return { level };
}
