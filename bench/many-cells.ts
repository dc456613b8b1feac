// Many small cells on one node: 200 cells of 10 clients (the fan-out scenario, one writer per cell,
// uniform marking), where the single-cell run has one large cell. Small rooms share no frames, so
// this measures the cost per delivery when batching cannot help, and the memory of many rooms.
// `npm run bench -- many-cells [--cells 200] [--clients 10] [--writers 1] [--rate 400]
//   [--warmup 3] [--seconds 20] [--out <file.json>]`
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { runFanout, type FanoutResult } from './fanout';
import { numberFlag, textFlag } from './options';
import { fixed, percent, table } from './report';
import { tearlineTarget } from './targets/tearline';

export interface ManyCellsResult {
  cells: number;
  loadAverage: { start: number; end: number };
  fanout: FanoutResult;
}

export async function run(args: string[]): Promise<number> {
  const cells = numberFlag(args, 'cells', 200);
  const clients = numberFlag(args, 'clients', 10);
  const loadAtStart = os.loadavg()[0]!;
  process.stderr.write(`many cells: ${cells} cells of ${clients} clients\n`);
  const fanout = await runFanout(tearlineTarget, {
    cells,
    clients,
    writers: numberFlag(args, 'writers', 1),
    editsPerSecond: numberFlag(args, 'rate', 400),
    warmupSeconds: numberFlag(args, 'warmup', 3),
    measureSeconds: numberFlag(args, 'seconds', 20),
    workload: 'uniform',
    round: 1,
  });
  const result: ManyCellsResult = { cells, loadAverage: { start: loadAtStart, end: os.loadavg()[0]! }, fanout };
  console.log(manyCellsMarkdown(result));
  const out = textFlag(args, 'out');
  if (out) writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  return 0;
}

export function manyCellsMarkdown({ cells, loadAverage, fanout: r }: ManyCellsResult): string {
  const figures = r.generatorSaturated
    ? [`load generator saturated (${percent(r.generatorCpu)} of a core): server figures withheld`, '', '', '', '', '', '', '', '']
    : [
        fixed(r.latencyMs.p50, 1),
        fixed(r.latencyMs.p99, 1),
        fixed(r.cpuMicrosPerDelivery, 1),
        fixed((r.serverCpuSeconds * 1000) / Math.max(r.editsSent, 1), 2),
        fixed(r.framesPerDelivery, 2),
        fixed(r.serverPeakRssMb, 0),
        fixed(r.rssPerClientKb, 1),
        `${r.deliveries} of ${r.expectedDeliveries} (${percent(r.completeness)})`,
        percent(r.generatorCpu),
      ];
  return [
    `### Many cells: ${cells} cells × ${r.clients} clients, ${r.writers} writer(s) each, ${r.editsPerSecond} edits/s in all`,
    '',
    `Load average ${loadAverage.start.toFixed(1)} → ${loadAverage.end.toFixed(1)} on ${os.cpus().length} cores.`,
    '',
    table(
      ['p50 ms', 'p99 ms', 'CPU µs/delivery', 'CPU ms/edit', 'frames/delivery', 'peak RSS MB', 'RSS KB/client', 'delivered', 'generator CPU'],
      [figures],
    ),
  ].join('\n');
}
