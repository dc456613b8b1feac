// `npm run bench -- profile <file.cpuprofile>`: where a server's or a page's CPU went, by package
// and by function (self time), to say what dominates the cost without opening DevTools. Given a
// Chromium trace (`<file>.trace.json`, bench/browser.ts), the renderer's main thread by task kind
// (script, style, layout, paint…), which a CPU profile shows only as "(program)".
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

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  args?: { name?: string };
}

/**
 * Self time per trace event name on the pages' main threads (CrRendererMain): an event's
 * duration less that of the events nested in it. Busy is the time inside top-level tasks.
 */
export function summarizeTrace(trace: { traceEvents: TraceEvent[] } | TraceEvent[]): { busyMs: number; events: ProfileShare[] } {
  const events = Array.isArray(trace) ? trace : trace.traceEvents;
  const main = new Set(events.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`));
  const byThread = new Map<string, TraceEvent[]>();
  for (const event of events) {
    const thread = `${event.pid}:${event.tid}`;
    if (event.ph !== 'X' || event.dur === undefined || !main.has(thread)) continue;
    (byThread.get(thread) ?? byThread.set(thread, []).get(thread)!).push(event);
  }
  const self = new Map<string, number>();
  let busyMicros = 0;
  for (const list of byThread.values()) {
    list.sort((a, b) => a.ts - b.ts || b.dur! - a.dur!);
    const stack: { end: number; name: string }[] = [];
    for (const event of list) {
      while (stack.length > 0 && stack.at(-1)!.end <= event.ts) stack.pop();
      const parent = stack.at(-1);
      if (parent) add(self, parent.name, -event.dur!);
      else busyMicros += event.dur!;
      add(self, event.name, event.dur!);
      stack.push({ end: event.ts + event.dur!, name: event.name });
    }
  }
  const shares = [...self].sort((a, b) => b[1] - a[1]).map(([name, micros]) => ({ name, ms: micros / 1000, share: micros / Math.max(busyMicros, 1) }));
  return { busyMs: busyMicros / 1000, events: shares };
}

export async function run(args: string[]): Promise<number> {
  const [file, count = '25'] = args;
  if (!file) {
    console.error('usage: npm run bench -- profile <file.cpuprofile | file.trace.json> [rows]');
    return 2;
  }
  const rows = Number(count);
  const table = (title: string, shares: ProfileShare[]) =>
    [`| ${title} | self ms | share of busy |`, '| --- | --- | --- |', ...shares.slice(0, rows).map((s) => `| ${s.name} | ${s.ms.toFixed(0)} | ${(s.share * 100).toFixed(1)} % |`)].join('\n');
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile | { traceEvents: TraceEvent[] } | TraceEvent[];
  if (Array.isArray(parsed) || 'traceEvents' in parsed) {
    const trace = summarizeTrace(parsed);
    console.log(`Main thread busy (in tasks): ${(trace.busyMs / 1000).toFixed(2)} s\n`);
    console.log(table('trace event', trace.events));
    return 0;
  }
  const summary = summarizeProfile(parsed);
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
  // A page's script (a browser profile): its path on the server, e.g. assets/index-abc.js.
  if (/^https?:/.test(url)) return new URL(url).pathname.slice(1);
  return url.replace(/^file:\/\/.*?\/(server|shared|bench)\//, '$1/');
}

function packageOf(source: string): string {
  if (source.startsWith('node:')) return source.split('/').slice(0, 3).join('/');
  const match = /^(@[^/]+\/[^/]+|[^/]+)\//.exec(source);
  return match ? match[1]! : source;
}
