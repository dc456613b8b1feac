// The one place access is checked for socket events. Each event's declared checks (./events.ts)
// are applied in the one safe order before its handler runs:
//   0. admission, for joins (a reconnect storm is let in at a bounded rate);
//   1. membership: the cell was joined (or the nation is a member, to join it), and in an
//      exercise cell the person is seated (no join inject for them still to come);
//   2. visibility: the object, release request or exercise inject exists and is visible to the session, else
//      `not_found`, word for word the answer for an absent one;
//   3. role.
// Visibility before role: a viewer touching an object they may not see learns nothing from
// being refused for their role.
import type { AckBodies, ClientEvent, Role } from '../../shared/protocol';
import { schemas } from '../../shared/protocol';
import type { ReleaseRequest } from '../../shared/release';
import { forbidden, noSuchCell, noSuchRequest, notFound, rateLimited, TearlineError } from '../errors';
import { exerciseCall, exerciseSeating, seated } from '../exercise/leadership';
import { noSuchInject } from '../exercise/runner';
import type { IndexedObject } from '../objects/objectIndex';
import type { SessionData, TearlineSocket } from '../sessions/session';
import type { Cell } from '../workspaces/cellRegistry';
import type { Context } from './context';
import type { Call, EventEntry } from './events';
import { leaveWorkspace } from './workspaces';

const ROLE_WORDS: Record<Role, string> = {
  viewer: 'a viewer',
  editor: 'an editor',
  fdo: 'a foreign disclosure officer',
  admin: 'an administrator',
  excon: 'exercise control (EXCON)',
};

const CELL_NEEDS = new Set(['joined', 'member', 'none']);

/**
 * The events a node behind on the relay does not hold back (see checked): edits, fenced by the
 * store; presence, filtered by each delivering node; and re-marks and release decisions, which an
 * officer decided from the marking they were shown: read again first, the node would carry one out
 * over a re-mark made elsewhere that the officer never saw, where the store's fence answers `conflict`.
 */
const UNGATED = new Set<ClientEvent>(['doc:update', 'awareness:update', 'object:remark', 'release:decide']);

/** What a handler is given besides what its checks find. */
export type BaseCall<E extends ClientEvent> = Call<E, { cell: 'none' }>;

export type Dispatch = <E extends ClientEvent>(event: E, call: BaseCall<E>) => Promise<AckBodies[E]>;

/**
 * Builds the dispatcher from the handler table, refusing a table in which an event is missing,
 * declared twice, or declared without its checks (a declaration built around `event()`).
 */
export function createDispatcher(entries: readonly EventEntry[]): Dispatch {
  const table = new Map<ClientEvent, EventEntry>();
  for (const entry of entries) {
    const checks = entry.checks as Partial<EventEntry['checks']> | undefined;
    if (!checks || !CELL_NEEDS.has(checks.cell as string)) {
      throw new Error(`The event ${entry.event} declares no checks: declare them with event('${entry.event}').checks({...}).`);
    }
    if ((checks.object || checks.request || checks.inject) && checks.cell === 'none') {
      throw new Error(`The event ${entry.event} names an object or request outside any cell: declare its cell.`);
    }
    if (table.has(entry.event)) throw new Error(`The event ${entry.event} is declared twice.`);
    table.set(entry.event, entry);
  }
  const missing = (Object.keys(schemas) as ClientEvent[]).filter((name) => !table.has(name));
  if (missing.length > 0) throw new Error(`No handler is declared for ${missing.join(', ')}.`);

  return async (event, call) => {
    const entry = table.get(event)!;
    const admission = entry.checks.admitted ? admit(call.ctx) : undefined;
    // The cell stays in memory until the handler is done: it never works on a copy unloaded meanwhile.
    const release = entry.checks.cell === 'none' ? undefined : call.ctx.cells.hold(payloadCell(call.payload as never));
    try {
      const found = await checked(call.ctx, call.socket, call.session, entry, call.payload as never);
      return (await entry.handle({ ...call, ...found } as never)) as never;
    } finally {
      release?.();
      admission?.done();
    }
  };
}

function admit(ctx: Context): { done(): void } {
  const admission = ctx.joins.admit();
  if (!admission.admitted) {
    throw rateLimited('Many participants are joining at once (after a restart, say), so the server lets them in a few at a time.', admission.retryAfterMs);
  }
  return admission;
}

interface Found {
  cell?: Cell;
  object?: IndexedObject;
  request?: ReleaseRequest;
}

/** Acts open to every member (no editor role) that an exercise's observers and evaluators still may not take: they only watch. */
const WATCHERS_MAY_NOT: Partial<Record<ClientEvent, string>> = { 'release:request': 'request releases' };

async function checked(ctx: Context, socket: TearlineSocket, session: SessionData, entry: EventEntry, payload: never): Promise<Found> {
  const { checks } = entry;
  const found: Found = {};
  if (checks.cell === 'joined') {
    const workspaceId = payloadCell(payload);
    const cell = session.joined.has(workspaceId) ? (ctx.cells.ready(workspaceId) ?? (await ctx.cells.get(workspaceId))) : undefined;
    if (!cell) throw new TearlineError('forbidden', 'Open this cell (workspace:join) before working in it.');
    // A session let in before an EXCON reset whose join inject is to come again is out of the
    // cell: it leaves it (audited) and is answered as a non-member. While this node cannot tell
    // who is seated, a session already in reads on (writes are refused below).
    if (cell.workspace.exercise && !(await seated(ctx, cell.workspace, session.identity.sub, true))) {
      await leaveWorkspace(ctx, socket, cell.workspace.id, session);
      throw noSuchCell();
    }
    found.cell = cell;
  } else if (checks.cell === 'member') {
    found.cell = await ctx.cells.forMember(payloadCell(payload), session.participant.nation);
    // An exercise participant whose join inject is still to come is not in the cell yet: as for a
    // non-member; so is everyone while this node cannot tell who is seated.
    if (!(await seated(ctx, found.cell.workspace, session.identity.sub))) throw noSuchCell();
  }
  // Before anything is read from the cell (visibility included): on a node behind on the relay,
  // its picture is read again from PostgreSQL first (server/relay/readGate.ts; UNGATED: not these).
  const reading = found.cell && !UNGATED.has(entry.event) ? ctx.readGate?.ready(found.cell) : undefined;
  if (reading) await reading;
  const objectId = checks.object?.(payload);
  if (objectId !== undefined) {
    const object = found.cell!.index.get(objectId);
    if (!object || !found.cell!.index.canSee(session.participant, objectId)) throw notFound();
    found.object = object;
  }
  if (checks.request) {
    const request = await ctx.releaseStore.get(checks.request(payload));
    // A request about an object the caller may not see does not exist for them, whatever its state
    // or whoever may decide it: one answer, before anything that depends on the request.
    if (request?.workspaceId !== found.cell!.workspace.id || !found.cell!.index.canSee(session.participant, request.objectId)) {
      throw noSuchRequest();
    }
    found.request = request;
  }
  if (checks.inject) {
    const injectId = checks.inject(payload);
    const excon = session.identity.roles.includes('excon');
    if (!(await exerciseCall(ctx, found.cell!.workspace.id, { kind: 'visible', injectId, participant: session.participant, excon }))) throw noSuchInject(injectId);
  }
  if (checks.role && !session.identity.roles.includes(checks.role.is)) {
    throw forbidden(`Only ${ROLE_WORDS[checks.role.is]} may ${checks.role.to}.`);
  }
  // In an exercise cell, whoever the scenario seats as an observer or evaluator reads and never
  // writes, whatever their token allows; while this node cannot tell who is seated, nobody writes.
  // Only an exercise cell seats anyone (exerciseSeating answers nothing for the others): asked there only.
  const acts = checks.role?.is === 'editor' ? checks.role.to : WATCHERS_MAY_NOT[entry.event];
  if (acts !== undefined && found.cell!.workspace.exercise) {
    const seating = await exerciseSeating(ctx, found.cell!.workspace);
    if (seating === null) throw forbidden('This server cannot tell yet whether the exercise seats you as a player or a watcher; nothing was changed. Try again in a few seconds.');
    const watcher = seating?.watcherRole(session.identity.sub);
    if (watcher) throw forbidden(`An exercise ${watcher} watches the cell and may not ${acts}.`);
  }
  return found;
}

function payloadCell(payload: never): string {
  return (payload as { workspaceId: string }).workspaceId;
}
