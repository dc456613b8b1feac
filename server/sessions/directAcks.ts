// Answers to a socket's own requests (the ack of every event: `43<id>[{"ok":true}]` for each
// `doc:update`) written as one WebSocket frame straight to the client's TCP socket. Through
// socket.io each answer is a packet object, engine.io's write buffer, flush and drain events, and
// `ws`'s cork, two writes and uncork: at 50 clients that was 11 % of the server's time, its
// largest item after the fan-out and the commit (docs/performance.md, issue 18 round 3).
//
// socket.io hands the answer to the handler as a closure made by its private `Socket#ack(id)`, so
// the id is not reachable from outside. `installDirectAcks` gives each socket its own `ack(id)`:
// the same once-only closure, which writes the packet directly when `directSocket` allows it (the
// condition room frames use, ./directSocket.ts, so acks and broadcasts to one socket keep the
// order in which they were written) and otherwise sends it as socket.io would. An answer with
// binary attachments (several frames) goes through engine.io, encoded once.
//
// What is read is private to socket.io, socket.io-parser, engine.io and ws, so the path is on only
// for the versions it was checked against (VERIFIED_ACK_VERSIONS): with any other installed every
// answer takes socket.io's own path, and that is logged once. A test fails when the installed
// versions differ, so an upgrade is checked, not silent.
import { createRequire } from 'node:module';
import type { Socket } from 'socket.io';
import { directSocket, messageFrame, versionFrom, type EngineConnection } from './directSocket';
import { admitOutput } from './outputBound';

/** Answers sent so far, by path (the metric tearline_ack_frames_total). */
export interface AckCounts {
  direct: number;
  engine: number;
}

/**
 * The packages whose internals are read, as resolved at run time: socket.io (its `ack(id)`,
 * `packet()` and `client._packet()`), the parser that encodes the answer, the engine.io socket.io
 * runs on, and the `ws` engine.io's transport wraps.
 */
export const VERIFIED_ACK_VERSIONS = {
  'socket.io': '4.8.4',
  'socket.io > socket.io-parser': '4.2.7',
  'socket.io > engine.io': '6.6.12',
  'engine.io > ws': '8.21.3',
} as const;

export type InstalledAckVersions = Record<keyof typeof VERIFIED_ACK_VERSIONS, string | undefined>;

export interface DirectAckOptions {
  counts: AckCounts;
  log: { warn(details: object, message: string): void };
  /** What is installed; read from node_modules when not given. */
  installed?: InstalledAckVersions;
}

/** socket.io-parser's ACK packet type (PacketType.ACK). */
const ACK = 3;

interface AckPacket {
  id: number;
  type: typeof ACK;
  nsp: string;
  data: unknown[];
}

/** What is read of a socket.io socket, private in its typings. */
interface AckingSocket {
  conn: EngineConnection;
  nsp: { name: string; server: { encoder: { encode(packet: AckPacket): unknown[] } } };
  client: { _packet(encoded: unknown[], options: { preEncoded: true; compress: true }): void };
  packet(packet: AckPacket): void;
  ack(id: number): (...args: unknown[]) => void;
}

/** The versions this server would run with, each resolved from the package that loads it. */
export function installedAckVersions(): InstalledAckVersions {
  const here = import.meta.url;
  const socketIo = createRequire(here).resolve('socket.io');
  const engine = createRequire(socketIo).resolve('engine.io');
  return {
    'socket.io': versionFrom(here, 'socket.io'),
    'socket.io > socket.io-parser': versionFrom(socketIo, 'socket.io-parser'),
    'socket.io > engine.io': versionFrom(socketIo, 'engine.io'),
    'engine.io > ws': versionFrom(engine, 'ws'),
  };
}

/** Why answers may not be written directly with these packages installed; undefined when they may. */
export function directAckRefusal(installed: InstalledAckVersions): string | undefined {
  for (const [name, verified] of Object.entries(VERIFIED_ACK_VERSIONS)) {
    const found = installed[name as keyof InstalledAckVersions];
    if (found !== verified) return `${name} is ${found ?? 'missing'}, verified with ${verified}`;
  }
  return undefined;
}

/** Sends one answer: straight to the TCP socket when nothing can be overtaken, else as socket.io does. */
function sendAck(socket: AckingSocket, counts: AckCounts, id: number, data: unknown[]): void {
  const packet: AckPacket = { id, type: ACK, nsp: socket.nsp.name, data };
  // A socket past its pending-output bound is being ended (./outputBound.ts): socket.io's path, as before.
  const tcp = admitOutput(socket.conn) ? directSocket(socket.conn) : undefined;
  if (!tcp) {
    counts.engine++;
    socket.packet(packet);
    return;
  }
  const encoded = socket.nsp.server.encoder.encode(packet);
  const text = encoded.length === 1 ? encoded[0] : undefined;
  if (typeof text !== 'string') {
    counts.engine++;
    socket.client._packet(encoded, { preEncoded: true, compress: true });
    return;
  }
  tcp.write(messageFrame(text));
  counts.direct++;
}

/**
 * A function that gives a socket direct answers, counted in `options.counts`; one that leaves
 * sockets as they are when the installed versions are not the verified ones (logged once, here).
 * Call it on each socket before its first event is handled (at `connection`).
 */
export function installDirectAcks(options: DirectAckOptions): (socket: Socket) => void {
  const refusal = directAckRefusal(options.installed ?? installedAckVersions());
  if (refusal !== undefined) {
    options.log.warn({ reason: refusal, verified: VERIFIED_ACK_VERSIONS }, 'direct acks are off: answers go through socket.io');
    return () => undefined;
  }
  const counts = options.counts;
  // One function for every socket (memory per connected client); socket.io calls it as a method.
  function ack(this: AckingSocket, id: number) {
    let sent = false;
    return (...args: unknown[]) => {
      if (sent) return;
      sent = true;
      sendAck(this, counts, id, args);
    };
  }
  return (socket) => {
    (socket as unknown as AckingSocket).ack = ack;
  };
}
