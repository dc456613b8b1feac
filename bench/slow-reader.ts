// Clients that stop reading. Each joins, stops reading its socket, and asks for a large object
// with `doc:sync` at half the per-socket rate limit (100 a second), without end; when the server
// ends its session it connects again and goes on. Meanwhile a reading client edits every 100 ms,
// timing its acknowledgements, and `/healthz` is asked every 100 ms from a thread of its own. The
// server keeps its message budgets as configured (`--keep-budgets`) and its RSS is sampled every
// second. `npm run bench -- slow-reader [--clients 10] [--seconds 30]`; with
// TEARLINE_MAX_PENDING_OUTPUT_BYTES and TEARLINE_RATE_BYTES_PER_TOKEN set very high (they reach the
// server through the environment) it shows a server without these bounds.
import type WebSocket from 'ws';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { io, type Socket } from 'socket.io-client';
import * as Y from 'yjs';
import { bodyOf, buildContent } from '../shared/content';
import { bytesOf, handshakeAuth } from '../shared/protocol';
import { HealthProbe } from './health-probe';
import { SHARED_MARKING } from './levels';
import { ServerProcess } from './servers/spawn';
import { call, DevTokens, TearlineSession } from './targets/tearline';

/** Personas of the benchmark cell's nations: each slow client is a person of its own, budgets and all. */
const PERSONAS = ['usa-analyst', 'usa-secret', 'usa-fdo', 'gbr-analyst', 'gbr-fdo', 'aus-analyst', 'aus-viewer', 'can-analyst', 'nzl-analyst', 'jpn-analyst'];
/** The reading client, a person none of the slow clients is. */
const BYSTANDER = 'kor-analyst';
const ASK_EVERY_MS = 10;
const LARGE_BODY = 500_000;

interface Counts {
  sessions: number;
  requests: number;
}

async function connected(url: string, token: string): Promise<Socket> {
  const socket = io(url, { auth: handshakeAuth(token, 'base64'), transports: ['websocket'], reconnection: false, forceNew: true });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  return socket;
}

/** Joins, stops reading, and asks for the large object until the server ends the session; again until `until`. */
async function slowReader(url: string, token: string, workspaceId: string, objectId: string, until: number, counts: Counts): Promise<void> {
  while (performance.now() < until) {
    let socket: Socket;
    try {
      socket = await connected(url, token);
      await call(socket, 'workspace:join', { workspaceId });
    } catch {
      // A server too busy to let it in: it tries again, as such a client would.
      await sleep(1000);
      continue;
    }
    // ws's own pause: the socket stays paused (a bare TCP pause is undone when ws drains its reader).
    const ws = (socket.io.engine.transport as unknown as { ws: WebSocket }).ws;
    ws.pause();
    counts.sessions++;
    // A cut connection shows when a write fails: this client never reads.
    while (socket.connected && performance.now() < until) {
      socket.emit('doc:sync', { workspaceId, docs: [{ id: objectId }] }, () => undefined);
      counts.requests++;
      await sleep(ASK_EVERY_MS);
    }
    // Gone without a word, as such a client goes: a polite close would wait for reads that never come.
    ws.terminate();
    socket.disconnect();
  }
}

/** A reading client editing its own object every 100 ms; answers its acknowledgement times and its edits refused or unanswered. */
async function bystander(socket: Socket, workspaceId: string, until: number): Promise<{ times: number[]; failed: number }> {
  const { object } = await call(socket, 'object:create', { workspaceId, kind: 'note', marking: SHARED_MARKING });
  const { docs } = await call(socket, 'doc:sync', { workspaceId, docs: [{ id: object.id }] });
  const doc = new Y.Doc();
  Y.applyUpdate(doc, bytesOf(docs[0]!.update));
  const times: number[] = [];
  let failed = 0;
  while (performance.now() < until) {
    const before = Y.encodeStateVector(doc);
    bodyOf(doc).insert(0, '.');
    const sent = performance.now();
    try {
      await call(socket, 'doc:update', { workspaceId, id: object.id, epoch: object.epoch, update: Y.encodeStateAsUpdate(doc, before) });
      times.push(performance.now() - sent);
    } catch {
      failed++;
    }
    await sleep(100);
  }
  return { times: times.sort((a, b) => a - b), failed };
}

export async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { clients: { type: 'string', default: '10' }, seconds: { type: 'string', default: '30' } } });
  const clientCount = Number(values.clients);
  const seconds = Number(values.seconds);
  const server = await ServerProcess.start('tearline', { args: ['--keep-budgets'] });
  try {
    const tokens = new DevTokens(server.url);
    const session = await TearlineSession.open(server, tokens);
    const owner = await connected(server.url, await tokens.of(BYSTANDER));
    await call(owner, 'workspace:join', { workspaceId: session.workspaceId });
    const { object } = await call(owner, 'object:create', {
      workspaceId: session.workspaceId,
      kind: 'note',
      marking: SHARED_MARKING,
      content: buildContent({ body: 'x'.repeat(LARGE_BODY) }),
    });
    const probe = new HealthProbe(server.url);
    const rss: number[] = [server.sample().rssMb];
    const sampler = setInterval(() => {
      // A server without these bounds may not live through the run (nothing left to sample then).
      if (server.alive) rss.push(server.sample().rssMb);
    }, 1000);
    const until = performance.now() + seconds * 1000;
    const counts: Counts = { sessions: 0, requests: 0 };
    process.stderr.write(`slow-reader: ${clientCount} clients stop reading and ask for a ${LARGE_BODY / 1000} KB object every ${ASK_EVERY_MS} ms, for ${seconds} s\n`);
    const readers = Array.from({ length: clientCount }, async (_, i) =>
      slowReader(server.url, await tokens.of(PERSONAS[i % PERSONAS.length]!), session.workspaceId, object.id, until, counts),
    );
    // What the server keeps, garbage collected, while the slow clients are still at it.
    const kept = sleep(Math.max(0, seconds - 2) * 1000).then(() => server.sampleAfterGc());
    const run = Promise.all([bystander(owner, session.workspaceId, until), ...readers]);
    const outcome = await Promise.race([run, server.exited]);
    clearInterval(sampler);
    if (typeof outcome === 'string') {
      run.catch(() => undefined);
      await probe.stop();
      owner.disconnect();
      console.log(`The server exited (${outcome}) after ${rss.length - 1} s with ${clientCount} clients that stopped reading.`);
      console.log(`\nServer RSS each second (MB): ${rss.map((mb) => mb.toFixed(0)).join(' ')}`);
      return 1;
    }
    const [{ times: acks, failed }] = outcome;
    const health = await probe.stop();
    owner.disconnect();

    const q = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
    const half = Math.floor(rss.length / 2);
    const growth = (rss.at(-1)! - rss[half]!) / Math.max(1, rss.length - 1 - half);
    console.log(`Slow readers: ${clientCount} clients that stop reading, ${seconds} s\n`);
    console.log('| slow clients | sessions | ended by the server | requests sent | server RSS start → peak → end (MB) | after a GC, near the end (MB) | RSS growth, 2nd half (MB/s) | bystander ack p50 / p99 (ms) | bystander edits failed | /healthz max (ms) | /healthz failed |');
    console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
    console.log(
      `| ${clientCount} | ${counts.sessions} | ${counts.sessions - clientCount} | ${counts.requests} | ${rss[0]!.toFixed(0)} → ${Math.max(...rss).toFixed(0)} → ${rss.at(-1)!.toFixed(0)} | ` +
        `${(await kept).rssMb.toFixed(0)} | ${growth.toFixed(1)} | ${q(acks, 0.5).toFixed(0)} / ${q(acks, 0.99).toFixed(0)} | ${failed} of ${failed + acks.length} | ${health.maxMs.toFixed(0)} | ${health.failed} of ${health.probes} |`,
    );
    console.log(`\nServer RSS each second (MB): ${rss.map((mb) => mb.toFixed(0)).join(' ')}`);
  } finally {
    await server.stop();
  }
  return 0;
}
