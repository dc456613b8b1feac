// The sockets of each room as an array, built once and kept until the room's membership changes,
// for the direct frame path (./directFrames.ts). socket.io's adapter finds a broadcast's sockets
// anew for every broadcast: per socket a look-up in the room's set, in a set of the ids already
// reached, in the except set and in the namespace's map of sockets, then a closure call. At 50
// clients that walk was a fifth of the fan-out's CPU around the writes (docs/performance.md,
// session 10).
//
// A room's array is dropped the moment its membership changes: the adapter emits `join-room` and
// `leave-room` (public adapter events) synchronously inside every change it makes to a room, a
// disconnecting socket leaving all its rooms first (socket.io's `_cleanup`), so an array is never
// used after a change it does not show. A room holding an id the namespace has no socket for (not
// connected yet) is not kept: its sockets are found again for each broadcast until it is complete.
import type { EventEmitter } from 'node:events';

/** A socket as a room's array holds it, with what a write to it reads, found once. */
export interface Member {
  readonly id: string;
  /** The broadcast (`RoomMembers.next()`) that last reached it: a socket in several of its rooms gets it once. */
  stamp: number;
}

/** What is read of the adapter: its rooms (socket ids by room) and its namespace's sockets. */
export interface RoomSource<S> extends EventEmitter {
  rooms: ReadonlyMap<string, ReadonlySet<string>>;
  nsp: { sockets: ReadonlyMap<string, S> };
}

const NONE: readonly never[] = [];

export class RoomMembers<S extends object, M extends Member> {
  readonly #byRoom = new Map<string, readonly M[]>();
  readonly #bySocket = new WeakMap<S, M>();
  #stamp = 0;
  /** Counts membership changes: a broadcast that sees it move re-reads its room. */
  version = 0;

  constructor(
    private readonly source: RoomSource<S>,
    /** A socket's member, made once per socket (its `stamp` 0). */
    private readonly create: (id: string, socket: S) => M,
  ) {
    const changed = (room: string) => {
      this.#byRoom.delete(room);
      this.version++;
    };
    source.on('join-room', changed);
    source.on('leave-room', changed);
  }

  /** A new stamp, for one broadcast. */
  next(): number {
    return ++this.#stamp;
  }

  /** The sockets now in `room`. */
  of(room: string): readonly M[] {
    const cached = this.#byRoom.get(room);
    if (cached) return cached;
    const ids = this.source.rooms.get(room);
    if (!ids) return NONE;
    const members: M[] = [];
    let complete = true;
    for (const id of ids) {
      const socket = this.source.nsp.sockets.get(id);
      if (socket) members.push(this.member(id, socket));
      else complete = false;
    }
    if (complete) this.#byRoom.set(room, members);
    return members;
  }

  /** The one member object of a socket (its stamp is shared by all its rooms). */
  member(id: string, socket: S): M {
    let member = this.#bySocket.get(socket);
    if (!member) this.#bySocket.set(socket, (member = this.create(id, socket)));
    return member;
  }
}
