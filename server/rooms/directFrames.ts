// Room broadcasts written as one WebSocket frame, encoded once, straight to each client's TCP
// socket. socket.io already encodes a broadcast once, but then hands it to every socket through
// engine.io (a packet object, its write buffer, flush and drain events, a write callback per
// socket): 40 % more CPU per frame than the write itself (`npm run bench -- frames`), and frames
// are what fan-out costs.
//
// `withDirectFrames(Base)` wraps any socket.io adapter. Every adapter, the in-memory one and the
// cluster ones (Redis, Redis streams) alike, delivers to its own node's sockets through the
// in-memory adapter's `broadcast()`, which calls `this._encode()` and then `this.apply()` with a
// per-socket write. Only those two steps are overridden, so whatever the base does between nodes
// (publish, then deliver locally; deliver what other nodes publish) is untouched. A socket takes
// the direct path only when nothing can be reordered: a WebSocket transport, open, not upgrading,
// engine.io holding no packet of its own, no compression. Any other socket, any packet with
// binary attachments (several frames) and any broadcast awaiting acks go through engine.io.
//
// The steps read are private to socket.io-adapter, engine.io and ws, so the wrapper is on only
// for the versions it was checked against (VERIFIED_VERSIONS): with any other installed, or a
// base that is not built on the in-memory adapter, the base is used as it is, and that is logged
// once. A test fails when the installed versions differ, so an upgrade is checked, not silent.
// Answers to a socket's requests take the same path under the same condition (../sessions/directAcks.ts).
//
// A broadcast to rooms finds its sockets in arrays kept per room until the room's membership
// changes (./roomMembers.ts), not by socket.io's walk of its maps, and each socket's output
// watch is looked up once; whether a socket may be written directly is still checked per frame.
import { createRequire } from 'node:module';
import { Adapter, type BroadcastOptions } from 'socket.io-adapter';
import { directSocket, versionFrom, type EngineConnection } from '../sessions/directSocket';
import { outputWatch, type OutputWatch } from '../sessions/outputBound';
import { RoomMembers, type Member, type RoomSource } from './roomMembers';

/** Room broadcast frames of one server so far, by path (the metric tearline_broadcast_frames_total). */
export interface FrameCounts {
  direct: number;
  engine: number;
}

/**
 * The packages whose internals are read, as resolved at run time: the adapter, the `ws` it builds
 * the frame with, the engine.io socket.io runs on, and the `ws` engine.io's transport wraps.
 */
export const VERIFIED_VERSIONS = {
  'socket.io-adapter': '2.5.8',
  'socket.io-adapter > ws': '8.21.3',
  'engine.io': '6.6.12',
  'engine.io > ws': '8.21.3',
} as const;

export type InstalledVersions = Record<keyof typeof VERIFIED_VERSIONS, string | undefined>;

export type DirectFrameSupport = { direct: true } | { direct: false; reason: string };

export interface DirectFrameOptions {
  counts: FrameCounts;
  log: { warn(details: object, message: string): void };
  /** What is installed; read from node_modules when not given. */
  installed?: InstalledVersions;
}

interface BroadcastSocket {
  conn: EngineConnection;
  notifyOutgoingListeners?: (packet: unknown) => void;
}

/** A socket in a room's array: its engine.io connection (one for the socket's life) and output watch. */
interface Target extends Member {
  readonly socket: BroadcastSocket;
  readonly conn: EngineConnection;
  /** Found at the first frame written (the watch is set at connection, before any room is joined). */
  watch: OutputWatch | undefined;
}

interface EncodeOptions {
  /** Set by socket.io-adapter only for a packet that is one text frame: [header, payload]. */
  wsPreEncodedFrame?: Buffer[];
}

/** The in-memory adapter's own steps, private in its typings, that every local delivery goes through. */
interface OpenAdapter {
  _encode(packet: { id?: number }, options: EncodeOptions): unknown[];
  apply(opts: BroadcastOptions, callback: (socket: unknown) => void): void;
  computeExceptSids(exceptRooms?: Set<string>): Set<string>;
}

type AdapterClass = new (...args: any[]) => Adapter;

/** The versions this server would run with, each resolved from the package that loads it. */
export function installedVersions(): InstalledVersions {
  const here = import.meta.url;
  const require = createRequire(here);
  const adapter = require.resolve('socket.io-adapter');
  const engine = createRequire(require.resolve('socket.io')).resolve('engine.io');
  return {
    'socket.io-adapter': versionFrom(here, 'socket.io-adapter'),
    'socket.io-adapter > ws': versionFrom(adapter, 'ws'),
    'engine.io': versionFrom(require.resolve('socket.io'), 'engine.io'),
    'engine.io > ws': versionFrom(engine, 'ws'),
  };
}

/** Whether the direct path may wrap `Base` with these packages installed; if not, why. */
export function directFrameSupport(Base: AdapterClass, installed: InstalledVersions): DirectFrameSupport {
  if (Base !== Adapter && !(Base.prototype instanceof Adapter)) {
    return { direct: false, reason: 'the adapter is not built on the verified in-memory adapter' };
  }
  const open = Adapter.prototype as unknown as Partial<OpenAdapter>;
  if (typeof open._encode !== 'function' || typeof open.apply !== 'function') {
    return { direct: false, reason: 'socket.io-adapter has no _encode() and apply() steps' };
  }
  for (const [name, verified] of Object.entries(VERIFIED_VERSIONS)) {
    const found = installed[name as keyof InstalledVersions];
    if (found !== verified) return { direct: false, reason: `${name} is ${found ?? 'missing'}, verified with ${verified}` };
  }
  return { direct: true };
}

/**
 * `Base` with its local delivery writing frames directly, counted in `options.counts`; `Base`
 * itself when that is not supported (logged once, here). For an adapter whose constructor takes
 * more than the namespace, give socket.io `function (nsp) { return new Wrapped(nsp, …); }` (it
 * calls `new` on it, so not an arrow function).
 */
export function withDirectFrames<B extends AdapterClass>(Base: B, options: DirectFrameOptions): B {
  const support = directFrameSupport(Base, options.installed ?? installedVersions());
  if (!support.direct) {
    options.log.warn({ reason: support.reason, verified: VERIFIED_VERSIONS }, 'direct frames are off: room broadcasts go through engine.io');
    return Base;
  }
  const counts = options.counts;
  const Open = Base as unknown as new (...args: any[]) => OpenAdapter;

  /** Writes one broadcast's frame to `target`, or hands the socket to engine.io (`write`) when it cannot be. */
  function deliver(target: Target, packet: object, frame: Buffer | undefined, write: (socket: unknown) => void): void {
    // A socket past its pending-output bound is being ended (server/sessions/outputBound.ts).
    const watch = target.watch ?? (target.watch = outputWatch(target.conn));
    if (watch !== undefined && !watch.admit()) return;
    const tcp = frame && directSocket(target.conn);
    if (tcp) {
      target.socket.notifyOutgoingListeners?.(packet);
      tcp.write(frame);
      counts.direct++;
      return;
    }
    counts.engine++;
    write(target.socket);
  }

  class DirectFrames extends Open {
    /** The packet `broadcast()` just encoded, until its `apply()`; none for other uses of apply. */
    #packet: object | undefined;
    #frame: Buffer | undefined;
    readonly #members = new RoomMembers<BroadcastSocket, Target>(this as unknown as RoomSource<BroadcastSocket>, (id, socket) => ({
      id,
      socket,
      conn: socket.conn,
      watch: undefined,
      stamp: 0,
    }));
    /** True inside a room broadcast's loop: a broadcast started from it (a listener's) takes socket.io's walk. */
    #delivering = false;

    override _encode(packet: { id?: number }, options: EncodeOptions): unknown[] {
      const encoded = super._encode(packet, options);
      // A packet with an id awaits acks (broadcastWithAck): each socket must go through engine.io.
      this.#packet = packet.id === undefined ? packet : undefined;
      this.#frame = this.#packet && options.wsPreEncodedFrame ? Buffer.concat(options.wsPreEncodedFrame) : undefined;
      return encoded;
    }

    override apply(opts: BroadcastOptions, write: (socket: unknown) => void): void {
      const packet = this.#packet;
      if (!packet) return super.apply(opts, write);
      const frame = this.#frame;
      this.#packet = this.#frame = undefined;
      const members = this.#members;
      if (opts.rooms.size === 0 || this.#delivering) {
        return super.apply(opts, (socket) => {
          const target = socket as BroadcastSocket & { id: string };
          deliver(members.member(target.id, target), packet, frame, write);
        });
      }
      const except = opts.except && opts.except.size > 0 ? this.computeExceptSids(opts.except) : undefined;
      const stamp = members.next();
      this.#delivering = true;
      try {
        for (const room of opts.rooms) {
          let targets = members.of(room);
          let version = members.version;
          for (let i = 0; i < targets.length; i++) {
            const target = targets[i]!;
            if (target.stamp === stamp || except?.has(target.id)) continue;
            target.stamp = stamp;
            deliver(target, packet, frame, write);
            // A membership changed while writing (only an outgoing listener can do that): the
            // room as it is now, the sockets already reached skipped by their stamp.
            if (members.version !== version) {
              targets = members.of(room);
              version = members.version;
              i = -1;
            }
          }
        }
      } finally {
        this.#delivering = false;
      }
    }
  }
  return DirectFrames as unknown as B;
}
