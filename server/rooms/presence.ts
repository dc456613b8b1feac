// Awareness: who is in the cell and where. A state that points into an object is stripped of
// that pointer for every level that may not see the object, before it leaves the server.
import { participantFromLevelKey } from '../../shared/markings';
import type { AckBodies, ClientPayload, PresenceState } from '../../shared/protocol';
import type { Context, TearlineSocket } from '../context';
import { joinedCell, visibleObject } from '../sessions/guards';
import type { Cell } from '../workspaces/cellRegistry';
import { levelRoom, workspaceRoom } from './roomNames';

/** A presence state as one level may see it. */
export function presenceForLevel(cell: Cell, state: PresenceState, levelKey: string): PresenceState {
  if (!state.objectId || cell.index.canSee(participantFromLevelKey(levelKey), state.objectId)) return state;
  const { objectId: _o, cursor: _c, ...rest } = state;
  return rest;
}

/** Sends one participant's state to every level of the cell, filtered per level; or that it left. */
export function broadcastPresence(ctx: Context, cell: Cell, state: PresenceState | { clientId: string; removed: true }): void {
  const workspaceId = cell.workspace.id;
  if ('removed' in state) {
    const rooms = cell.audience.knownLevels().map((level) => levelRoom(workspaceId, level));
    if (rooms.length > 0) ctx.io.to(rooms).except(state.clientId).emit('awareness', { workspaceId, states: [], removed: [state.clientId] });
    return;
  }
  for (const level of cell.audience.knownLevels()) {
    const view = presenceForLevel(cell, state, level);
    ctx.io.to(levelRoom(workspaceId, level)).except(state.clientId).emit('awareness', { workspaceId, states: [view] });
  }
}

export async function updateAwareness(
  ctx: Context,
  socket: TearlineSocket,
  payload: ClientPayload<'awareness:update'>,
): Promise<AckBodies['awareness:update']> {
  const session = socket.data;
  const cell = await joinedCell(ctx, session, payload.workspaceId);
  if (payload.state === null) {
    delete session.presence[cell.workspace.id];
    broadcastPresence(ctx, cell, { clientId: socket.id, removed: true });
    return {};
  }
  // Pointing into an object one cannot see is refused like any other access to it.
  if (payload.state.objectId) visibleObject(cell, session, payload.state.objectId);
  const state: PresenceState = {
    clientId: socket.id,
    sub: session.identity.sub,
    name: session.identity.name,
    nation: session.participant.nation,
    ...payload.state,
  };
  session.presence[cell.workspace.id] = state;
  broadcastPresence(ctx, cell, state);
  return {};
}

/** Everyone else's presence in the cell as this level may see it, across nodes. */
export async function presenceSnapshot(ctx: Context, cell: Cell, forSocket: TearlineSocket): Promise<PresenceState[]> {
  const sockets = await ctx.io.in(workspaceRoom(cell.workspace.id)).fetchSockets();
  const states: PresenceState[] = [];
  for (const other of sockets) {
    if (other.id === forSocket.id) continue;
    const state = other.data.presence?.[cell.workspace.id];
    const base: PresenceState = state ?? {
      clientId: other.id,
      sub: other.data.identity.sub,
      name: other.data.identity.name,
      nation: other.data.participant.nation,
    };
    states.push(presenceForLevel(cell, base, forSocket.data.level));
  }
  return states;
}

/** Re-sends the states pointing into an object after its audience changed. */
export async function refreshPresenceFor(ctx: Context, cell: Cell, objectIds: ReadonlySet<string>): Promise<void> {
  const sockets = await ctx.io.in(workspaceRoom(cell.workspace.id)).fetchSockets();
  for (const other of sockets) {
    const state = other.data.presence?.[cell.workspace.id];
    if (state?.objectId && objectIds.has(state.objectId)) broadcastPresence(ctx, cell, state);
  }
}
