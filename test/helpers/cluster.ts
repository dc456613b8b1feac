// Several Tearline nodes on one PostgreSQL and one Redis of the test's own, for the cluster and
// fault tests: nodes in this process (startTestServer) or as child processes (to SIGKILL them),
// clients opened on any of them, everything closed after each test.
import { afterEach } from 'vitest';
import * as Y from 'yjs';
import { bodyOf } from '../../shared/content';
import { bytesOf } from '../../shared/protocol';
import type { RunningServer } from '../../server/app';
import type { ServerConfig } from '../../server/config';
import { createTestDatabase, type TestDatabase } from './postgres';
import { kill, spawnServer, type ChildServer } from './process';
import { startTestRedis, type TestRedis } from './redis';
import { connect, onPostgres, startTestServer, tempDir, tokenFor, type TestClient } from './server';

/** Waits for `check` (never a fixed sleep); answers how long it took. `what` may say, at the time out, what is still missing. */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string | (() => string)): Promise<number> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`not within ${timeoutMs} ms: ${typeof what === 'string' ? what : what()}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return Date.now() - started;
}

/** The text of an object as PostgreSQL holds it, read through a fresh client's `doc:sync`. */
export async function storedText(reader: TestClient, workspaceId: string, objectId: string): Promise<string> {
  const { docs } = await reader.ok('doc:sync', { workspaceId, docs: [{ id: objectId }] });
  const stored = new Y.Doc();
  Y.applyUpdate(stored, bytesOf(docs[0]!.update));
  return bodyOf(stored).toString();
}

export interface ClusterOptions {
  nodes?: number;
  /** Redis keeps its streams through a restart (AOF, fsync always). */
  aof?: boolean;
  /** A database URL of the test's own (an own PostgreSQL server); default: a fresh database on the shared one. */
  databaseUrl?: string;
  config?: Partial<ServerConfig>;
}

/** Registers the afterEach that closes it all; answers how to start a cluster and open clients. */
export function useCluster() {
  let database: TestDatabase | undefined;
  let databaseUrl = '';
  let redis: TestRedis | undefined;
  let dataDir = '';
  const nodes: RunningServer[] = [];
  const children: ChildServer[] = [];
  const clients: TestClient[] = [];
  // One sign-in per persona: the nodes share one dev identity, and sign-ins are rate-limited per
  // identity (60 a minute), which a long fuzz run opening hundreds of sockets would exceed.
  const tokens = new Map<string, Promise<string>>();

  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    for (const node of nodes.splice(0)) await node.close();
    for (const child of children.splice(0)) await kill(child, 'SIGTERM');
    await redis?.stop();
    await database?.drop();
    redis = undefined;
    database = undefined;
  });

  return {
    get redis(): TestRedis {
      return redis!;
    },
    get databaseUrl(): string {
      return databaseUrl;
    },
    /** Nodes sharing a dev identity (one data dir), a database and a Redis of this test's own. */
    async start(options: ClusterOptions = {}): Promise<RunningServer[]> {
      if (options.databaseUrl) databaseUrl = options.databaseUrl;
      else {
        database = await createTestDatabase();
        databaseUrl = database.url;
      }
      redis = await startTestRedis({ aof: options.aof });
      dataDir = tempDir();
      tokens.clear(); // a new data directory is a new dev identity: earlier tokens are not its own
      const started: RunningServer[] = [];
      for (let i = 1; i <= (options.nodes ?? 3); i++) started.push(await this.node(`node-${i}`, options.config));
      return started;
    },
    /** One more node in this process. */
    async node(nodeId: string, config: Partial<ServerConfig> = {}): Promise<RunningServer> {
      const node = await startTestServer({ ...onPostgres(databaseUrl), redisUrl: redis!.url, nodeId, dataDir, commitWindowMs: 2, ...config });
      nodes.push(node);
      return node;
    },
    /** A node as a child process, to kill: `env` adds settings (TEARLINE_TEST_FAULT). */
    async child(nodeId: string, env: Record<string, string> = {}): Promise<ChildServer> {
      const child = await spawnServer({
        TEARLINE_STORE: 'postgres',
        DATABASE_URL: databaseUrl,
        REDIS_URL: redis!.url,
        TEARLINE_NODE_ID: nodeId,
        TEARLINE_DATA_DIR: dataDir,
        TEARLINE_COMMIT_WINDOW_MS: '2',
        ...env,
      });
      children.push(child);
      return child;
    },
    /** Stops an in-process node (its clients see their sockets close). */
    async stop(node: RunningServer): Promise<void> {
      nodes.splice(nodes.indexOf(node), 1);
      await node.close();
    },
    async open(url: string, persona: string, workspaceId: string, token?: string): Promise<TestClient> {
      if (!tokens.has(persona)) tokens.set(persona, tokenFor(url, persona).catch((err: unknown) => (tokens.delete(persona), Promise.reject(err))));
      const client = await connect(url, persona, token ?? (await tokens.get(persona)));
      clients.push(client);
      await client.ok('workspace:join', { workspaceId });
      return client;
    },
    /** Closes a client now (a participant leaving). */
    leave(client: TestClient): void {
      clients.splice(clients.indexOf(client), 1);
      client.close();
    },
  };
}
