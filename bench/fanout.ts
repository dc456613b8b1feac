// The fan-out scenario: N clients over the six levels, W of them writing their own objects at a
// set total rate (open loop: an edit is sent when due, whatever the server's backlog), everyone
// receiving. One fresh server process per run, so CPU, RSS and wire bytes belong to this run only.
// With several cells (`bench -- many-cells`), each cell has its N clients and W writers, and the
// rate is shared by every writer of every cell.
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { EditLedger, PHASE, type Phase } from './ledger';
import { LEVELS, MIXED_MARKINGS, SHARED_MARKING, levelOf } from './levels';
import { markerText, scanMarkers } from './markers';
import { sampleSeries, type SeriesSample } from './series';
import { ServerProcess } from './servers/spawn';
import type { Receiver, Target, TargetSession, Writer } from './targets/target';
import type { FrameHandler } from './wire/frames';

export interface FanoutPlan {
  /** Clients (and writers) per cell. */
  clients: number;
  writers: number;
  /** Cells, each with its own clients; 1 unless set. */
  cells?: number;
  editsPerSecond: number;
  warmupSeconds: number;
  measureSeconds: number;
  /** `uniform`: one marking every level may see; `mixed`: markings reaching 1 to 6 levels. */
  workload: 'uniform' | 'mixed';
  /** Which round of the run this is (1-based); ratios pair servers within a round. */
  round: number;
  cpuProfileDir?: string;
  /** Another checkout of the repository whose server runs instead of this one's (`bench -- edit-cpu --base`). */
  serverRoot?: string;
  /** Sample every server's CPU (and the extra quantities) every this many seconds from the first edit of the warm-up on (./series.ts). */
  seriesSeconds?: number;
}

export interface FanoutResult {
  server: string;
  clients: number;
  writers: number;
  workload: FanoutPlan['workload'];
  round: number;
  editsPerSecond: number;
  editsSent: number;
  expectedDeliveries: number;
  deliveries: number;
  /** deliveries / expected: below 1 means updates were lost or still in flight at the end. */
  completeness: number;
  echoes: number;
  latencyMs: { p50: number; p95: number; p99: number; max: number };
  serverCpuSeconds: number;
  cpuMicrosPerDelivery: number;
  serverPeakRssMb: number;
  /** With several nodes: each node's CPU, the deliveries to its sockets, and CPU per delivery on it. */
  nodes?: NodeShare[];
  /** Server RSS growth per connected client (after connect and join, before any edit). */
  rssPerClientKb: number;
  wireBytesPerDelivery: number;
  framesPerDelivery: number;
  /** The load generator's CPU over the window, as a share of one core. */
  generatorCpu: number;
  generatorSaturated: boolean;
  windowSeconds: number;
  /** With `seriesSeconds`: cumulative samples from the first edit of the warm-up to the end of the measured one; `node<i>` is server i's CPU seconds, `frames` the receivers' frames. */
  series?: SeriesSample[];
}

/** Above this share of a core the generator's own delays would show up as server latency. */
export const GENERATOR_SATURATION = 0.85;
const CONNECT_BATCH = 25;
const DRAIN_TIMEOUT_MS = 10_000;
const SETTLE_MS = 500;
const TICK_MS = 2;

export interface NodeShare {
  cpuSeconds: number;
  deliveries: number;
  cpuMicrosPerDelivery: number;
}

export async function runFanout(target: Target, plan: FanoutPlan): Promise<FanoutResult> {
  const server = await ServerProcess.start(target.name, { cpuProfileDir: plan.cpuProfileDir, root: plan.serverRoot });
  try {
    const sessions: TargetSession[][] = [];
    for (let cell = 0; cell < (plan.cells ?? 1); cell++) sessions.push([await target.open(server)]);
    return await measureFanout(target.name, [server], sessions, plan);
  } finally {
    await server.stop();
  }
}

/**
 * The node a client connects to, of `nodes`: consecutive clients (one of each level) take turns,
 * shifted by one every round of levels, so every node has clients of every level and writers.
 */
export function nodeOf(client: number, nodes: number): number {
  return (client + Math.floor(client / LEVELS.length)) % nodes;
}

/**
 * The scenario on running servers: `sessions[cell]` holds one session per node (the cell opened
 * through each), client c of a cell connecting through node nodeOf(c). CPU is summed over the
 * servers, per node too when there are several; `extraCpuSeconds` samples other processes (Redis,
 * PostgreSQL) by name, reported as their CPU over the same window.
 */
export async function measureFanout(
  name: string,
  servers: readonly ServerProcess[],
  sessions: readonly (readonly TargetSession[])[],
  plan: FanoutPlan,
  extraCpuSeconds: () => Promise<Record<string, number>> = async () => ({}),
): Promise<FanoutResult & { extraCpuSeconds: Record<string, number> }> {
  const clients: Clients = { writers: [], receivers: [] };
  const cells = sessions.length;
  const receiptsByNode = new Array<number>(servers.length).fill(0);
  let measuring = false;
  try {
    const markings = writerMarkings(plan);
    const audiences = markings.map((m, writer) => audienceOf(m.levels, plan.clients, writer));
    // In each cell writers are its first W clients: writer w of cell c is writer c·W + w and client c·N + w.
    const writerClients = Array.from({ length: cells * plan.writers }, (_, writer) => Math.floor(writer / plan.writers) * plan.clients + (writer % plan.writers));
    const ledger = new EditLedger(writerClients);
    const frames = { light: 0 };
    const handler = (client: number, light: boolean): FrameHandler => {
      const node = nodeOf(client % plan.clients, servers.length);
      return (frame, arrivedAt) => {
        if (light) frames.light++;
        scanMarkers(frame, (writer, seq) => {
          if (measuring && writerClients[writer] !== client) receiptsByNode[node]!++;
          ledger.recordReceipt(client, light, writer, seq, arrivedAt);
        });
      };
    };

    const idle = await sampleAll(servers);
    for (const [cell, nodeSessions] of sessions.entries()) await connectClients(nodeSessions, cell, plan, markings, handler, clients);
    const connected = await sampleAll(servers);

    const seqs = new Array<number>(writerClients.length).fill(0);
    let editsSent = 0;
    const drive = (seconds: number, phase: Phase) =>
      driveEdits(clients.writers, seqs, plan.editsPerSecond, seconds, (writer, seq) => {
        editsSent++;
        ledger.recordSend(writer, seq, performance.now(), phase, audiences[writer % plan.writers]!);
      });
    const firstEditAt = performance.now();
    const series = plan.seriesSeconds
      ? sampleSeries(plan.seriesSeconds, async () => {
          const atSeconds = (performance.now() - firstEditAt) / 1000;
          const edits = editsSent;
          const values: Record<string, number> = Object.fromEntries(servers.map((server, i) => [`node${i}`, server.sample().cpuSeconds]));
          // Frames the receivers got: fewer per edit when a loaded server coalesces more, which makes an edit cheaper.
          return { atSeconds, edits, values: { ...values, frames: frames.light, ...(await extraCpuSeconds()) } };
        })
      : undefined;
    await drive(plan.warmupSeconds, PHASE.warmup);
    await sleep(SETTLE_MS);

    const bytesAtStart = sumBytes(clients.receivers);
    const framesAtStart = frames.light;
    const cpuAtStart = servers.map((server) => server.sample().cpuSeconds);
    const extraAtStart = await extraCpuSeconds();
    const generatorAtStart = process.cpuUsage();
    for (const server of servers) server.resetPeak();
    const startedAt = performance.now();
    measuring = true;
    await drive(plan.measureSeconds, PHASE.measured);
    const samples = await series?.stop();
    const drainUntil = performance.now() + DRAIN_TIMEOUT_MS;
    while (!ledger.drained && performance.now() < drainUntil) await sleep(20);
    measuring = false;
    const windowSeconds = (performance.now() - startedAt) / 1000;
    const generator = process.cpuUsage(generatorAtStart);
    const cpuByNode = servers.map((server, i) => server.sample().cpuSeconds - cpuAtStart[i]!);
    const serverCpuSeconds = cpuByNode.reduce((sum, cpu) => sum + cpu, 0);
    const extraAtEnd = await extraCpuSeconds();
    const extra = Object.fromEntries(Object.entries(extraAtEnd).map(([key, cpu]) => [key, cpu - (extraAtStart[key] ?? 0)]));
    const totals = ledger.snapshot();
    const light = Math.max(totals.lightDeliveries, 1);
    const generatorCpu = (generator.user + generator.system) / 1e6 / windowSeconds;

    return {
      server: name,
      clients: plan.clients,
      writers: plan.writers,
      workload: plan.workload,
      round: plan.round,
      editsPerSecond: plan.editsPerSecond,
      editsSent: totals.editsSent,
      expectedDeliveries: totals.expectedDeliveries,
      deliveries: totals.deliveries,
      completeness: totals.deliveries / Math.max(totals.expectedDeliveries, 1),
      echoes: totals.echoes,
      latencyMs: {
        p50: ledger.latency.percentile(50),
        p95: ledger.latency.percentile(95),
        p99: ledger.latency.percentile(99),
        max: ledger.latency.max,
      },
      serverCpuSeconds,
      cpuMicrosPerDelivery: (serverCpuSeconds * 1e6) / Math.max(totals.deliveries, 1),
      serverPeakRssMb: Math.max(...servers.map((server) => server.peakRss())),
      ...(servers.length > 1
        ? {
            nodes: cpuByNode.map((cpuSeconds, i) => ({
              cpuSeconds,
              deliveries: receiptsByNode[i]!,
              cpuMicrosPerDelivery: (cpuSeconds * 1e6) / Math.max(receiptsByNode[i]!, 1),
            })),
          }
        : {}),
      extraCpuSeconds: extra,
      rssPerClientKb: ((connected - idle) * 1024) / (plan.clients * cells),
      wireBytesPerDelivery: (sumBytes(clients.receivers) - bytesAtStart) / light,
      framesPerDelivery: (frames.light - framesAtStart) / light,
      generatorCpu,
      generatorSaturated: generatorCpu > GENERATOR_SATURATION,
      windowSeconds,
      ...(samples ? { series: samples } : {}),
    };
  } finally {
    for (const session of sessions.flat()) session.close();
    for (const client of [...clients.writers, ...clients.receivers]) client.close();
  }
}

/** RSS summed over the servers, after a garbage collection in each. */
async function sampleAll(servers: readonly ServerProcess[]): Promise<number> {
  const samples = await Promise.all(servers.map((server) => server.sampleAfterGc()));
  return samples.reduce((sum, sample) => sum + sample.rssMb, 0);
}

interface Clients {
  writers: Writer[];
  receivers: Receiver[];
}

/** One cell's writers first (one by one: each creates its object), then its receivers in parallel batches. */
async function connectClients(
  sessions: readonly TargetSession[],
  cell: number,
  plan: FanoutPlan,
  markings: readonly { marking: string }[],
  handler: (client: number, light: boolean) => FrameHandler,
  clients: Clients,
): Promise<void> {
  const firstClient = cell * plan.clients;
  for (let w = 0; w < plan.writers; w++) {
    const writer = cell * plan.writers + w;
    const session = sessions[nodeOf(w, sessions.length)]!;
    clients.writers.push(await session.connectWriter(LEVELS[levelOf(w)]!, writer, markings[w]!.marking, handler(firstClient + w, false)));
  }
  for (let first = plan.writers; first < plan.clients; first += CONNECT_BATCH) {
    const batch: Promise<Receiver>[] = [];
    for (let c = first; c < Math.min(first + CONNECT_BATCH, plan.clients); c++) {
      batch.push(sessions[nodeOf(c, sessions.length)]!.connectReceiver(LEVELS[levelOf(c)]!, handler(firstClient + c, true)));
    }
    clients.receivers.push(...(await Promise.all(batch)));
  }
}

/** Sends `rate × seconds` edits round-robin over the writers, each when it falls due. */
function driveEdits(
  writers: readonly Writer[],
  seqs: number[],
  rate: number,
  seconds: number,
  onSend: (writer: number, seq: number) => void,
): Promise<void> {
  const total = Math.round(rate * seconds);
  const startedAt = performance.now();
  let sent = 0;
  return new Promise((resolve) => {
    const timer = setInterval(() => {
      const due = Math.min(total, Math.floor(((performance.now() - startedAt) / 1000) * rate));
      for (; sent < due; sent++) {
        const writer = sent % writers.length;
        const seq = seqs[writer]!++;
        onSend(writer, seq);
        writers[writer]!.edit(markerText(writer, seq));
      }
      if (sent >= total) {
        clearInterval(timer);
        resolve();
      }
    }, TICK_MS);
  });
}

/** Writer w's marking; in the mixed workload only markings its own level may see. */
function writerMarkings(plan: FanoutPlan): { marking: string; levels: readonly number[] }[] {
  const all = LEVELS.map((_, index) => index);
  return Array.from({ length: plan.writers }, (_, writer) => {
    if (plan.workload === 'uniform') return { marking: SHARED_MARKING, levels: all };
    const visible = MIXED_MARKINGS.filter((m) => m.levels.includes(levelOf(writer)));
    return visible[Math.floor(writer / LEVELS.length) % visible.length]!;
  });
}

/** How many clients other than the writer sit at one of `levels`. */
function audienceOf(levels: readonly number[], clients: number, writer: number): number {
  let audience = 0;
  for (let client = 0; client < clients; client++) {
    if (client !== writer && levels.includes(levelOf(client))) audience++;
  }
  return audience;
}

function sumBytes(receivers: readonly Receiver[]): number {
  return receivers.reduce((sum, receiver) => sum + receiver.bytesRead(), 0);
}
