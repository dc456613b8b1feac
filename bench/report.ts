// Turns scenario results into the Markdown tables printed on stdout and the summary written to
// bench/results/latest.json. Pure: no I/O here.
import type { ColdOpenResult } from './cold-open';
import type { FanoutResult } from './fanout';

export interface Machine {
  cpus: string;
  cores: number;
  memoryGb: number;
  node: string;
  os: string;
  /** One-minute load average when the run started and when it ended. */
  loadAverage: { start: number; end: number };
  /** `TEARLINE_*` variables the server children inherited (e.g. the fan-out window); empty = defaults. */
  tearlineEnv: Record<string, string>;
}

export interface Ratio {
  clients: number;
  workload: string;
  round: number;
  baseline: string;
  cpuPerDelivery: number | null;
  p99: number | null;
  wireBytes: number | null;
  peakRss: number | null;
}

export interface BenchSummary {
  generatedAt: string;
  mode: 'quick' | 'full' | 'custom';
  machine: Machine;
  /** Headline figures: Tearline at `clients` (200 when measured), uniform workload. */
  clients: number | null;
  p99Ms: number | null;
  /** Tearline CPU per delivery / y-websocket server CPU per delivery: the median over rounds. */
  cpuRatio: number | null;
  /** The ratio of each round, Tearline and y-websocket measured minutes apart. */
  cpuRatioRounds: number[];
  coldOpenMs: number | null;
  /** Tearline server RSS with the cold-open cell loaded and its clients connected. */
  rssMb: number | null;
  /** Why a headline figure is missing, if one is. */
  notes: string[];
  /** Conditions that make the figures less trustworthy (a busy machine). */
  warnings: string[];
  fanout: FanoutResult[];
  ratios: Ratio[];
  coldOpen: ColdOpenResult[];
}

export const HEADLINE_CLIENTS = 200;

export function summarize(
  mode: BenchSummary['mode'],
  machine: Machine,
  fanout: readonly FanoutResult[],
  coldOpen: readonly ColdOpenResult[],
): BenchSummary {
  const notes: string[] = [];
  const uniform = fanout.filter((r) => r.workload === 'uniform');
  const scales = [...new Set(uniform.map((r) => r.clients))];
  const clients = scales.includes(HEADLINE_CLIENTS) ? HEADLINE_CLIENTS : scales.length > 0 ? Math.max(...scales) : null;
  const at = (server: string) => uniform.filter((r) => r.server === server && r.clients === clients);
  const usable = (rows: FanoutResult[], what: string): FanoutResult[] => {
    if (rows.length === 0) notes.push(clients === null ? `${what}: no fan-out run` : `${what}: no ${clients}-client run`);
    for (const row of rows) {
      const which = rows.length > 1 ? ` (round ${row.round})` : '';
      if (row.generatorSaturated) notes.push(`${what}${which}: load generator saturated, figures withheld`);
      else if (row.completeness < KEPT_UP) notes.push(`${what}${which}: the server did not keep up (${Math.round(row.completeness * 100)} % delivered)`);
    }
    return rows.filter(comparable);
  };
  const tearlineRows = usable(at('tearline'), 'tearline');
  const baselineRows = usable(at('y-websocket'), 'y-websocket');
  const cpuRatioRounds = tearlineRows.flatMap((t) => {
    const baseline = baselineRows.find((b) => b.round === t.round);
    return baseline ? [round(t.cpuMicrosPerDelivery / baseline.cpuMicrosPerDelivery, 3)] : [];
  });
  const tearlineColdOpen = coldOpen.find((r) => r.server === 'tearline');
  if (!tearlineColdOpen) notes.push('tearline: no cold-open run');
  return {
    generatedAt: new Date().toISOString(),
    mode,
    machine,
    clients,
    p99Ms: tearlineRows.length > 0 ? round(median(tearlineRows.map((r) => r.latencyMs.p99)), 2) : null,
    cpuRatio: cpuRatioRounds.length > 0 ? round(median(cpuRatioRounds), 3) : null,
    cpuRatioRounds,
    coldOpenMs: tearlineColdOpen ? round(tearlineColdOpen.coldOpenMs, 1) : null,
    rssMb: tearlineColdOpen ? round(tearlineColdOpen.rssWithClientsMb, 1) : null,
    notes,
    warnings: busyWarnings(machine),
    fanout: [...fanout],
    ratios: ratios(fanout),
    coldOpen: [...coldOpen],
  };
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Other work on the machine steals the servers' cores: latency then measures the queue for a core. */
function busyWarnings(machine: Machine): string[] {
  const worst = Math.max(machine.loadAverage.start, machine.loadAverage.end);
  if (worst <= machine.cores) return [];
  return [
    `the machine was busy (load average ${machine.loadAverage.start.toFixed(1)} at the start, ` +
      `${machine.loadAverage.end.toFixed(1)} at the end, on ${machine.cores} cores): latency figures are not reliable`,
  ];
}

/** Below this share of deliveries within the drain time, a server did not keep up with the load. */
export const KEPT_UP = 0.99;

/** A row whose figures describe the server at the stated load, not an overloaded one or the generator. */
function comparable(row: FanoutResult): boolean {
  return !row.generatorSaturated && row.completeness >= KEPT_UP;
}

/** Tearline / baseline for every scale and round where both ran, both kept up and the generator too. */
export function ratios(fanout: readonly FanoutResult[]): Ratio[] {
  const result: Ratio[] = [];
  for (const tearline of fanout.filter((r) => r.server === 'tearline')) {
    const baselines = fanout.filter((r) => r.server !== 'tearline' && r.clients === tearline.clients && r.round === tearline.round && r.workload === 'uniform');
    for (const baseline of baselines) {
      const valid = comparable(tearline) && comparable(baseline);
      const ratio = (a: number, b: number) => (valid && b > 0 ? round(a / b, 3) : null);
      result.push({
        clients: tearline.clients,
        workload: tearline.workload,
        round: tearline.round,
        baseline: baseline.server,
        cpuPerDelivery: ratio(tearline.cpuMicrosPerDelivery, baseline.cpuMicrosPerDelivery),
        p99: ratio(tearline.latencyMs.p99, baseline.latencyMs.p99),
        wireBytes: ratio(tearline.wireBytesPerDelivery, baseline.wireBytesPerDelivery),
        peakRss: ratio(tearline.serverPeakRssMb, baseline.serverPeakRssMb),
      });
    }
  }
  return result;
}

export function markdown(summary: BenchSummary): string {
  const m = summary.machine;
  const rounds = Math.max(1, ...summary.fanout.map((r) => r.round));
  const roundColumn = (value: number): string[] => (rounds > 1 ? [`${value}`] : []);
  const lines = [
    `## Benchmark (${summary.mode}) — ${summary.generatedAt}`,
    '',
    `Machine: ${m.cores} × ${m.cpus}, ${m.memoryGb} GB, Node ${m.node}, ${m.os}; load average ${m.loadAverage.start.toFixed(1)} → ${m.loadAverage.end.toFixed(1)}.`,
    `Tearline settings: ${Object.entries(m.tearlineEnv).map(([k, v]) => `${k}=${v}`).join(', ') || 'defaults'}.`,
  ];
  if (summary.fanout.length > 0) lines.push(
    '',
    '### Fan-out: edit → receive',
    '',
    table(
      ['server', 'clients', ...(rounds > 1 ? ['round'] : []), 'writers', 'workload', 'p50 ms', 'p95 ms', 'p99 ms', 'server CPU s', 'CPU µs/delivery', 'peak RSS MB', 'RSS KB/client', 'wire B/delivery', 'frames/delivery', 'delivered', 'generator CPU'],
      summary.fanout.map((r) => {
        const head = [r.server, `${r.clients}`, ...roundColumn(r.round), `${r.writers}`, r.workload];
        const generator = percent(r.generatorCpu);
        if (r.generatorSaturated) {
          return [...head, `load generator saturated (${generator} of a core): server figures withheld`, '', '', '', '', '', '', '', '', '', generator];
        }
        return [
          ...head,
          fixed(r.latencyMs.p50, 1),
          fixed(r.latencyMs.p95, 1),
          fixed(r.latencyMs.p99, 1),
          fixed(r.serverCpuSeconds, 2),
          fixed(r.cpuMicrosPerDelivery, 1),
          fixed(r.serverPeakRssMb, 0),
          fixed(r.rssPerClientKb, 0),
          fixed(r.wireBytesPerDelivery, 0),
          fixed(r.framesPerDelivery, 2),
          `${r.deliveries} (${percent(r.completeness)})`,
          generator,
        ];
      }),
    ),
  );
  if (summary.ratios.length > 0) {
    lines.push(
      '',
      '### Tearline / baseline (below 1 means Tearline uses less; n/a where a server did not keep up)',
      '',
      table(
        ['clients', ...(rounds > 1 ? ['round'] : []), 'workload', 'baseline', 'CPU per delivery', 'p99', 'wire bytes', 'peak RSS'],
        summary.ratios.map((r) => [`${r.clients}`, ...roundColumn(r.round), r.workload, r.baseline, ratioText(r.cpuPerDelivery), ratioText(r.p99), ratioText(r.wireBytes), ratioText(r.peakRss)]),
      ),
    );
  }
  if (summary.coldOpen.length > 0) {
    lines.push(
      '',
      '### Cold open and memory',
      '',
      table(
        ['server', 'objects', 'seed s', 'cold open ms (runs)', 'held ms (runs)', 'server CPU ms (runs)', 'client CPU ms (runs)', 'idle RSS MB', 'RSS with objects MB', 'KB/object', 'clients', 'RSS with clients MB', 'KB/client', 'peak RSS MB'],
        summary.coldOpen.map((r) => [
          r.server,
          `${r.objects}`,
          fixed(r.seedSeconds, 1),
          `${fixed(r.coldOpenMs, 0)} (${r.coldOpenRunsMs.map((ms) => fixed(ms, 0)).join(', ')})`,
          r.heldRunsMs.map((ms) => fixed(ms, 0)).join(', '),
          r.serverCpuRunsMs.map((ms) => fixed(ms, 0)).join(', '),
          r.clientCpuRunsMs.map((ms) => fixed(ms, 0)).join(', '),
          fixed(r.idleRssMb, 0),
          fixed(r.rssWithObjectsMb, 0),
          fixed(r.kbPerObject, 2),
          `${r.clients}`,
          fixed(r.rssWithClientsMb, 0),
          fixed(r.kbPerClient, 1),
          fixed(r.peakRssMb, 0),
        ]),
      ),
    );
  }
  lines.push(
    '',
    `Headline (tearline, ${summary.clients ?? '?'} clients): p99 ${summary.p99Ms ?? 'n/a'} ms · cpuRatio ${summary.cpuRatio ?? 'n/a'} · cold open ${summary.coldOpenMs ?? 'n/a'} ms · RSS ${summary.rssMb ?? 'n/a'} MB`,
  );
  if (summary.cpuRatioRounds.length > 1) {
    lines.push(`- p99 and cpuRatio are medians over ${summary.cpuRatioRounds.length} rounds; cpuRatio per round: ${summary.cpuRatioRounds.join(', ')}`);
  }
  for (const note of summary.notes) lines.push(`- ${note}`);
  for (const warning of summary.warnings) lines.push(`- warning: ${warning}`);
  return lines.join('\n');
}

export function table(header: string[], rows: string[][]): string {
  return [header, header.map(() => '---'), ...rows].map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}

export function fixed(value: number, digits: number): string {
  return Number.isFinite(value) ? value.toFixed(digits) : 'n/a';
}

export function percent(share: number): string {
  return `${Math.round(share * 100)} %`;
}

function ratioText(value: number | null): string {
  return value === null ? 'n/a' : value.toFixed(2);
}

function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
