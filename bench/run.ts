// `npm run bench` (tsx bench/run.ts): Tearline and the two unfiltered Yjs servers on the same workloads, each server
// in its own process, this process being the load generator. `npm run bench -- markings` runs the
// marking micro-benchmark instead, `npm run bench -- frames` the cost of one frame by sending path,
// `npm run bench -- acks` the cost of answering one request by ack path, `commit-cpu` the CPU of one durable commit,
// `npm run bench -- edit-cpu` the server's CPU per edit through the real path, two versions A/B (`--base <dir>`),
// `edit-promises` the promises created per edit on its way through the server (an exact count, A/B with `--base <dir>`),
// `npm run bench -- idle-cpu` the server's CPU per second by thread with 0 and 50 idle joined clients (A/B too),
// `npm run bench -- worst-update` a bystander's latency while the worst accepted update is applied,
// `npm run bench -- many-cells` fan-out over 200 small cells, `npm run bench -- soak` a long mixed load;
// `npm run bench -- client` the web client in Chromium at 5,000 and 20,000 objects with writers and cursors,
// `npm run bench -- map` the map's first render and zoom steps at 5,000 features,
// `npm run bench -- storm` a reconnect storm after a SIGKILL, `npm run bench -- slow-reader`
// clients that stop reading; `npm run bench -- disk-full` what writers, readers and /healthz get on a full disk (needs root);
// `npm run bench -- commit-sweep` the commit policy's latency against CPU per delivery;
// `npm run bench -- socket-memory` the server's heap per connected client, `transport-floor` a bare ws / socket.io server's, `heap-diff` what grew between two snapshots;
// `npm run bench -- cluster` (or `-- --nodes 1,2,3`) the fan-out on 1, 2 and 3 nodes on PostgreSQL and Redis,
// `relay-cpu` the CPU of one commit on PostgreSQL, of publishing it and of reading it on another node;
// `pg-long` PostgreSQL's CPU and buffers per commit over a long run (statements, dead rows, window by window);
// `npm run bench -- answer-encoding` the CPU to put one doc:sync answer on the wire, socket.io's way and as text;
// `npm run bench -- profile <file>` summarises a CPU profile, `v8-trace <file>` what a server's
// optimising compiler did over time. An entry of its own, not a `tearline` command: it needs the
// dev dependencies (the baseline servers), which a production install lacks.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, resolve } from 'node:path';
import { runColdOpen, type ColdOpenResult } from './cold-open';
import { runFanout, type FanoutResult } from './fanout';
import { parseOptions, USAGE, type BenchOptions } from './options';
import { markdown, summarize, type Machine } from './report';
import type { ServerName } from './servers/spawn';
import type { Target } from './targets/target';
import { tearlineTarget } from './targets/tearline';
import { hocuspocusTarget, yWebsocketTarget } from './targets/yjs-baselines';

const TARGETS: Record<ServerName, Target> = {
  tearline: tearlineTarget,
  'y-websocket': yWebsocketTarget,
  hocuspocus: hocuspocusTarget,
};

async function run(args: string[]): Promise<number> {
  if (args[0] === 'markings') return (await import('./markings')).run(args.slice(1));
  if (args[0] === 'profile') return (await import('./profile-summary')).run(args.slice(1));
  if (args[0] === 'v8-trace') return (await import('./v8-trace')).run(args.slice(1));
  if (args[0] === 'frames') return (await import('./frames')).run(args.slice(1));
  if (args[0] === 'acks') return (await import('./acks')).run(args.slice(1));
  if (args[0] === 'edit-cpu') return (await import('./edit-cpu')).run(args.slice(1));
  if (args[0] === 'idle-cpu') return (await import('./idle-cpu')).run(args.slice(1));
  if (args[0] === 'commit-cpu') return (await import('./commit-cpu')).run(args.slice(1));
  if (args[0] === 'edit-promises') return (await import('./edit-promises')).run(args.slice(1));
  if (args[0] === 'relay-cpu') return (await import('./relay-cpu')).run(args.slice(1));
  if (args[0] === 'pg-long') return (await import('./pg-long')).run(args.slice(1));
  if (args[0] === 'worst-update') return (await import('./worst-update')).run(args.slice(1));
  if (args[0] === 'disk-full') return (await import('./disk-full')).run(args.slice(1));
  if (args[0] === 'many-cells') return (await import('./many-cells')).run(args.slice(1));
  if (args[0] === 'soak') return (await import('./soak')).run(args.slice(1));
  if (args[0] === 'storm') return (await import('./storm')).run(args.slice(1));
  if (args[0] === 'client') return (await import('./client')).run(args.slice(1));
  if (args[0] === 'map') return (await import('./map')).run(args.slice(1));
  if (args[0] === 'slow-reader') return (await import('./slow-reader')).run(args.slice(1));
  if (args[0] === 'commit-sweep') return (await import('./commit-sweep')).run(args.slice(1));
  if (args[0] === 'socket-memory') return (await import('./socket-memory')).run(args.slice(1));
  if (args[0] === 'transport-floor') return (await import('./transport-floor')).run(args.slice(1));
  if (args[0] === 'heap-diff') return (await import('./heap-diff')).run(args.slice(1));
  if (args[0] === 'answer-encoding') return (await import('./answer-encoding')).run(args.slice(1));
  if (args[0] === 'cluster') return (await import('./cluster')).run(args.slice(1));
  if (args.includes('--nodes')) return (await import('./cluster')).run(args);
  if (args.includes('--help')) {
    console.log(USAGE);
    return 0;
  }
  let options: BenchOptions;
  try {
    options = parseOptions(args);
  } catch (error) {
    console.error((error as Error).message);
    return 2;
  }
  if (options.cpuProfileDir) mkdirSync(options.cpuProfileDir, { recursive: true });
  const cpuProfileDir = options.cpuProfileDir ? resolve(options.cpuProfileDir) : undefined;

  const loadAtStart = os.loadavg()[0]!;
  const fanout: FanoutResult[] = [];
  const coldOpen: ColdOpenResult[] = [];
  if (options.fanout) {
    for (const clients of options.scales) {
      for (let round = 1; round <= options.rounds; round++) {
        // Every server's uniform run first, back to back, so the runs a ratio pairs follow each
        // other (this machine's speed drifts over minutes); Tearline's mixed run comes last.
        for (const workload of ['uniform', 'mixed'] as const) {
          for (const name of options.servers) {
            const target = TARGETS[name];
            if (workload === 'mixed' && !(target.filters && options.mixed)) continue;
            const of = options.rounds > 1 ? `, round ${round} of ${options.rounds}` : '';
            progress(`fan-out: ${name}, ${clients} clients, ${workload} markings${of}`);
            const writers = Math.min(options.writers, clients);
            fanout.push(await runFanout(target, { ...options, clients, writers, workload, round, cpuProfileDir }));
            progress(describe(fanout.at(-1)!));
          }
        }
      }
    }
  }
  if (options.coldOpen) {
    for (const objects of options.coldOpen.objects) {
      for (const name of options.servers) {
        progress(`cold open: ${name}, ${objects} objects, ${options.coldOpen.clients} clients`);
        coldOpen.push(await runColdOpen(TARGETS[name], { ...options.coldOpen, objects, cpuProfileDir }));
      }
    }
  }

  const summary = summarize(options.mode, machine(loadAtStart), fanout, coldOpen);
  console.log(markdown(summary));
  mkdirSync(dirname(options.out), { recursive: true });
  writeFileSync(options.out, `${JSON.stringify(summary, null, 2)}\n`);
  progress(`results written to ${options.out}`);
  return 0;
}

function describe(r: FanoutResult): string {
  return `  p99 ${r.latencyMs.p99.toFixed(1)} ms, ${r.cpuMicrosPerDelivery.toFixed(1)} µs CPU/delivery, ` +
    `${r.deliveries}/${r.expectedDeliveries} delivered, generator ${Math.round(r.generatorCpu * 100)} % of a core`;
}

function progress(line: string): void {
  process.stderr.write(`${line}\n`);
}

function machine(loadAtStart: number): Machine {
  const cpus = os.cpus();
  return {
    loadAverage: { start: loadAtStart, end: os.loadavg()[0]! },
    cpus: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    os: `${os.type()} ${os.release()}`,
    tearlineEnv: Object.fromEntries(
      Object.entries(process.env).filter((entry): entry is [string, string] => entry[0].startsWith('TEARLINE_') && entry[1] !== undefined),
    ),
  };
}

process.exitCode = await run(process.argv.slice(2));
