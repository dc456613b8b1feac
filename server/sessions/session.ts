// What the server knows of one socket. Who it is (identity, participant, level) is one immutable
// value, replaced whole by session:refresh, so no reader can see a new identity with an old level.
// The containers (cells joined, presence) belong to the socket and outlive a refresh.
import type { Server, Socket } from 'socket.io';
import type { Participant } from '../../shared/markings';
import type { BinaryEncoding, PresenceState, ServerEvents } from '../../shared/protocol';
import type { AuditActor } from '../../shared/rest';
import type { Identity } from '../auth/verifier';

export interface SessionData {
  readonly identity: Identity;
  readonly participant: Participant;
  /** accessLevelKey(participant): the room key of this socket in every cell it joined. */
  readonly level: string;
  readonly joined: Set<string>;
  /** How binary fields are sent to this socket (auth.encoding at connect). */
  readonly encoding: BinaryEncoding;
  /** Presence per joined cell, as the participant sent it (filtered on the way out). A plain
   * object, not a Map: fetchSockets() carries it from other nodes as JSON. */
  readonly presence: Record<string, PresenceState>;
}

/** Between nodes (socket.io's server-side emit), each checked on arrival. */
export interface InterServerEvents {
  presence: (message: unknown) => void;
  /** A request for the node running an exercise (server/exercise/leadership.ts); each node answers (null: not here). */
  exercise: (request: unknown, answer: (reply: unknown) => void) => void;
}

export type TearlineServer = Server<Record<string, never>, ServerEvents, InterServerEvents, SessionData>;
export type TearlineSocket = Socket<Record<string, never>, ServerEvents, InterServerEvents, SessionData>;

/**
 * A person as the audit log names them, from a socket's session or a REST request's identity: the
 * one place an actor is built. The nation is the token's (a session's participant has the same).
 */
export function auditActor({ identity }: { identity: Pick<Identity, 'sub' | 'nation'> }): AuditActor {
  return { sub: identity.sub, nation: identity.nation };
}
