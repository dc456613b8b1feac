// Builds and starts one Tearline node: store, identity, cells, docs, fan-out, HTTP and socket.io
// on one port.
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { Server } from 'socket.io';
import { createSqliteAuditLog } from './audit/sqliteAuditLog';
import { identityProvider } from './auth/provider';
import { configFromEnv, type ServerConfig } from './config';
import type { Context, TearlineServer } from './context';
import { createMetrics } from './http/metrics';
import { createHttpApp } from './http/routes';
import { DocRegistry } from './objects/docRegistry';
import { createReleases } from './release/releaseHandlers';
import { finishInterruptedReleases } from './release/recovery';
import { createDeadlineScheduler } from './release/scheduler';
import { createSqliteReleaseRequestStore } from './release/sqliteRequestStore';
import { DirectFrameAdapter, directFrameCounts } from './rooms/directFrames';
import { Fanout } from './rooms/fanout';
import { authenticate, onConnection } from './sessions/connection';
import { PersonBudgets } from './sessions/rateLimiter';
import { SqliteStore } from './store/sqliteStore';
import { UpdateWriter } from './store/updateWriter';
import { CellRegistry } from './workspaces/cellRegistry';
import { WorkspaceService } from './workspaces/workspaceService';

export interface RunningServer {
  url: string;
  port: number;
  ctx: Context;
  close(): Promise<void>;
}

export async function startServer(options: Partial<ServerConfig> = {}): Promise<RunningServer> {
  const config: ServerConfig = { ...configFromEnv(), ...options };
  const log = pino({ level: config.logLevel, name: 'tearline' });
  // First: a node that must not start opens nothing.
  const { verify, dev } = await identityProvider(config, log);
  const store = new SqliteStore(path.join(config.dataDir, 'tearline.db'), { sync: config.sqliteSync });

  const httpServer = http.createServer();
  const io: TearlineServer = new Server(httpServer, {
    // Larger than the update limit so an oversized edit gets a `too_large` answer, not a cut line.
    maxHttpBufferSize: config.maxUpdateBytes * 4 + 64 * 1024,
    serveClient: false,
    adapter: DirectFrameAdapter,
  });
  const docs = new DocRegistry(store, { compactAfter: config.compactAfter, idleMs: config.docIdleMs, maxDocBytes: config.maxDocBytes });
  const metrics = createMetrics({
    rooms: () => io.of('/').adapter.rooms.size,
    liveDocs: () => docs.size,
    broadcastFrames: () => directFrameCounts,
  });
  const releaseStore = createSqliteReleaseRequestStore(store.db);
  const ctx = {
    config,
    log,
    store,
    verify,
    workspaces: new WorkspaceService(store),
    cells: new CellRegistry(store),
    docs,
    writer: new UpdateWriter(store, config.commitWindowMs),
    fanout: new Fanout(io, metrics, config.fanoutWindowMs),
    audit: createSqliteAuditLog(store.db),
    releaseStore,
    metrics,
    io,
    people: new PersonBudgets({
      perSocket: { perSecond: config.ratePerSecond, burst: config.rateBurst },
      perPerson: { perSecond: config.personRatePerSecond, burst: config.personRateBurst },
      maxSockets: config.maxSocketsPerPerson,
    }),
  } as Omit<Context, 'releases'> as Context;
  const scheduler = createDeadlineScheduler({
    store: releaseStore,
    onDeadline: (requestId) => ctx.releases.deadline(requestId),
    onError: (err, requestId) => log.error({ err, requestId }, 'release deadline failed'),
  });
  ctx.releases = createReleases(ctx, scheduler);

  httpServer.on('request', createHttpApp(ctx, dev));
  io.use(authenticate(ctx));
  io.on('connection', (socket) => onConnection(ctx, socket));

  const recovered = await finishInterruptedReleases(ctx);
  if (recovered > 0) log.warn({ recovered }, 'finished releases interrupted by a stop');
  await scheduler.start();
  const evictor = setInterval(() => void docs.evictIdle(), Math.max(1000, config.docIdleMs / 2));
  evictor.unref();

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(config.port, config.host, resolve);
  });
  const port = (httpServer.address() as AddressInfo).port;
  const url = `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${port}`;
  log.info({ url, dataDir: config.dataDir, devIdentity: Boolean(dev) }, 'Tearline is listening');

  return {
    url,
    port,
    ctx,
    async close() {
      clearInterval(evictor);
      await scheduler.stop();
      await new Promise<void>((resolve) => io.close(() => resolve()));
      docs.destroy();
      await store.close();
    },
  };
}
