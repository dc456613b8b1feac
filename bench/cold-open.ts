// The cold-open scenario: load a cell of many objects, connect many idle clients, then time a new
// full client until it holds every object's content in Y.Docs. Also yields the server's memory
// per object and per connected client.
import { performance } from 'node:perf_hooks';
import { LEVELS, levelOf } from './levels';
import { seedObjects } from './seed';
import { ServerProcess } from './servers/spawn';
import type { Receiver, Target, TargetSession } from './targets/target';

export interface ColdOpenPlan {
  objects: number;
  clients: number;
  repeats: number;
  cpuProfileDir?: string;
}

export interface ColdOpenResult {
  server: string;
  objects: number;
  clients: number;
  seedSeconds: number;
  /** Median over the repeats: until every object is applied into a Y.Doc, as y-websocket's client ends. */
  coldOpenMs: number;
  coldOpenRunsMs: number[];
  /**
   * Until the client held every object the way its web client keeps them (Tearline: bytes, each
   * doc built when something shows it), in each run; the same as `coldOpenRunsMs` for one-doc servers.
   */
  heldRunsMs: number[];
  /** The cold-open client's CPU time (this process, user + system) in each run, docs built included. */
  clientCpuRunsMs: number[];
  /** The server's CPU time (user + system) in each cold open: a figure a loaded machine does not inflate as it does wall time. */
  serverCpuRunsMs: number[];
  idleRssMb: number;
  rssWithObjectsMb: number;
  kbPerObject: number;
  /** Server RSS with the whole cell loaded and every client connected. */
  rssWithClientsMb: number;
  kbPerClient: number;
  /** Highest server RSS seen at any point of the scenario, cold opens included. */
  peakRssMb: number;
}

const CONNECT_BATCH = 25;
/** The top-level persona (USA, TOP SECRET) may see every object of the mixed-marking cell. */
const COLD_OPEN_LEVEL = LEVELS[0]!;

export async function runColdOpen(target: Target, plan: ColdOpenPlan): Promise<ColdOpenResult> {
  const server = await ServerProcess.start(target.name, { cpuProfileDir: plan.cpuProfileDir });
  const receivers: Receiver[] = [];
  let session: TargetSession | undefined;
  try {
    session = await target.open(server);
    const idle = await server.sampleAfterGc();
    server.resetPeak();

    const seedStart = performance.now();
    await session.seed(seedObjects(plan.objects));
    const seedSeconds = (performance.now() - seedStart) / 1000;
    const withObjects = await server.sampleAfterGc();

    for (let first = 0; first < plan.clients; first += CONNECT_BATCH) {
      const batch = [];
      for (let c = first; c < Math.min(first + CONNECT_BATCH, plan.clients); c++) {
        batch.push(session.connectReceiver(LEVELS[levelOf(c)]!, () => {}));
      }
      receivers.push(...(await Promise.all(batch)));
    }
    const withClients = await server.sampleAfterGc();

    const runs: number[] = [];
    const heldRuns: number[] = [];
    const cpuRuns: number[] = [];
    const clientCpuRuns: number[] = [];
    for (let run = 0; run < plan.repeats; run++) {
      const startedAt = performance.now();
      const cpuAtStart = server.sample().cpuSeconds;
      const clientCpuAtStart = process.cpuUsage();
      const opened = await session.coldOpen(COLD_OPEN_LEVEL);
      const clientCpu = process.cpuUsage(clientCpuAtStart);
      runs.push(opened.built - startedAt);
      heldRuns.push(opened.held - startedAt);
      cpuRuns.push((server.sample().cpuSeconds - cpuAtStart) * 1000);
      clientCpuRuns.push((clientCpu.user + clientCpu.system) / 1000);
      if (opened.objects !== plan.objects) {
        throw new Error(`${target.name}: the cold-open client got ${opened.objects} of ${plan.objects} objects.`);
      }
    }

    return {
      server: target.name,
      objects: plan.objects,
      clients: plan.clients,
      seedSeconds,
      coldOpenMs: median(runs),
      coldOpenRunsMs: runs,
      heldRunsMs: heldRuns,
      serverCpuRunsMs: cpuRuns,
      clientCpuRunsMs: clientCpuRuns,
      idleRssMb: idle.rssMb,
      rssWithObjectsMb: withObjects.rssMb,
      kbPerObject: ((withObjects.rssMb - idle.rssMb) * 1024) / plan.objects,
      rssWithClientsMb: withClients.rssMb,
      kbPerClient: ((withClients.rssMb - withObjects.rssMb) * 1024) / Math.max(plan.clients, 1),
      peakRssMb: server.peakRss(),
    };
  } finally {
    session?.close();
    for (const receiver of receivers) receiver.close();
    await server.stop();
  }
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
