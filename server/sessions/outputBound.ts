// What the server holds for one socket that the socket has not taken yet: packets in engine.io's
// write buffer, and bytes that `ws` and the TCP socket hold in memory (`ws.bufferedAmount`, which
// counts the frames written straight to the TCP socket by server/rooms/directFrames.ts too). A
// client that stops reading, while its pings still get through or not, would otherwise make the
// server hold all its output for as long as the connection lasts.
import type { EventEmitter } from 'node:events';

/** What is read of engine.io's socket and, under a WebSocket transport, of its `ws` socket. */
export interface WatchedConnection extends EventEmitter {
  transport: { socket?: { bufferedAmount?: number } };
}

interface EnginePacket {
  data?: string | Uint8Array;
}

/** A connection's admission check, for a caller that looks it up once and keeps it (server/rooms/directFrames.ts). */
export interface OutputWatch {
  /** True while output may still be added. */
  admit(): boolean;
}

interface Watch extends OutputWatch {
  /** Bytes of the packets in engine.io's write buffer (it hands them all to the transport at once). */
  engineBytes: number;
  over: boolean;
}

const watches = new WeakMap<object, Watch>();

/** Characters for text: the JSON and base64 that make up nearly all of it are one byte each. */
function sizeOf(data: EnginePacket['data']): number {
  if (data === undefined) return 0;
  return typeof data === 'string' ? data.length : data.byteLength;
}

/**
 * Watches a connection's pending output. When more output is due while what is pending already
 * exceeds `maxBytes`, `onOver` runs once, on the next turn of the event loop (never inside a
 * broadcast or a packet being queued), with the pending bytes. One answer larger than `maxBytes`
 * to a socket that has taken everything else is let through: it is a large answer, not a client
 * that stopped reading.
 */
export function boundOutput(conn: WatchedConnection, maxBytes: number, onOver: (pendingBytes: number) => void): void {
  const watch: Watch = {
    engineBytes: 0,
    over: false,
    admit() {
      if (watch.over) return false;
      const pending = watch.engineBytes + (conn.transport.socket?.bufferedAmount ?? 0);
      if (pending <= maxBytes) return true;
      watch.over = true;
      setImmediate(() => onOver(pending));
      return false;
    },
  };
  watches.set(conn, watch);
  conn.on('packetCreate', (packet: EnginePacket) => {
    watch.admit();
    watch.engineBytes += sizeOf(packet.data);
  });
  conn.on('flush', () => {
    watch.engineBytes = 0;
  });
}

/**
 * Whether a frame may be written straight to this connection: false once its pending output is
 * past the bound (its session is then being ended, so it gets nothing more).
 */
export function admitOutput(conn: object): boolean {
  return watches.get(conn)?.admit() ?? true;
}

/**
 * The connection's watch, if `boundOutput` watches it: its `admit()` is `admitOutput(conn)`. A
 * connection is watched once, at connection, so a caller may keep what this returns.
 */
export function outputWatch(conn: object): OutputWatch | undefined {
  return watches.get(conn);
}
