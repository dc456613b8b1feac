// A raw WebSocket client for the two unfiltered baselines, speaking the y-protocols sync messages
// directly. Incoming frames are handed over undecoded (light receivers only scan them); a frame is
// decoded only while the caller waits for a specific reply (handshake, seeding, cold open).
//
// Frame layout:  y-websocket  [kind: varUint][body…]
//                Hocuspocus   [docName: varString][kind: varUint][body…]
// kind 0 = sync (body: [syncType: varUint][payload: varUint8Array]), 2 = auth (Hocuspocus only:
// [authType: varUint][token or scope: varString]), 8 = sync status (Hocuspocus ack of an update).
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import WebSocket from 'ws';
import type { FrameHandler } from './frames';

export type YjsDialect = { kind: 'y-websocket'; room: string } | { kind: 'hocuspocus'; docName: string };

export const MESSAGE = { sync: 0, auth: 2, syncStatus: 8 } as const;
export const SYNC = { step1: 0, step2: 1, update: 2 } as const;
const AUTH = { token: 0, authenticated: 2 } as const;

export interface YjsMessage {
  kind: number;
  /** For sync messages: step1 / step2 / update. */
  syncType?: number;
  /** For auth messages: token request / permission denied / authenticated. */
  authType?: number;
  payload?: Uint8Array;
}

const HANDSHAKE_TIMEOUT_MS = 15_000;

export class YjsSocket {
  private readonly waiters = new Set<(message: YjsMessage) => void>();

  private constructor(
    private readonly ws: WebSocket,
    private readonly tcp: Socket,
    private readonly dialect: YjsDialect,
  ) {}

  static async open(baseUrl: string, dialect: YjsDialect, onFrame?: FrameHandler): Promise<YjsSocket> {
    const path = dialect.kind === 'y-websocket' ? `/${dialect.room}` : '/';
    const ws = new WebSocket(baseUrl.replace(/^http/, 'ws') + path, { perMessageDeflate: false });
    ws.binaryType = 'nodebuffer';
    let tcp: Socket | undefined;
    ws.once('upgrade', (response) => (tcp = response.socket));
    await new Promise<void>((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    const socket = new YjsSocket(ws, tcp!, dialect);
    ws.on('message', (data: Buffer) => {
      const arrivedAt = performance.now();
      onFrame?.(data, arrivedAt);
      if (socket.waiters.size > 0) {
        const message = socket.decode(data);
        for (const waiter of [...socket.waiters]) waiter(message);
      }
    });
    if (dialect.kind === 'hocuspocus') {
      const authenticated = socket.waitFor((m) => m.kind === MESSAGE.auth, 'authentication');
      socket.ws.send(socket.encode(MESSAGE.auth, (e) => {
        encoding.writeVarUint(e, AUTH.token);
        encoding.writeVarString(e, 'bench');
      }));
      if ((await authenticated).authType !== AUTH.authenticated) {
        socket.close();
        throw new Error('Hocuspocus refused the benchmark connection (no onAuthenticate hook is configured).');
      }
    }
    return socket;
  }

  sendUpdate(update: Uint8Array): void {
    this.ws.send(this.encodeSync(SYNC.update, update));
  }

  sendSyncStep1(stateVector: Uint8Array): void {
    this.ws.send(this.encodeSync(SYNC.step1, stateVector));
  }

  /** Resolves with the first decoded message that `matches`. */
  waitFor(matches: (message: YjsMessage) => boolean, what: string, timeoutMs = HANDSHAKE_TIMEOUT_MS): Promise<YjsMessage> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`No ${what} from the ${this.dialect.kind} server within ${timeoutMs / 1000} s.`));
      }, timeoutMs);
      const waiter = (message: YjsMessage) => {
        if (!matches(message)) return;
        clearTimeout(timer);
        this.waiters.delete(waiter);
        resolve(message);
      };
      this.waiters.add(waiter);
    });
  }

  bytesRead(): number {
    return this.tcp.bytesRead;
  }

  close(): void {
    this.ws.terminate();
  }

  private encodeSync(syncType: number, payload: Uint8Array): Uint8Array {
    return this.encode(MESSAGE.sync, (e) => {
      encoding.writeVarUint(e, syncType);
      encoding.writeVarUint8Array(e, payload);
    });
  }

  private encode(kind: number, writeBody: (encoder: encoding.Encoder) => void): Uint8Array {
    const encoder = encoding.createEncoder();
    if (this.dialect.kind === 'hocuspocus') encoding.writeVarString(encoder, this.dialect.docName);
    encoding.writeVarUint(encoder, kind);
    writeBody(encoder);
    return encoding.toUint8Array(encoder);
  }

  private decode(frame: Uint8Array): YjsMessage {
    const decoder = decoding.createDecoder(frame);
    if (this.dialect.kind === 'hocuspocus') decoding.readVarString(decoder);
    const kind = decoding.readVarUint(decoder);
    if (kind === MESSAGE.auth) return { kind, authType: decoding.readVarUint(decoder) };
    if (kind !== MESSAGE.sync) return { kind };
    const syncType = decoding.readVarUint(decoder);
    return { kind, syncType, payload: decoding.readVarUint8Array(decoder) };
  }
}
