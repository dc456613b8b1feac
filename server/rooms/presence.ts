// Awareness: who is in the cell and where. A state that points into an object is stripped of
// that pointer for every level that may not see the object, before it leaves the server. Changes
// leave in batches (server/rooms/presenceBatch.ts), filtered when they leave, so a re-mark while
// a change waits is honoured.
import { participantFromLevelKey } from '../../shared/markings';
import type { AckBodies, ClientPayload, PresenceState } from '../../shared/protocol';
import type { Context, TearlineSocket } from '../context';
import { joinedCell, visibleObject } from '../sessions/guards';
import { TokenBucket } from '../sessions/rateLimiter';
import type { Cell } from '../workspaces/cellRegistry';
import type { PresenceChange } from './presenceBatch';
import { levelRoom, workspaceRoom } from './roomNames';

/** Each socket's presence budget (TEARLINE_PRESENCE_PER_SEC, bursts of twice as many). */
const budgets = new WeakMap<TearlineSocket, TokenBucket>();

function budgetOf(ctx: Context, socket: TearlineSocket): TokenBucket {
  let budget = budgets.get(socket);
  if (!budget) {
    budget = new TokenBucket(ctx.config.presencePerSecond, ctx.config.presencePerSecond * 2);
    budgets.set(socket, budget);
  }
  return budget;
}

/**
 * How long a cell's presence changes wait: TEARLINE_PRESENCE_WINDOW_MS, or longer when the cell
 * has so many sockets on this node that one frame each per window would exceed
 * TEARLINE_PRESENCE_FRAMES_PER_SEC. Frames for a storm of rejoins then grow with its length, not
 * with the square of the cell.
 */
export function presenceWindowMs(ctx: Context, cell: Cell): number {
  const sockets = ctx.io.of('/').adapter.rooms.get(workspaceRoom(cell.workspace.id))?.size ?? 0;
  return Math.max(ctx.config.presenceWindowMs, (sockets * 1000) / ctx.config.presenceFramesPerSecond);
}

/** A presence state as one level may see it. */
export function presenceForLevel(cell: Cell, state: PresenceState, levelKey: string): PresenceState {
  if (!state.objectId || cell.index.canSee(participantFromLevelKey(levelKey), state.objectId)) return state;
  const { objectId: _o, cursor: _c, ...rest } = state;
  return rest;
}

/**
 * Sends a window's changes: per level, the states as that level may see them, and who left. Levels
 * for which no state is stripped share one frame, encoded once.
 */
export function sendPresence(ctx: Context, cell: Cell, changes: readonly PresenceChange[]): void {
  const workspaceId = cell.workspace.id;
  const states: PresenceState[] = [];
  const removed: string[] = [];
  for (const change of changes) {
    if ('removed' in change) removed.push(change.clientId);
    else states.push(change);
  }
  const body = (views: PresenceState[]) => (removed.length > 0 ? { workspaceId, states: views, removed } : { workspaceId, states: views });
  const plain: string[] = [];
  for (const level of cell.audience.knownLevels()) {
    const views = states.map((state) => presenceForLevel(cell, state, level));
    if (views.every((view, i) => view === states[i])) plain.push(levelRoom(workspaceId, level));
    else ctx.io.to(levelRoom(workspaceId, level)).emit('awareness', body(views));
  }
  if (plain.length > 0) ctx.io.to(plain).emit('awareness', body(states));
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
    ctx.presence.offer(cell, { clientId: socket.id, removed: true });
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
  ctx.presence.offer(cell, state, budgetOf(ctx, socket));
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
    if (state?.objectId && objectIds.has(state.objectId)) ctx.presence.offer(cell, state);
  }
}
