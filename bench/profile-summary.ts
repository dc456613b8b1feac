// `npm run bench -- profile <file.cpuprofile>`: where a server's CPU went, by package and by
// function (self time), to say what dominates the cost without opening DevTools.
import { readFileSync } from 'node:fs';

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileShare {
  name: string;
  ms: number;
  /** Share of the busy (non-idle) time. */
  share: number;
}

const IDLE = '(idle)';

/** Self time per package (or Node internal module, or V8 pseudo-frame) and per function. */
export function summarizeProfile(profile: CpuProfile): { busyMs: number; packages: ProfileShare[]; functions: ProfileShare[] } {
  const frames = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
  const packages = new Map<string, number>();
  const functions = new Map<string, number>();
  let busyMicros = 0;
  profile.samples.forEach((id, index) => {
    const frame = frames.get(id);
    const micros = profile.timeDeltas[index] ?? 0;
    if (!frame || frame.functionName === IDLE) return;
    busyMicros += micros;
    const source = shortSource(frame.url);
    add(packages, packageOf(source) || frame.functionName, micros);
    add(functions, `${frame.functionName || '(anonymous)'} ${source}${source ? `:${frame.lineNumber + 1}` : ''}`, micros);
  });
  const shares = (totals: Map<string, number>) =>
    [...totals]
      .sort((a, b) => b[1] - a[1])
      .map(([name, micros]) => ({ name, ms: micros / 1000, share: micros / Math.max(busyMicros, 1) }));
  return { busyMs: busyMicros / 1000, packages: shares(packages), functions: shares(functions) };
}

export async function run(args: string[]): Promise<number> {
  const [file, count = '25'] = args;
  if (!file) {
    console.error('usage: npm run bench -- profile <file.cpuprofile> [rows]');
    return 2;
  }
  const summary = summarizeProfile(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile);
  const rows = Number(count);
  const table = (title: string, shares: ProfileShare[]) =>
    [`| ${title} | self ms | share of busy |`, '| --- | --- | --- |', ...shares.slice(0, rows).map((s) => `| ${s.name} | ${s.ms.toFixed(0)} | ${(s.share * 100).toFixed(1)} % |`)].join('\n');
  console.log(`Busy (non-idle) time: ${(summary.busyMs / 1000).toFixed(2)} s\n`);
  console.log(table('package', summary.packages));
  console.log('');
  console.log(table('function', summary.functions));
  return 0;
}

function add(totals: Map<string, number>, key: string, micros: number): void {
  totals.set(key, (totals.get(key) ?? 0) + micros);
}

function shortSource(url: string): string {
  const modules = url.lastIndexOf('node_modules/');
  if (modules !== -1) return url.slice(modules + 'node_modules/'.length);
  return url.replace(/^file:\/\/.*?\/(server|shared|bench)\//, '$1/');
}

function packageOf(source: string): string {
  if (source.startsWith('node:')) return source.split('/').slice(0, 3).join('/');
  const match = /^(@[^/]+\/[^/]+|[^/]+)\//.exec(source);
  return match ? match[1]! : source;
}
