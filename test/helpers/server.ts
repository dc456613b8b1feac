// Test harness: a real Tearline server on an ephemeral port in a temp data dir, and real
// socket.io clients that record every frame they receive (for the leak oracle).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';
import * as Y from 'yjs';
import { io as connectSocket, type Socket } from 'socket.io-client';
import { bytesOf, handshakeAuth, PROTOCOL_VERSION, type Ack, type AckBodies, type BinaryEncoding, type ClientEvent, type ClientInput, type Envelope, type WorkspaceSummary } from '../../shared/protocol';
import { request } from '../../shared/request';
import { startServer, type RunningServer } from '../../server/app';
import type { ServerConfig } from '../../server/config';

export function tempDir(prefix = 'tearline-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** The options that put a test server on PostgreSQL: a database of the test's own (helpers/postgres.ts). */
export function onPostgres(databaseUrl: string): Partial<ServerConfig> {
  return { store: 'postgres', databaseUrl };
}

export async function startTestServer(options: Partial<ServerConfig> = {}): Promise<RunningServer> {
  return startServer({ port: 0, host: '127.0.0.1', metricsPort: 0, dataDir: tempDir(), logLevel: 'silent', sqliteSync: 'normal', ...options });
}

export async function api<T>(baseUrl: string, method: string, route: string, body?: unknown, token?: string): Promise<{ status: number; body: T }> {
  const response = await fetch(baseUrl + route, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as T };
}

export async function tokenFor(baseUrl: string, persona: string, extra: Record<string, unknown> = {}): Promise<string> {
  const { status, body } = await api<{ token: string }>(baseUrl, 'POST', '/api/dev/token', { persona, ...extra });
  if (status !== 200) throw new Error(`token for ${persona}: ${status} ${JSON.stringify(body)}`);
  return body.token;
}

export async function createCell(baseUrl: string, token: string, body: Record<string, unknown>): Promise<WorkspaceSummary> {
  const { status, body: answer } = await api<{ workspace: WorkspaceSummary }>(baseUrl, 'POST', '/api/workspaces', body, token);
  if (status !== 201) throw new Error(`create cell: ${status} ${JSON.stringify(answer)}`);
  return answer.workspace;
}

export interface Frame {
  event: string;
  payload: unknown;
  at: number;
}

export class TestClient {
  readonly frames: Frame[] = [];

  constructor(
    readonly persona: string,
    readonly socket: Socket,
  ) {
    socket.onAny((event: string, payload: unknown) => this.frames.push({ event, payload, at: Date.now() }));
  }

  /** `payload` is unchecked on purpose: tests send what the server must refuse. */
  call<E extends ClientEvent>(event: E, payload: unknown): Promise<Ack<AckBodies[E]>> {
    return request(this.socket, event, payload as ClientInput<E>, 10_000);
  }

  /** Calls and insists on success. */
  async ok<E extends ClientEvent>(event: E, payload: unknown): Promise<AckBodies[E]> {
    const answer = await this.call(event, payload);
    if (!answer.ok) throw new Error(`${this.persona} ${event}: ${answer.error.code} ${answer.error.message}`);
    return answer as AckBodies[E];
  }

  /** Resolves with the first frame (already received or coming) that matches. */
  waitFor(event: string, match: (payload: any) => boolean = () => true, timeoutMs = 5000): Promise<any> {
    const found = this.frames.find((f) => f.event === event && match(f.payload));
    if (found) return Promise.resolve(found.payload);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.socket.offAny(listener);
        reject(new Error(`${this.persona}: no ${event} within ${timeoutMs} ms`));
      }, timeoutMs);
      const listener = (name: string, payload: unknown) => {
        if (name === event && match(payload)) {
          clearTimeout(timer);
          this.socket.offAny(listener);
          resolve(payload);
        }
      };
      this.socket.onAny(listener);
    });
  }

  close(): void {
    this.socket.disconnect();
  }
}

/**
 * A socket.io client with this handshake and no reconnection, for tests of what the server admits.
 * The protocol version is the current one unless `auth` says otherwise.
 */
export function rawSocket(baseUrl: string, auth: Record<string, unknown>): Socket {
  return connectSocket(baseUrl, { auth: { protocol: PROTOCOL_VERSION, ...auth }, transports: ['websocket'], reconnection: false, forceNew: true });
}

/** The connect_error data of a handshake the server refuses; throws if it admits it. */
export async function refusal(baseUrl: string, auth: Record<string, unknown>): Promise<unknown> {
  const socket = rawSocket(baseUrl, auth);
  try {
    return await new Promise((resolve, reject) => {
      socket.once('connect', () => reject(new Error('the socket was admitted')));
      socket.once('connect_error', (error: Error & { data?: unknown }) => resolve(error.data));
    });
  } finally {
    socket.close();
  }
}

export async function connect(baseUrl: string, persona: string, token?: string, encoding?: BinaryEncoding): Promise<TestClient> {
  const socket = rawSocket(baseUrl, { ...handshakeAuth(token ?? (await tokenFor(baseUrl, persona)), encoding) });
  const client = new TestClient(persona, socket);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (error) => reject(error));
  });
  return client;
}

/** Lets in-flight frames arrive: a round trip through the server on every given client. */
export async function settle(...clients: TestClient[]): Promise<void> {
  await new Promise((r) => setTimeout(r, 30));
  await Promise.all(clients.map((c) => c.call('awareness:update', { workspaceId: 'none', state: null }).catch(() => undefined)));
}

/**
 * Servers and clients started inside a test, closed after each test: `start` and `open` record
 * what they make, and the afterEach this registers closes it all.
 */
export function perTestServers(encoding?: 'binary' | 'base64') {
  const running: RunningServer[] = [];
  const clients: TestClient[] = [];
  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    for (const server of running.splice(0)) await server.close();
  });
  return {
    /** The clients opened so far in this test. */
    clients: clients as readonly TestClient[],
    async start(options: Partial<ServerConfig> = {}): Promise<RunningServer> {
      const server = await startTestServer(options);
      running.push(server);
      return server;
    },
    async open(server: RunningServer, persona: string, token?: string): Promise<TestClient> {
      const client = await connect(server.url, persona, token, encoding);
      clients.push(client);
      return client;
    },
  };
}

/** A client-side replica of one object's doc, wired to the socket like a real client. */
export async function replica(client: TestClient, workspaceId: string, object: Envelope) {
  const doc = new Y.Doc();
  const take = (body: { id: string; update: Uint8Array }) => {
    if (body.id === object.id) Y.applyUpdate(doc, new Uint8Array(body.update), 'remote');
  };
  client.socket.on('doc:update', take);
  // One commit's updates in one frame (several edits committed together).
  client.socket.on('doc:updates', (body: { updates: { id: string; update: Uint8Array }[] }) => body.updates.forEach(take));
  const { docs } = await client.ok('doc:sync', { workspaceId, docs: [{ id: object.id }] });
  Y.applyUpdate(doc, bytesOf(docs[0]!.update), 'remote');
  const acks: Promise<unknown>[] = [];
  doc.on('update', (update: Uint8Array, origin: unknown) => {
    if (origin !== 'remote') acks.push(client.ok('doc:update', { workspaceId, id: object.id, epoch: object.epoch, update }));
  });
  return { doc, acks };
}
