// awareness:update: a socket's presence in a cell, filtered per level on its way out
// (server/rooms/presence.ts), and presence sent again when the objects it points into change
// audience.
import type { PresenceState } from '../../shared/protocol';
import { TokenBucket } from '../sessions/rateLimiter';
import type { TearlineSocket } from '../sessions/session';
import { workspaceRoom } from '../rooms/roomNames';
import type { Cell } from '../workspaces/cellRegistry';
import type { Context } from './context';
import { event } from './events';

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

export const updateAwareness = event('awareness:update')
  // Pointing into an object one cannot see is refused like any other access to it.
  .checks({ cell: 'joined', object: (p) => p.state?.objectId })
  .handle(async ({ ctx, socket, session, payload, cell }) => {
    if (payload.state === null) {
      delete session.presence[cell.workspace.id];
      ctx.presence.offer(cell, { clientId: socket.id, removed: true });
      return {};
    }
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
  });

/** Re-sends the states pointing into objects after their audience changed. */
export async function refreshPresenceFor(ctx: Context, cell: Cell, objectIds: ReadonlySet<string>): Promise<void> {
  const sockets = await ctx.io.in(workspaceRoom(cell.workspace.id)).fetchSockets();
  for (const other of sockets) {
    const state = other.data.presence?.[cell.workspace.id];
    if (state?.objectId && objectIds.has(state.objectId)) ctx.presence.offer(cell, state);
  }
}
