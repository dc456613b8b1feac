// When a frame may be written straight to a client's TCP socket, skipping socket.io and engine.io:
// room broadcasts (../rooms/directFrames.ts) and answers to a socket's own requests (./directAcks.ts)
// both take this path, under the one condition below, so neither can overtake the other or a
// packet engine.io still holds. What is read is private to engine.io and ws: each user pins the
// versions it was checked against, and `versionFrom` tells what is installed.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/** What is read of engine.io's socket, its WebSocket transport, and the `ws` socket under it. */
export interface EngineConnection {
  readyState: string;
  upgrading: boolean;
  writeBuffer: unknown[];
  transport: {
    name: string;
    perMessageDeflate?: unknown;
    socket?: { readyState: number; _socket?: TcpSocket };
  };
}

export interface TcpSocket {
  write(chunk: Buffer): boolean;
  destroyed: boolean;
}

const WS_OPEN = 1;

/**
 * The TCP socket to write a frame to, if no engine.io packet could be overtaken: an open WebSocket
 * transport that is not being upgraded, without compression, and engine.io's write buffer empty.
 * Whatever engine.io flushed earlier is already with the TCP socket (without compression `ws`
 * writes each frame synchronously), so a frame written now follows it; whatever engine.io is given
 * later follows this frame.
 */
export function directSocket(conn: EngineConnection): TcpSocket | undefined {
  const transport = conn.transport;
  const tcp = transport.socket?._socket;
  if (
    conn.readyState !== 'open' ||
    conn.upgrading ||
    conn.writeBuffer.length > 0 ||
    transport.name !== 'websocket' ||
    transport.perMessageDeflate ||
    transport.socket?.readyState !== WS_OPEN ||
    !tcp ||
    tcp.destroyed
  ) {
    return undefined;
  }
  return tcp;
}

/** The version of the package `name` that code in the file `from` loads. */
export function versionFrom(from: string, name: string): string | undefined {
  let entry: string;
  try {
    entry = createRequire(from).resolve(name);
  } catch {
    return undefined;
  }
  for (let dir = path.dirname(entry); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (!existsSync(file)) continue;
    const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
    if (pkg.name === name) return pkg.version;
  }
  return undefined;
}

/**
 * A final, unmasked WebSocket text frame (RFC 6455 §5.2) carrying engine.io's message packet
 * ("4", then `text`): what socket.io-adapter builds with `ws`'s `Sender.frame` for a broadcast,
 * here in one buffer, so the TCP socket gets one write.
 */
export function messageFrame(text: string): Buffer {
  const length = Buffer.byteLength(text) + 1;
  const header = length < 126 ? 2 : length < 0x10000 ? 4 : 10;
  const frame = Buffer.allocUnsafe(header + length);
  frame[0] = 0x81;
  if (header === 2) {
    frame[1] = length;
  } else if (header === 4) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeUInt32BE(Math.floor(length / 0x100000000), 2);
    frame.writeUInt32BE(length >>> 0, 6);
  }
  frame[header] = 0x34;
  frame.write(text, header + 1, 'utf8');
  return frame;
}
