// session:refresh: a new token for the same participant. The session's identity, participant and
// level are replaced together, in one step, before anything else; this socket's other messages
// wait their turn (./connection.ts), so none sees a mixed session. When nation, clearance or
// compartments changed, the socket moves rooms and is told which objects appeared and disappeared.
import { isMember } from '../../shared/membership';
import { envelopeForLevel } from '../objects/envelopeView';
import { roomsOf } from '../rooms/roomNames';
import { participantOf } from '../sessions/identity';
import { auditActor } from '../sessions/session';
import { TearlineError } from '../errors';
import { event } from './events';
import { leaveWorkspace } from './workspaces';

export const refreshSession = event('session:refresh')
  .checks({ cell: 'none' })
  .handle(async ({ ctx, socket, session: before, payload, renewExpiry }) => {
    const identity = await ctx.verify(payload.token);
    if (identity.sub !== before.identity.sub) {
      throw new TearlineError('forbidden', 'A session can only be refreshed with a token for the same person.');
    }
    const { participant, level } = participantOf(identity);
    const session = { ...before, identity, participant, level };
    socket.data = session;
    renewExpiry(identity.exp);
    if (level === before.level) return { level };

    for (const workspaceId of [...session.joined]) {
      const cell = await ctx.cells.get(workspaceId);
      if (!cell) continue;
      const wasVisible = new Set([...cell.index.all()].filter((e) => cell.index.canSee(before.participant, e.envelope.id)).map((e) => e.envelope.id));
      await ctx.audit.append({ workspaceId, actor: auditActor(session), action: 'membership.change', detail: { from: before.level, to: level } });
      if (!isMember(cell.workspace, participant.nation)) {
        for (const id of wasVisible) socket.emit('object:removed', { id });
        // Out of the rooms of the level it joined at, recorded as the participant who joined.
        await leaveWorkspace(ctx, socket, workspaceId, before);
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
    return { level };
  });
