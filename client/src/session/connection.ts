// The socket: one per signed-in tab. Every request goes through `request`, which turns the ack
// (`{ ok, ... }` or `{ ok: false, error }`) into a resolved body or a thrown ServerError.
import { io, type Socket } from 'socket.io-client';
import {
  bytesOf,
  handshakeAuth,
  withBase64Fields,
  type Ack,
  type AckBodies,
  type ClientEvent,
  type ClientInput,
  type ClientPayload,
  type DocState,
  type ServerEvents,
} from '../../../shared/protocol';
import { request } from '../../../shared/request';
import { ServerError } from './errors';

const REQUEST_TIMEOUT_MS = 15_000;

/**
 * Reconnecting: first after 1 s, then doubling up to 15 s, each wait stretched or shrunk by up to
 * half at random, so a restarted server is not met by every client at the same instant (the
 * server also admits joins at a bounded rate and names a time to come back).
 */
const RECONNECTION = { reconnectionDelay: 1000, reconnectionDelayMax: 15_000, randomizationFactor: 0.5 };

export type AccessLevel = ClientPayload<'workspace:view-as'>['level'];

/** A doc state with its update decoded. */
export interface LocalDocState {
  id: string;
  epoch: number;
  update: Uint8Array;
}

/**
 * The client connects with `auth.encoding: 'base64'` (one text frame per message, updates batched
 * per room): binary fields arrive as base64 text. Raw binary (ArrayBuffer in browsers, Buffer in
 * Node) is read too.
 */
export function toBytes(value: unknown): Uint8Array {
  if (typeof value === 'string') return bytesOf(value);
  if (value instanceof Uint8Array) return value;
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  throw new ServerError('bad_update', 'The server sent a document update the client cannot read.');
}

export function docStateFrom(raw: DocState): LocalDocState {
  return { id: raw.id, epoch: raw.epoch, update: toBytes(raw.update) };
}

export class Connection {
  readonly socket: Socket<ServerEvents>;

  constructor(token: string, url?: string) {
    const options = { path: '/socket.io', auth: handshakeAuth(token, 'base64'), transports: ['websocket'], ...RECONNECTION };
    this.socket = url ? io(url, options) : io(options);
    // Ended for falling behind (`rate_limited`), not for its token: connect again after a pause.
    // socket.io does not reconnect by itself after the server closed the session.
    this.socket.on('session:ended', (body: { code: string }) => {
      if (body.code !== 'rate_limited') return;
      this.socket.once('disconnect', () => {
        setTimeout(() => this.socket.connect(), RECONNECTION.reconnectionDelay * (1 + Math.random()));
      });
    });
  }

  get connected(): boolean {
    return this.socket.connected;
  }

  async request<E extends ClientEvent>(event: E, payload: ClientInput<E>): Promise<AckBodies[E]> {
    if (!this.socket.connected) {
      throw new ServerError('offline', 'Not connected to the server; the request was not sent. It reconnects by itself.');
    }
    let reply: Ack<AckBodies[E]>;
    try {
      reply = await request(this.socket, event, withBase64Fields(payload), REQUEST_TIMEOUT_MS);
    } catch {
      // socket.io gives up on every pending answer when the connection drops: that is no timeout.
      if (!this.socket.connected) {
        throw new ServerError('offline', 'The connection to the server dropped before it answered. It reconnects by itself.');
      }
      throw new ServerError('timeout', `The server did not answer within ${REQUEST_TIMEOUT_MS / 1000} seconds. Try again; if it keeps happening, the server may be overloaded.`);
    }
    if (!reply.ok) throw new ServerError(reply.error.code, reply.error.message, reply.error.retryAfterMs);
    return reply;
  }

  close(): void {
    this.socket.disconnect();
  }
}
