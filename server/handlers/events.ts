// How a socket event is declared: first what it needs (its checks), then its handler, which is
// given what the checks found. A handler cannot be declared before its checks, and it can only
// read the cell, object or release request its checks declare (the compiler refuses the rest);
// the dispatcher (./dispatch.ts) applies them, in the one safe order, before the handler runs.
import type { AckBodies, ClientEvent, ClientPayload, Role } from '../../shared/protocol';
import type { ReleaseRequest } from '../../shared/release';
import type { IndexedObject } from '../objects/objectIndex';
import type { Cell } from '../workspaces/cellRegistry';
import type { Context, SessionData, TearlineSocket } from './context';

export interface Checks<E extends ClientEvent> {
  /**
   * Admitted at the node's join rate (server/workspaces/admission.ts) before anything else, so a
   * storm is refused without looking anything up; the admission ends with the handler.
   */
  admitted?: true;
  /**
   * Membership: `joined`, a cell this socket joined (workspace:join first); `member`, a cell the
   * participant's nation belongs to (how one joins); `none` for events outside any cell.
   */
  cell: 'joined' | 'member' | 'none';
  /**
   * Visibility: the object the event touches, which must exist and be visible to the session
   * (else `not_found`, the answer for an absent object). A function that may answer undefined
   * declares an optional object, checked only when named.
   */
  object?: (payload: ClientPayload<E>) => string | undefined;
  /** Visibility: the release request the event touches, about an object the session may see. */
  request?: (payload: ClientPayload<E>) => string;
  /**
   * Visibility: the exercise inject the event touches. EXCON sees every inject; anyone else only
   * one released into the cell as an object they may see, else `not_found` as for an absent one.
   */
  inject?: (payload: ClientPayload<E>) => string;
  /** The role the session must hold, and what it allows, for the refusal ("Only an editor may …"). */
  role?: { is: Role; to: string };
}

/** What a handler is given: the session as it was when its message's turn came, and what its checks found. */
export type Call<E extends ClientEvent, C extends Checks<E>> = {
  ctx: Context;
  socket: TearlineSocket;
  session: SessionData;
  payload: ClientPayload<E>;
  /**
   * Lets this socket's next message start while this one finishes work that no longer reads or
   * changes the session (a durable write, say). Until then messages are handled one at a time.
   */
  release(): void;
  /** This connection's token expiry moves (session:refresh). */
  renewExpiry(exp: number): void;
} & (C['cell'] extends 'none' ? unknown : { cell: Cell }) &
  (C extends { object: (payload: never) => infer R } ? { object: R extends string ? IndexedObject : IndexedObject | undefined } : unknown) &
  (C extends { request: unknown } ? { request: ReleaseRequest } : unknown);

export interface EventEntry<E extends ClientEvent = ClientEvent> {
  event: E;
  checks: Checks<E>;
  /** Typed by its checks when declared; the dispatcher gives it what they found. */
  handle: (call: never) => Promise<AckBodies[E]>;
}

/** Declares an event: `event('doc:update').checks({...}).handle(async (call) => ...)`. */
export function event<E extends ClientEvent>(name: E) {
  return {
    checks<const C extends Checks<E>>(checks: C) {
      return {
        handle(handle: (call: Call<E, C>) => Promise<AckBodies[E]>): EventEntry<E> {
          return { event: name, checks, handle };
        },
      };
    },
  };
}
