// The reconnect storm: a cell of many clients, its server killed (SIGKILL) and started again on
// the same data and port, then every client reconnecting at the same instant. That is the worst
// case: the web client spreads its first attempts by ±50 % (socket.io's randomizationFactor),
// these clients do not. Each rejoins (a join refused by admission control is tried again when the
// server says, with the web client's jitter) and resyncs every object it may see. Reports the time
// until every client has resynced, presence frames per rejoin, and `/healthz`, asked every 100 ms
// from a thread of its own throughout.
// `npm run bench -- storm [--clients 1000] [--objects 100] [--profile <dir>]` (a CPU profile of the
// restarted server).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { io, type Socket } from 'socket.io-client';
import { retryDelayMs, ServerError } from '../client/src/session/errors';
import { handshakeAuth, SYNC_MAX_DOCS, type Ack, type AckBodies, type PresenceState } from '../shared/protocol';
import { HealthProbe } from './health-probe';
import { LEVELS, levelOf } from './levels';
import { seedObjects } from './seed';
import { ServerProcess } from './servers/spawn';
import { call, DevTokens, TearlineSession } from './targets/tearline';

const ACK_TIMEOUT_MS = 60_000;
const CONNECT_BATCH = 50;
/** As the web client reconnects: 1 s, ±50 % at random. */
const RECONNECT_DELAY_MS = 1000;
const CONNECT_ATTEMPTS = 10;
/** Long enough for the last presence window of a large cell to be sent. */
const SETTLE_MS = 1500;

interface Steps {
  connected: number;
  joined: number;
  synced: number;
}

class StormClient {
  readonly socket: Socket;
  presenceFrames = 0;
  presenceStates = 0;
  refusedJoins = 0;
  failedConnects = 0;

  constructor(url: string, token: string) {
    this.socket = io(url, { auth: handshakeAuth(token, 'base64'), transports: ['websocket'], reconnection: false, forceNew: true, autoConnect: false });
    this.socket.on('awareness', (body: { states: PresenceState[]; removed?: string[] }) => {
      this.presenceFrames++;
      this.presenceStates += body.states.length + (body.removed?.length ?? 0);
    });
  }

  /** Connects, joins and syncs every object it may see, as the web client does; answers when each step finished. */
  async resync(workspaceId: string): Promise<Steps> {
    await this.connect();
    const connected = performance.now();
    const { objects } = await this.join(workspaceId);
    const joined = performance.now();
    for (let start = 0; start < objects.length; start += SYNC_MAX_DOCS) {
      const docs = objects.slice(start, start + SYNC_MAX_DOCS).map((object) => ({ id: object.id }));
      await call(this.socket, 'doc:sync', { workspaceId, docs });
    }
    return { connected, joined, synced: performance.now() };
  }

  /** Connects, trying again as socket.io's reconnection would when an attempt fails (a timeout under load). */
  private async connect(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const failure = await new Promise<Error | null>((resolve) => {
        const onConnect = () => {
          this.socket.off('connect_error', onError);
          resolve(null);
        };
        const onError = (error: Error) => {
          this.socket.off('connect', onConnect);
          resolve(error);
        };
        this.socket.once('connect', onConnect);
        this.socket.once('connect_error', onError);
        this.socket.connect();
      });
      if (!failure) return;
      if (attempt === CONNECT_ATTEMPTS) throw failure;
      this.failedConnects++;
      await sleep(RECONNECT_DELAY_MS * (0.5 + Math.random()));
    }
  }

  resetCounts(): void {
    this.presenceFrames = 0;
    this.presenceStates = 0;
    this.refusedJoins = 0;
    this.failedConnects = 0;
  }

  private async join(workspaceId: string): Promise<AckBodies['workspace:join']> {
    for (;;) {
      const ack = (await this.socket.timeout(ACK_TIMEOUT_MS).emitWithAck('workspace:join', { workspaceId })) as Ack<AckBodies['workspace:join']>;
      if (ack.ok) return ack;
      if (ack.error.code !== 'rate_limited') throw new Error(`tearline refused workspace:join: ${ack.error.code}: ${ack.error.message}`);
      this.refusedJoins++;
      await sleep(retryDelayMs(new ServerError(ack.error.code, ack.error.message, ack.error.retryAfterMs)));
    }
  }
}

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}

function sum(clients: readonly StormClient[], count: (client: StormClient) => number): number {
  return clients.reduce((total, client) => total + count(client), 0);
}

export async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { clients: { type: 'string', default: '1000' }, objects: { type: 'string', default: '100' }, profile: { type: 'string' } },
  });
  const clientCount = Number(values.clients);
  const objectCount = Number(values.objects);
  const dataDir = mkdtempSync(path.join(tmpdir(), 'tearline-storm-'));
  let server = await ServerProcess.start('tearline', { args: ['--data-dir', dataDir] });
  const clients: StormClient[] = [];
  try {
    const tokens = new DevTokens(server.url);
    const session = await TearlineSession.open(server, tokens);
    await session.seed(seedObjects(objectCount));
    session.close();
    for (let i = 0; i < clientCount; i++) clients.push(new StormClient(server.url, await tokens.of(LEVELS[levelOf(i)]!.persona)));

    progress(`storm: ${clientCount} clients join a cell of ${objectCount} objects, ${CONNECT_BATCH} at a time`);
    const joinedFrom = performance.now();
    for (let first = 0; first < clientCount; first += CONNECT_BATCH) {
      await Promise.all(clients.slice(first, first + CONNECT_BATCH).map((client) => client.resync(session.workspaceId)));
    }
    const joinedMs = performance.now() - joinedFrom;
    await sleep(SETTLE_MS);
    const gradual = { frames: sum(clients, (c) => c.presenceFrames), states: sum(clients, (c) => c.presenceStates) };
    for (const client of clients) client.resetCounts();

    progress('storm: SIGKILL, then the same data and port again');
    const port = server.port;
    await server.crash();
    while (clients.some((client) => client.socket.connected)) await sleep(20);
    server = await ServerProcess.start('tearline', { args: ['--data-dir', dataDir, '--port', String(port)], cpuProfileDir: values.profile });
    const probe = new HealthProbe(server.url);
    // The probe's first request (loading fetch in its thread) is not the storm's doing.
    await sleep(1000);
    const cpuBefore = server.sample().cpuSeconds;
    const generatorBefore = process.cpuUsage();
    server.resetPeak();
    const stormFrom = performance.now();
    const steps = await Promise.all(clients.map((client) => client.resync(session.workspaceId)));
    const after = (step: keyof Steps) => steps.map((at) => at[step] - stormFrom).sort((a, b) => a - b);
    const resyncMs = after('synced');
    await sleep(SETTLE_MS);
    const health = await probe.stop();
    const cpuSeconds = server.sample().cpuSeconds - cpuBefore;
    const generator = process.cpuUsage(generatorBefore);
    const frames = sum(clients, (c) => c.presenceFrames);
    const states = sum(clients, (c) => c.presenceStates);
    const refused = sum(clients, (c) => c.refusedJoins);
    const failedConnects = sum(clients, (c) => c.failedConnects);

    console.log(`Reconnect storm: ${clientCount} clients over ${LEVELS.length} access levels, a cell of ${objectCount} objects\n`);
    console.log('| phase | clients | all connected (s) | all joined (s) | all resynced (s) | resynced p50 (s) | connects failed | joins refused | presence frames per join | presence states per join | /healthz max (ms) | /healthz p99 (ms) | /healthz failed | server CPU (s) | server peak RSS (MB) | generator CPU (s) |');
    console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
    console.log(`| first joins, ${CONNECT_BATCH} at a time | ${clientCount} | – | – | ${(joinedMs / 1000).toFixed(1)} | – | – | – | ${(gradual.frames / clientCount).toFixed(1)} | ${(gradual.states / clientCount).toFixed(0)} | – | – | – | – | – | – |`);
    console.log(
      `| after SIGKILL, all at once | ${clientCount} | ${(after('connected').at(-1)! / 1000).toFixed(1)} | ${(after('joined').at(-1)! / 1000).toFixed(1)} | ${(resyncMs.at(-1)! / 1000).toFixed(1)} | ${(quantile(resyncMs, 0.5) / 1000).toFixed(1)} | ${failedConnects} | ${refused} | ` +
        `${(frames / clientCount).toFixed(1)} | ${(states / clientCount).toFixed(0)} | ${health.maxMs.toFixed(0)} | ${health.p99Ms.toFixed(0)} | ${health.failed} of ${health.probes} | ` +
        `${cpuSeconds.toFixed(1)} | ${server.peakRss().toFixed(0)} | ${((generator.user + generator.system) / 1e6).toFixed(1)} |`,
    );
  } finally {
    for (const client of clients) client.socket.disconnect();
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
  return 0;
}

function progress(line: string): void {
  process.stderr.write(`${line}\n`);
}
