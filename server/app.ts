// Builds and starts one Tearline node: store, identity, cells, docs, fan-out, HTTP and socket.io
// on one port, and the operators' metrics on another.
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { Server } from 'socket.io';
import { Adapter } from 'socket.io-adapter';
import { RedisStore, type RedisReply } from 'rate-limit-redis';
import { recordRestart } from './audit/restart';
import { identityProvider } from './auth/provider';
import { configFromEnv, type ServerConfig } from './config';
import type { Context } from './handlers/context';
import { authenticate, onConnection, sessionExpiry } from './handlers/connection';
import { refreshPresenceFor } from './handlers/awareness';
import { restoreExercises, restoreRunner } from './handlers/http/exercises';
import { ExerciseLeadership } from './exercise/leadership';
import { createHttpApp } from './handlers/http/routes';
import { createNotifierFor } from './handlers/comments';
import { createReleases } from './handlers/release';
import { createMetrics, metricsListener } from './metrics/metrics';
import { ExerciseRunners } from './exercise/runner';
import { DocRegistry } from './objects/docRegistry';
import { remarker } from './objects/remark';
import { finishInterruptedReleases } from './release/recovery';
import { createDeadlineScheduler } from './release/scheduler';
import { withDirectFrames, type FrameCounts } from './rooms/directFrames';
import { Fanout } from './rooms/fanout';
import { presenceWindowMs, sendPresence } from './rooms/presence';
import { PresenceBatcher } from './rooms/presenceBatch';
import { workspaceRoom } from './rooms/roomNames';
import { PRESENCE_RELAY_EVENT, presenceMessage, receivePresence } from './rooms/presenceRelay';
import { BoundedRedisAdapter, LOOKUP_ANSWERS_MS } from './relay/adapterLookups';
import { RelayReceiver } from './relay/receiver';
import { ReadGate } from './relay/readGate';
import { closeClient, RedisRelay } from './relay/redisRelay';
import { installDirectAcks, type AckCounts } from './sessions/directAcks';
import { answerParser } from './sessions/answerText';
import { PersonBudgets } from './sessions/rateLimiter';
import type { TearlineServer } from './sessions/session';
import { openStorage } from './openStorage';
import { PostgresStore } from './store/postgresStore';
import { StorageHealth } from './store/storageHealth';
import { UpdateWriter } from './store/updateWriter';
import { relayPace } from './store/commitPolicy';
import { JoinAdmission } from './workspaces/admission';
import { CellRegistry } from './workspaces/cellRegistry';
import { unloadIdleCells, type IdleCellPorts } from './workspaces/idleCells';
import { WorkspaceService } from './workspaces/workspaceService';

export interface RunningServer {
  url: string;
  port: number;
  /** Where Prometheus reads the metrics (`…/metrics`); undefined when TEARLINE_METRICS_PORT is `off`. */
  metricsUrl: string | undefined;
  ctx: Context;
  /** Unloads now the cells idle for `idleMs` (default TEARLINE_CELL_IDLE_MS); answers how many. */
  unloadIdleCells(idleMs?: number): Promise<number>;
  close(): Promise<void>;
}

/**
 * Connections the kernel queues for accepting. Node's default, 511, is less than a cell's
 * reconnect storm: beyond it connection attempts (`/healthz` included) are dropped and retried by
 * the client only after 1, 3, 7 s. The kernel caps it at net.core.somaxconn.
 */
const LISTEN_BACKLOG = 4096;

/** How long a node waits for a missing relayed update before it reloads the object from PostgreSQL. */
const RELAY_GAP_WAIT_MS = 1000;

/** Listens and answers the base URL a client on this machine uses. */
async function listen(server: http.Server, port: number, host: string): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host, backlog: LISTEN_BACKLOG }, resolve);
  });
  const bound = (server.address() as AddressInfo).port;
  const name = host === '0.0.0.0' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  return `http://${name}:${bound}`;
}

/**
 * socket.io's Redis adapter (presence lookups, ending sessions, cell-wide events across nodes),
 * with this node's own deliveries on the direct-frame path. Its own clients: the adapter
 * subscribes on one, which then can do nothing else.
 */
async function clusterAdapter(relay: RedisRelay, counts: FrameCounts, log: pino.Logger) {
  const [pub, sub] = relay.adapterClients();
  for (const client of [pub, sub]) client.on('error', () => undefined);
  await Promise.all([pub.connect(), sub.connect()]);
  const Direct = withDirectFrames(BoundedRedisAdapter, { counts, log });
  return {
    adapter: function (nsp: ConstructorParameters<typeof BoundedRedisAdapter>[0]) {
      return new Direct(nsp, pub, sub, { requestsTimeout: LOOKUP_ANSWERS_MS });
    },
    close: () => Promise.allSettled([pub, sub].map(closeClient)),
  };
}

/**
 * Unloads idle cells (server/workspaces/idleCells.ts) every half idle time (at least 0.1 s, at most
 * a minute apart), one sweep at a time. `sweep` runs one now (tests: with an idle time of their own),
 * or answers the one under way.
 */
function idleCellSweeper(ctx: Context, ports: Pick<IdleCellPorts, 'inUse' | 'forget'>) {
  let sweeping: Promise<number> | undefined;
  const sweep = (idleMs = ctx.config.cellIdleMs): Promise<number> =>
    (sweeping ??= unloadIdleCells({ ...ports, cells: ctx.cells, docs: ctx.docs, idleMs, log: ctx.log }).finally(() => (sweeping = undefined)));
  const timer = setInterval(() => {
    sweep().catch((err: unknown) => ctx.log.error({ err }, 'unloading idle cells failed; tried again at the next sweep'));
  }, Math.min(60_000, Math.max(100, ctx.config.cellIdleMs / 2)));
  timer.unref();
  return { sweep, stop: () => clearInterval(timer) };
}

export async function startServer(options: Partial<ServerConfig> = {}): Promise<RunningServer> {
  const config: ServerConfig = { ...configFromEnv(), ...options };
  const log = pino({ level: config.logLevel, name: 'tearline' });
  // First: a node that must not start opens nothing.
  const { verify, dev } = await identityProvider(config, log);
  const storage = new StorageHealth(config.dataDir, config.diskWarnBytes);
  const { store, audit, releaseStore, notificationStore } = await openStorage(config, { outcomes: storage, log });
  // One of several nodes (REDIS_URL, on PostgreSQL): the relay, and socket.io across nodes.
  const frames: FrameCounts = { direct: 0, engine: 0 };
  const acks: AckCounts = { direct: 0, engine: 0 };
  // This process's name in relay entries. A node skips its own updates' entries unread, so the
  // name must be this process's alone: two nodes given one TEARLINE_NODE_ID, or a restarted node
  // reading entries of its earlier life, would otherwise drop each other's updates.
  const relayName = `${config.nodeId}~${randomUUID()}`;
  const relay = config.redisUrl !== undefined && store instanceof PostgresStore
    ? new RedisRelay({
        url: config.redisUrl,
        node: relayName,
        maxLen: config.relayMaxLen,
        store,
        log,
        killAfterCommit: config.faultHook === 'kill-after-commit',
        // Entries are read only once the relay started, after the metrics exist.
        counted: (outcome) => metrics.relayEntries.inc({ outcome }),
      })
    : undefined;
  await relay?.connect();
  const cluster = relay && (await clusterAdapter(relay, frames, log));
  const httpServer = http.createServer();
  const io: TearlineServer = new Server(httpServer, {
    // Larger than the update limit so an oversized edit gets a `too_large` answer, not a cut line.
    maxHttpBufferSize: config.maxUpdateBytes * 4 + 64 * 1024,
    serveClient: false,
    // socket.io's own parser, but an answer already written as JSON text is sent as it is (server/sessions/answerText.ts).
    parser: answerParser,
    adapter: cluster ? cluster.adapter : withDirectFrames(Adapter, { counts: frames, log }),
    // Across nodes: WebSocket only, so no load balancer needs sticky sessions for polling.
    ...(cluster ? { transports: ['websocket'] as const } : {}),
  });
  const metrics = createMetrics({
    rooms: () => io.of('/').adapter.rooms.size,
    liveDocs: () => docs.size,
    loadedCells: () => ctx.cells.loadedIds().length,
    broadcastFrames: () => frames,
    ackFrames: () => acks,
    freeBytes: () => storage.freeBytes(),
    storageFaults: () => storage.faults,
    auditUnwritten: () => audit.unwritten(),
    auditUnstorable: () => audit.unstorableEntries(),
  });
  const commitPolicy = { maxWindowMs: config.commitWindowMs, framesPerSecond: config.commitFramesPerSecond };
  const writer = new UpdateWriter(store, commitPolicy, storage);
  const docs = new DocRegistry(store, writer, {
    compactAfter: config.compactAfter,
    idleMs: config.docIdleMs,
    maxDocBytes: config.maxDocBytes,
    syncCacheBytes: config.syncCacheBytes,
    // An exercise cell keeps every update, so what each level saw can be replayed, until EXCON closes it (its AAR final).
    async keepsHistory(objectId) {
      const envelope = await store.getObject(objectId);
      const workspace = envelope && (await store.getWorkspace(envelope.workspaceId));
      return workspace?.exercise === true && workspace.exerciseClosedAt === undefined;
    },
    onCompactionError(err, objectId) {
      metrics.compactionsFailed.inc();
      log.error({ err, objectId }, 'compaction failed; the update log stays as it is and compaction is retried later');
    },
  });
  const ctx = {
    config,
    log,
    store,
    verify,
    workspaces: new WorkspaceService(store),
    cells: new CellRegistry(store, log, relay && ((workspaceId) => relay.follow(workspaceId))),
    docs,
    fanout: new Fanout(io, metrics, config.fanoutWindowMs, writer.frames, () => relayPace(writer.frames.perCommit(), commitPolicy, writer.pending)),
    audit,
    storage,
    releaseStore,
    notificationStore,
    metrics,
    io,
    people: new PersonBudgets({
      perSocket: { perSecond: config.ratePerSecond, burst: config.rateBurst },
      perPerson: { perSecond: config.personRatePerSecond, burst: config.personRateBurst },
      maxSockets: config.maxSocketsPerPerson,
      bytesPerToken: config.rateBytesPerToken,
    }),
    joins: new JoinAdmission(config.joinsPerSecond, config.maxConcurrentJoins),
    exercises: new ExerciseRunners(),
    restCounters: relay && ((name: string) => new RedisStore({ sendCommand: (...args: string[]) => relay.command(args) as Promise<RedisReply>, prefix: `tearline:rest:${name}:` })),
  } as Omit<Context, 'releases' | 'presence' | 'remark' | 'notifier' | 'sessionExpiry'> as Context;
  ctx.sessionExpiry = sessionExpiry(ctx);
  ctx.notifier = createNotifierFor(ctx);
  ctx.remark = remarker({
    cells: ctx.cells,
    docs,
    fanout: ctx.fanout,
    audienceChanged: (cell, objectIds) => refreshPresenceFor(ctx, cell, objectIds),
    async reread(cell, objectIds) {
      // On PostgreSQL, told to the rooms as another node's change is; on SQLite (one node, whose index
      // is the store's) only the marking versions held are read again.
      for (const id of objectIds) await (receiver ? receiver.refreshObject(cell, id) : store.getObject(id));
    },
    ...(config.faultHook === 'kill-after-remark' ? { committed: () => process.kill(process.pid, 'SIGKILL') } : {}),
  });
  // Across nodes each node filters presence for its own sockets: the others get the changes as they are.
  const heldVersions = store instanceof PostgresStore ? store : undefined;
  ctx.presence = new PresenceBatcher(
    (cell, changes, newcomers) => {
      sendPresence(ctx, cell, changes, newcomers);
      if (cluster && heldVersions && changes.length > 0) {
        io.serverSideEmit(PRESENCE_RELAY_EVENT, presenceMessage(cell.workspace.id, changes, (id) => heldVersions.markingVersionHeld(id)));
      }
    },
    (cell) => presenceWindowMs(ctx, cell),
  );
  const scheduler = createDeadlineScheduler({
    store: releaseStore,
    onDeadline: (requestId) => ctx.releases.deadline(requestId),
    onError: (err, requestId) => log.error({ err, requestId }, 'release deadline failed'),
    retryMs: config.releaseRetryMs,
    claimant: config.nodeId,
  });
  ctx.releases = createReleases(ctx, scheduler);

  // On PostgreSQL even without the relay: a node re-reads what its own failed commits may have stored.
  const receiver = store instanceof PostgresStore
    ? new RelayReceiver({
        node: relayName,
        cells: ctx.cells,
        docs,
        fanout: ctx.fanout,
        store,
        audienceChanged: (cell, objectIds) => refreshPresenceFor(ctx, cell, objectIds),
        log,
        gapWaitMs: RELAY_GAP_WAIT_MS,
      })
    : undefined;
  if (relay && receiver) {
    await relay.start(receiver);
    ctx.readGate = new ReadGate({
      trusted: () => relay.trusted(),
      applied: (workspaceId) => relay.applied(workspaceId),
      recheck: (cell) => receiver.recheck(cell),
      readerAhead: (id, stateVector) => docs.readerAhead(id, stateVector),
      repair: (cell, id) => receiver.repair(cell, id),
    });
  }
  // A creation, deletion, undo or move whose commit outcome is unknown: read again at once, told to
  // the rooms as another node's change is (without Redis, nothing else would ever bring it).
  if (receiver) {
    ctx.cells.rereadWith({
      async objects(cell, objectIds) {
        for (const id of objectIds) await receiver.refreshObject(cell, id);
      },
      tombstones: (cell) => receiver.syncTombstones(cell),
    });
  }
  // An envelope whose marking version the node forgot: read again (holding its version), and, with
  // other nodes that may have changed it, put in the cell index with its rooms told what changed.
  writer.onUnheld(async (objectIds) => {
    for (const id of objectIds) {
      const envelope = await store.getObject(id);
      const cell = envelope && receiver ? await ctx.cells.loaded(envelope.workspaceId) : undefined;
      if (cell && receiver) await receiver.refreshObject(cell, id);
    }
  });
  if (cluster && receiver && heldVersions) {
    io.on(PRESENCE_RELAY_EVENT, (message) => {
      receivePresence(
        {
          loaded: (workspaceId) => ctx.cells.loaded(workspaceId),
          markingVersionHeld: (id) => heldVersions.markingVersionHeld(id),
          refresh: (cell, id) => receiver.refreshObject(cell, id),
          sendLocal: (cell, changes) => sendPresence(ctx, cell, changes, new Set()),
          log,
        },
        message,
      ).catch((err: unknown) => log.error({ err }, 'relayed presence failed'));
    });
  }

  httpServer.on('request', createHttpApp(ctx, dev));
  io.use(authenticate(ctx));
  const directAcks = installDirectAcks({ counts: acks, log });
  io.on('connection', (socket) => {
    directAcks(socket);
    onConnection(ctx, socket);
  });

  // Before anyone can join: the sessions a crash left open are closed in the audit log first.
  const closed = await recordRestart(audit, relay ? config.nodeId : undefined);
  if (closed > 0) log.warn({ sessions: closed }, 'recorded the end of sessions a stop left open in the audit log');
  const recovered = await finishInterruptedReleases(ctx);
  if (recovered > 0) log.warn({ recovered }, 'finished releases interrupted by a stop');
  await scheduler.start();
  // With several nodes each exercise runs where its lock is; one node runs those it started.
  if (cluster && store instanceof PostgresStore && config.databaseUrl) {
    ctx.exerciseLeadership = new ExerciseLeadership({
      node: config.nodeId,
      databaseUrl: config.databaseUrl,
      pool: store.pool,
      io,
      runners: ctx.exercises,
      cells: ctx.cells,
      restore: (record) => restoreRunner(ctx, record),
      log,
    });
  }
  const exercises = ctx.exerciseLeadership ? await ctx.exerciseLeadership.start() : await restoreExercises(ctx);
  if (exercises > 0) log.info({ exercises }, 'exercises restored where they stood');
  const evictor = setInterval(() => void docs.evictIdle(), Math.max(1000, config.docIdleMs / 2));
  evictor.unref();
  const unloader = idleCellSweeper(ctx, {
    inUse: (workspaceId) =>
      (io.of('/').adapter.rooms.get(workspaceRoom(workspaceId))?.size ?? 0) > 0 || ctx.exercises.find(workspaceId) !== undefined || ctx.presence.waiting(workspaceId),
    forget(workspaceId, objectIds) {
      receiver?.forget(objectIds);
      heldVersions?.forgetMarkings(objectIds);
      relay?.unfollow(workspaceId, ctx.cells.loadedIds());
    },
  });

  const url = await listen(httpServer, config.port, config.host);
  const port = (httpServer.address() as AddressInfo).port;
  let metricsServer: http.Server | undefined;
  let metricsUrl: string | undefined;
  if (config.metricsPort !== null) {
    metricsServer = http.createServer(metricsListener(metrics, (err) => log.error({ err }, 'metrics collection failed')));
    metricsUrl = `${await listen(metricsServer, config.metricsPort, config.metricsHost)}/metrics`;
  }
  log.info({ url, metricsUrl, store: config.store, nodeId: config.nodeId, dataDir: config.dataDir, devIdentity: Boolean(dev) }, 'Tearline is listening');

  return {
    url,
    port,
    metricsUrl,
    ctx,
    unloadIdleCells: unloader.sweep,
    async close() {
      clearInterval(evictor);
      unloader.stop();
      metrics.close();
      if (metricsServer) {
        // A scraper's keep-alive connection would otherwise hold the close open.
        metricsServer.closeAllConnections();
        await new Promise<void>((resolve) => metricsServer.close(() => resolve()));
      }
      await scheduler.stop();
      await ctx.exerciseLeadership?.stop();
      await ctx.exercises.stopAll();
      await new Promise<void>((resolve) => io.close(() => resolve()));
      ctx.presence.close();
      ctx.sessionExpiry.stop();
      // After everything that may still publish: presence batches, the last commits' relay.
      receiver?.close();
      await relay?.stop();
      await cluster?.close();
      docs.destroy();
      await audit.close();
      await store.close();
    },
  };
}
