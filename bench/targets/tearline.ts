// Tearline's client side for the benchmark, through its public contract only (DESIGN.md): dev
// tokens over REST, one workspace for the cell, socket.io for everything live. Every socket
// connects with `auth.encoding: 'base64'` and sends binary fields as base64 text, as the web
// client does: one frame per edit in, updates batched out, one `doc:updates` text frame per room
// and window. Writers use the real socket.io client, the cold-open client is the web client's own
// session over it, and receivers use the light one.
import { performance } from 'node:perf_hooks';
import { io, type Socket } from 'socket.io-client';
import * as Y from 'yjs';
import { Connection } from '../../client/src/session/connection';
import { WorkspaceSession } from '../../client/src/session/workspaceSession';
import { bodyOf, buildContent, fieldsOf } from '../../shared/content';
import {
  base64Of,
  bytesOf,
  handshakeAuth,
  withBase64Fields,
  type Ack,
  type AckBodies,
  type BinaryEncoding,
  type ClientEvent,
  type ClientInput,
  type DocState,
} from '../../shared/protocol';
import { request, type RequestSocket } from '../../shared/request';
import { CELL_MEMBERS, type Level } from '../levels';
import type { ServerProcess } from '../servers/spawn';
import type { SeedBatch } from '../servers/tearline-seed';
import { base64Updates } from '../wire/base64-updates';
import type { FrameHandler } from '../wire/frames';
import { LightSocketIo } from '../wire/socketio-light';
import type { ColdOpened, Receiver, SeedObject, Target, TargetSession, Writer } from './target';

const ACK_TIMEOUT_MS = 60_000;
/** Objects stored per seeding transaction. */
const SEED_BATCH = 500;
const ENCODING = 'base64';

export const tearlineTarget: Target = {
  name: 'tearline',
  filters: true,
  open: (server) => TearlineSession.open(server, devTokens(server)),
};

const tokensByServer = new WeakMap<ServerProcess, DevTokens>();

/** The dev tokens of one server, shared by every cell opened on it (the dev identity provider counts sign-ins). */
export function devTokens(server: ServerProcess): DevTokens {
  let tokens = tokensByServer.get(server);
  if (!tokens) {
    tokens = new DevTokens(server.url);
    tokensByServer.set(server, tokens);
  }
  return tokens;
}

/** A new cell of the benchmark's member nations, created by `usa-analyst`; answers its id. */
export async function createBenchCell(tokens: DevTokens, name: string): Promise<string> {
  const created = await postJson<{ workspace: { id: string } }>(`${tokens.url}/api/workspaces`, await tokens.of('usa-analyst'), {
    name,
    template: 'adhoc',
    members: CELL_MEMBERS,
  });
  return created.workspace.id;
}

export class TearlineSession implements TargetSession {
  private seeder: Socket | null = null;

  private readonly url: string;

  private constructor(
    private readonly server: Pick<ServerProcess, 'url' | 'seedUrl'>,
    readonly workspaceId: string,
    private readonly tokens: DevTokens,
  ) {
    this.url = server.url;
  }

  static async open(server: Pick<ServerProcess, 'url' | 'seedUrl'>, tokens: DevTokens): Promise<TearlineSession> {
    return new TearlineSession(server, await createBenchCell(tokens, 'Benchmark cell'), tokens);
  }

  /** The same cell through another node of a cluster (tokens of any node: they share the dev identity). */
  through(server: Pick<ServerProcess, 'url' | 'seedUrl'>): TearlineSession {
    return new TearlineSession(server, this.workspaceId, this.tokens);
  }

  async connectWriter(level: Level, writer: number, marking: string, onFrame: FrameHandler): Promise<Writer> {
    const socket = await this.fullClient(level);
    const doc = new Y.Doc();
    doc.transact(() => {
      fieldsOf(doc).set('title', `Benchmark object ${writer}`);
      bodyOf(doc).insert(0, `Edited by benchmark writer ${writer}.\n`);
    });
    const { object } = await call(socket, 'object:create', {
      workspaceId: this.workspaceId,
      kind: 'note',
      marking,
      content: Y.encodeStateAsUpdate(doc),
    });
    let reported = false;
    doc.on('update', (update: Uint8Array) => {
      // Not awaited: a writer types on while its earlier edits are being stored.
      void request(socket, 'doc:update', { workspaceId: this.workspaceId, id: object.id, epoch: object.epoch, update: base64Of(update) }, ACK_TIMEOUT_MS).then((ack) => {
        if (ack.ok || reported) return;
        reported = true;
        console.error(`tearline refused an edit of writer ${writer}: ${ack.error.code}: ${ack.error.message}`);
      });
    });
    // Every update for the writer's level, its own edits included: the ledger counts those as echoes.
    socket.on('doc:updates', (body: { updates: DocState[] }) => {
      const arrivedAt = performance.now();
      onFrame(Buffer.concat(body.updates.map((state) => bytesOf(state.update))), arrivedAt);
    });
    const body = bodyOf(doc);
    return {
      edit: (text) => body.insert(body.length, text),
      close: () => {
        socket.disconnect();
        doc.destroy();
      },
    };
  }

  async connectReceiver(level: Level, onFrame: FrameHandler): Promise<Receiver> {
    const token = await this.tokens.of(level.persona);
    const socket = await LightSocketIo.connect(this.url, { ...handshakeAuth(token, ENCODING) }, (frame, arrivedAt) =>
      onFrame(base64Updates(frame), arrivedAt),
    );
    await call(socket, 'workspace:join', { workspaceId: this.workspaceId });
    return socket;
  }

  /**
   * Through the server's seeding listener, SEED_BATCH objects per transaction (one fsync each, not
   * one per object as through object:create); the seeding client is joined meanwhile, as it was
   * when it created them, and takes the announcements.
   */
  async seed(objects: readonly SeedObject[]): Promise<void> {
    const { seedUrl } = this.server;
    if (!seedUrl) throw new Error('This Tearline server has no seeding listener (bench/servers/tearline-seed.ts).');
    this.seeder = await this.fullClient({ persona: 'usa-analyst', nation: 'USA' });
    const token = await this.tokens.of('usa-analyst');
    for (let start = 0; start < objects.length; start += SEED_BATCH) {
      const batch: SeedBatch = {
        token,
        workspaceId: this.workspaceId,
        objects: objects.slice(start, start + SEED_BATCH).map((object) => ({
          kind: object.kind,
          marking: object.marking,
          content: base64Of(buildContent({ fields: object.fields, body: object.body })),
        })),
      };
      const response = await fetch(seedUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(batch) });
      if (!response.ok) throw new Error(`Seeding answered ${response.status}: ${await response.text()}`);
    }
  }

  /**
   * The web client's own session (client/src/session/workspaceSession.ts over socket.io-client,
   * as in the browser, without the disk copy): it joins, lists the pages, syncs every doc and
   * keeps each as bytes, building a doc when something shows it. `held` is when it goes live. Then
   * every doc is built, so the open ends, like y-websocket's, with every object applied into a
   * Y.Doc (docs/performance.md, issue 18 round 6).
   */
  async coldOpen(level: Level): Promise<ColdOpened> {
    const connection = new Connection(await this.tokens.of(level.persona), this.url);
    const session = new WorkspaceSession(connection, this.workspaceId);
    try {
      await new Promise<void>((resolve, reject) => {
        const check = () => {
          const { status, notices } = session.getSnapshot();
          if (status === 'live') resolve();
          else if (status === 'failed') reject(new Error(`tearline: the cold-open client failed: ${notices.map((notice) => notice.message).join(' ')}`));
        };
        session.subscribe(check);
        check();
      });
      const held = performance.now();
      const { objects } = session.getSnapshot();
      let applied = 0;
      // As a view builds one: with its id as guid.
      for (const object of objects) if (session.replica(object.id)?.doc) applied++;
      return { objects: applied, held, built: performance.now() };
    } finally {
      session.close();
      connection.close();
    }
  }

  close(): void {
    this.seeder?.disconnect();
  }

  /** A real socket.io client at `level`, joined to the cell. */
  private async fullClient(level: Level): Promise<Socket> {
    const socket = await connectFull(this.url, await this.tokens.of(level.persona));
    await call(socket, 'workspace:join', { workspaceId: this.workspaceId });
    return socket;
  }
}

/** A real socket.io client, connected as the web client connects (base64 answers, WebSocket only). */
export async function connectFull(url: string, token: string, encoding: BinaryEncoding = ENCODING): Promise<Socket> {
  const socket = io(url, { auth: handshakeAuth(token, encoding), transports: ['websocket'], reconnection: false, forceNew: true });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  return socket;
}

/** A socket signed in as a demo persona, with binary answers: for scenarios that drive one server by hand. */
export async function connectPersona(url: string, persona: string): Promise<Socket> {
  return connectFull(url, await new DevTokens(url).of(persona), 'binary');
}

/** One dev-identity token per persona, fetched once. */
export class DevTokens {
  private readonly tokens = new Map<string, Promise<string>>();

  constructor(readonly url: string) {}

  of(persona: string): Promise<string> {
    let token = this.tokens.get(persona);
    if (!token) {
      token = postJson<{ token: string }>(`${this.url}/api/dev/token`, null, { persona }).then((body) => body.token);
      this.tokens.set(persona, token);
    }
    return token;
  }
}

/** Emits a client event and answers its ack, success or the server's error. */
export function ask<E extends ClientEvent>(socket: RequestSocket, event: E, payload: ClientInput<E>): Promise<Ack<AckBodies[E]>> {
  return request(socket, event, withBase64Fields(payload), ACK_TIMEOUT_MS);
}

/** Emits a client event and answers the ack body, or throws the server's error. */
export async function call<E extends ClientEvent>(socket: RequestSocket, event: E, payload: ClientInput<E>): Promise<AckBodies[E]> {
  const ack = await ask(socket, event, payload);
  if (!ack.ok) throw new Error(`tearline refused ${event}: ${ack.error.code}: ${ack.error.message}`);
  return ack;
}

async function postJson<T>(url: string, token: string | null, body: unknown): Promise<T> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`POST ${url} answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as T;
}
