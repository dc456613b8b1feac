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
  /** Server RSS growth per connected client (after connect and join, before any edit). */
  rssPerClientKb: number;
  wireBytesPerDelivery: number;
  framesPerDelivery: number;
  /** The load generator's CPU over the window, as a share of one core. */
  generatorCpu: number;
  generatorSaturated: boolean;
  windowSeconds: number;
}

/** Above this share of a core the generator's own delays would show up as server latency. */
export const GENERATOR_SATURATION = 0.85;
const CONNECT_BATCH = 25;
const DRAIN_TIMEOUT_MS = 10_000;
const SETTLE_MS = 500;
const TICK_MS = 2;

export async function runFanout(target: Target, plan: FanoutPlan): Promise<FanoutResult> {
  const server = await ServerProcess.start(target.name, { cpuProfileDir: plan.cpuProfileDir });
  const clients: Clients = { writers: [], receivers: [] };
  const sessions: TargetSession[] = [];
  const cells = plan.cells ?? 1;
  try {
    for (let cell = 0; cell < cells; cell++) sessions.push(await target.open(server));
    const markings = writerMarkings(plan);
    const audiences = markings.map((m, writer) => audienceOf(m.levels, plan.clients, writer));
    // In each cell writers are its first W clients: writer w of cell c is writer c·W + w and client c·N + w.
    const writerClients = Array.from({ length: cells * plan.writers }, (_, writer) => Math.floor(writer / plan.writers) * plan.clients + (writer % plan.writers));
    const ledger = new EditLedger(writerClients);
    const frames = { light: 0 };
    const handler = (client: number, light: boolean): FrameHandler => (frame, arrivedAt) => {
      if (light) frames.light++;
      scanMarkers(frame, (writer, seq) => ledger.recordReceipt(client, light, writer, seq, arrivedAt));
    };

    const idle = await server.sampleAfterGc();
    for (const [cell, session] of sessions.entries()) await connectClients(session, cell, plan, markings, handler, clients);
    const connected = await server.sampleAfterGc();

    const seqs = new Array<number>(writerClients.length).fill(0);
    const drive = (seconds: number, phase: Phase) =>
      driveEdits(clients.writers, seqs, plan.editsPerSecond, seconds, (writer, seq) =>
        ledger.recordSend(writer, seq, performance.now(), phase, audiences[writer % plan.writers]!),
      );
    await drive(plan.warmupSeconds, PHASE.warmup);
    await sleep(SETTLE_MS);

    const bytesAtStart = sumBytes(clients.receivers);
    const framesAtStart = frames.light;
    const cpuAtStart = server.sample().cpuSeconds;
    const generatorAtStart = process.cpuUsage();
    server.resetPeak();
    const startedAt = performance.now();
    await drive(plan.measureSeconds, PHASE.measured);
    const drainUntil = performance.now() + DRAIN_TIMEOUT_MS;
    while (!ledger.drained && performance.now() < drainUntil) await sleep(20);
    const windowSeconds = (performance.now() - startedAt) / 1000;
    const generator = process.cpuUsage(generatorAtStart);
    const serverCpuSeconds = server.sample().cpuSeconds - cpuAtStart;
    const totals = ledger.snapshot();
    const light = Math.max(totals.lightDeliveries, 1);
    const generatorCpu = (generator.user + generator.system) / 1e6 / windowSeconds;

    return {
      server: target.name,
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
      serverPeakRssMb: server.peakRss(),
      rssPerClientKb: ((connected.rssMb - idle.rssMb) * 1024) / (plan.clients * cells),
      wireBytesPerDelivery: (sumBytes(clients.receivers) - bytesAtStart) / light,
      framesPerDelivery: (frames.light - framesAtStart) / light,
      generatorCpu,
      generatorSaturated: generatorCpu > GENERATOR_SATURATION,
      windowSeconds,
    };
  } finally {
    for (const session of sessions) session.close();
    for (const client of [...clients.writers, ...clients.receivers]) client.close();
    await server.stop();
  }
}

interface Clients {
  writers: Writer[];
  receivers: Receiver[];
}

/** One cell's writers first (one by one: each creates its object), then its receivers in parallel batches. */
async function connectClients(
  session: TargetSession,
  cell: number,
  plan: FanoutPlan,
  markings: readonly { marking: string }[],
  handler: (client: number, light: boolean) => FrameHandler,
  clients: Clients,
): Promise<void> {
  const firstClient = cell * plan.clients;
  for (let w = 0; w < plan.writers; w++) {
    const writer = cell * plan.writers + w;
    clients.writers.push(await session.connectWriter(LEVELS[levelOf(w)]!, writer, markings[w]!.marking, handler(firstClient + w, false)));
  }
  for (let first = plan.writers; first < plan.clients; first += CONNECT_BATCH) {
    const batch: Promise<Receiver>[] = [];
    for (let c = first; c < Math.min(first + CONNECT_BATCH, plan.clients); c++) {
      batch.push(session.connectReceiver(LEVELS[levelOf(c)]!, handler(firstClient + c, true)));
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
