// What one edit costs the Tearline server in CPU time, through the real path: the fan-out scenario
// (./fanout.ts: socket.io clients sending `doc:update` in base64 as the web client does, the server
// checking it, committing it with fsync, acknowledging it and fanning it out to every other client),
// the server's CPU read from /proc (every thread) over the measured window, divided by the edits
// sent. An A/B of two versions in one run: `--base <dir>` is another checkout of the repository
// (e.g. `git worktree add /tmp/base HEAD~1` with node_modules linked), whose server runs in turns
// with this one's, the order swapped every round so a drift in the machine's load falls on both.
// CPU time, not wall time: on a machine other work loads it moves far less than latency does, and
// the medians of several rounds are the figures to read. `--y-websocket` adds y-websocket's run to
// every round, for the ratio the target is set in.
//
// The rate is low by default (30 edits/s at 50 clients: one edit per commit, so one frame per
// delivery): at the scenario's 100 edits/s the commit policy groups more edits per commit the more
// the machine is loaded, and CPU per edit then follows the load through frames per delivery, not
// the code. The warm-up is long (10 s): TurboFan was still compiling the edit path in a background
// thread 15 s into a run (a quarter of the server's CPU then, a twentieth at 45 s).
// `npm run bench -- edit-cpu [--base <dir>] [--y-websocket] [--clients 50] [--writers 12] [--rate 30]
//   [--warmup 10] [--seconds 20] [--rounds 5]`
import os from 'node:os';
import path from 'node:path';
import { runFanout, type FanoutResult } from './fanout';
import { numberFlag, textFlag } from './options';
import { fixed, median, table } from './report';
import { tearlineTarget } from './targets/tearline';
import { yWebsocketTarget } from './targets/yjs-baselines';

interface Side {
  label: string;
  run(plan: Parameters<typeof runFanout>[1]): Promise<FanoutResult>;
}

/** Server CPU per edit sent, in µs. */
export function cpuPerEdit(result: Pick<FanoutResult, 'serverCpuSeconds' | 'editsSent'>): number {
  return (result.serverCpuSeconds * 1e6) / Math.max(result.editsSent, 1);
}

export async function run(args: string[]): Promise<number> {
  const base = textFlag(args, 'base');
  const sides: Side[] = [{ label: 'this tree', run: (plan) => runFanout(tearlineTarget, plan) }];
  if (base) sides.unshift({ label: `base (${base})`, run: (plan) => runFanout(tearlineTarget, { ...plan, serverRoot: path.resolve(base) }) });
  if (args.includes('--y-websocket')) sides.push({ label: 'y-websocket', run: (plan) => runFanout(yWebsocketTarget, plan) });
  const clients = numberFlag(args, 'clients', 50);
  const rounds = numberFlag(args, 'rounds', 5);
  const plan = {
    clients,
    writers: Math.min(numberFlag(args, 'writers', 12), clients),
    editsPerSecond: numberFlag(args, 'rate', 30),
    warmupSeconds: numberFlag(args, 'warmup', 10),
    measureSeconds: numberFlag(args, 'seconds', 20),
    workload: 'uniform' as const,
  };
  const loadAtStart = os.loadavg()[0]!;
  const results = new Map<string, FanoutResult[]>(sides.map((side) => [side.label, []]));
  const rows: string[][] = [];
  for (let round = 1; round <= rounds; round++) {
    const order = round % 2 === 1 ? sides : [...sides].reverse();
    for (const side of order) {
      process.stderr.write(`edit-cpu: round ${round} of ${rounds}, ${side.label}\n`);
      const result = await side.run({ ...plan, round });
      results.get(side.label)!.push(result);
      rows.push([
        side.label,
        String(round),
        fixed(cpuPerEdit(result), 0),
        fixed(result.cpuMicrosPerDelivery, 1),
        `${fixed(result.latencyMs.p50, 1)} / ${fixed(result.latencyMs.p99, 1)}`,
        `${(result.completeness * 100).toFixed(1)} %`,
        fixed(result.framesPerDelivery, 2),
      ]);
    }
  }
  console.log(`### CPU per edit: ${clients} clients, ${plan.writers} writers, ${plan.editsPerSecond} edits/s, ${plan.measureSeconds} s per run, ${rounds} rounds`);
  console.log(`\nLoad average ${loadAtStart.toFixed(1)} → ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} cores. Server CPU from /proc, every thread.\n`);
  console.log(table(['server', 'round', 'CPU µs/edit', 'CPU µs/delivery', 'p50 / p99 ms', 'delivered', 'frames/delivery'], rows));
  const medians = sides.map((side) => ({ side, perEdit: median(results.get(side.label)!.map(cpuPerEdit)) }));
  const first = medians[0]!.perEdit;
  console.log(`\n${table(
    ['server', 'median CPU µs/edit', 'median CPU µs/delivery', 'against the first row'],
    medians.map(({ side, perEdit }) => [
      side.label,
      fixed(perEdit, 0),
      fixed(median(results.get(side.label)!.map((r) => r.cpuMicrosPerDelivery)), 1),
      fixed(perEdit / first, 3),
    ]),
  )}`);
  return 0;
}
