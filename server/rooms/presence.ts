// Awareness: who is in the cell and where. A state that points into an object is stripped of
// that pointer for every level that may not see the object, before it leaves the server. Changes
// leave in batches (server/rooms/presenceBatch.ts), filtered when they leave, so a re-mark while
// a change waits is honoured. States sent to a level may include its own sockets' states. Frames
// go to this node's own sockets only: other nodes get the changes unfiltered and filter them with
// their own envelopes (server/rooms/presenceRelay.ts).
import { participantFromLevelKey } from '../../shared/markings';
import type { Logger } from 'pino';
import type { PresenceState } from '../../shared/protocol';
import type { ServerConfig } from '../config';
import type { TearlineServer } from '../sessions/session';
import type { Cell } from '../workspaces/cellRegistry';
import type { PresenceChange } from './presenceBatch';
import { levelRoom, workspaceRoom } from './roomNames';

/** What sending presence needs: the sockets of a cell (on any node) and where to log. */
export interface PresenceDeps {
  io: TearlineServer;
  log: Pick<Logger, 'error'>;
  config: Pick<ServerConfig, 'presenceWindowMs' | 'presenceFramesPerSecond'>;
}

/**
 * How long a cell's presence changes wait: TEARLINE_PRESENCE_WINDOW_MS, or longer when the cell
 * has so many sockets on this node that one frame each per window would exceed
 * TEARLINE_PRESENCE_FRAMES_PER_SEC. Frames for a storm of rejoins then grow with its length, not
 * with the square of the cell.
 */
export function presenceWindowMs(deps: PresenceDeps, cell: Cell): number {
  const sockets = deps.io.of('/').adapter.rooms.get(workspaceRoom(cell.workspace.id))?.size ?? 0;
  return Math.max(deps.config.presenceWindowMs, (sockets * 1000) / deps.config.presenceFramesPerSecond);
}

/** A presence state as one level may see it. */
export function presenceForLevel(cell: Cell, state: PresenceState, levelKey: string): PresenceState {
  if (!state.objectId || cell.index.canSee(participantFromLevelKey(levelKey), state.objectId)) return state;
  const { objectId: _o, cursor: _c, ...rest } = state;
  return rest;
}

/**
 * Sends a window's changes: per level, the states as that level may see them, and who left. Levels
 * for which no state is stripped share one frame, encoded once. Then the window's newcomers get
 * everyone's state (sendWelcome).
 */
export function sendPresence(deps: PresenceDeps, cell: Cell, changes: readonly PresenceChange[], newcomers: ReadonlySet<string>): void {
  // A copy of a cell unloaded meanwhile is not kept current: its filtering is not to be trusted.
  if (cell.unloaded) return;
  const workspaceId = cell.workspace.id;
  const states: PresenceState[] = [];
  const removed: string[] = [];
  for (const change of changes) {
    if ('removed' in change) removed.push(change.clientId);
    else states.push(change);
  }
  if (states.length > 0 || removed.length > 0) {
    const body = (views: PresenceState[]) => (removed.length > 0 ? { workspaceId, states: views, removed } : { workspaceId, states: views });
    const plain: string[] = [];
    for (const level of cell.audience.knownLevels()) {
      const views = states.map((state) => presenceForLevel(cell, state, level));
      if (views.every((view, i) => view === states[i])) plain.push(levelRoom(workspaceId, level));
      else deps.io.local.to(levelRoom(workspaceId, level)).emit('awareness', body(views));
    }
    if (plain.length > 0) deps.io.local.to(plain).emit('awareness', body(states));
  }
  if (newcomers.size > 0) sendWelcome(deps, cell, newcomers).catch((err: unknown) => deps.log.error({ err }, 'presence for newcomers failed'));
}

/**
 * Everyone's state in the cell, across nodes, to the sockets that joined during the window: one
 * frame per level, shared by that level's newcomers, built from one lookup of the cell's sockets.
 * A newcomer's level is read now, not when it joined, and one that left gets nothing.
 */
async function sendWelcome(deps: PresenceDeps, cell: Cell, newcomers: ReadonlySet<string>): Promise<void> {
  const workspaceId = cell.workspace.id;
  const sockets = await deps.io.in(workspaceRoom(workspaceId)).fetchSockets();
  const states: PresenceState[] = [];
  const byLevel = new Map<string, string[]>();
  for (const socket of sockets) {
    states.push(
      socket.data.presence?.[workspaceId] ?? {
        clientId: socket.id,
        sub: socket.data.identity.sub,
        name: socket.data.identity.name,
        nation: socket.data.participant.nation,
      },
    );
    if (!newcomers.has(socket.id)) continue;
    const ids = byLevel.get(socket.data.level);
    if (ids) ids.push(socket.id);
    else byLevel.set(socket.data.level, [socket.id]);
  }
  for (const [level, ids] of byLevel) {
    deps.io.local.to(ids).emit('awareness', { workspaceId, states: states.map((state) => presenceForLevel(cell, state, level)) });
  }
}
