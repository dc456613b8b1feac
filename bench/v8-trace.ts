// `npm run bench -- v8-trace <file> [--from 20] [--window 10]`: what V8's optimising compiler did
// in a server over time, from the output of `--trace-opt --trace-deopt --trace-gc`. Those flags
// print to stdout and NODE_OPTIONS refuses them, so the benchmark's spawner passes them itself:
//   BENCH_SERVER_V8_FLAGS='--trace-opt --trace-deopt --trace-gc' BENCH_SERVER_STDOUT=/tmp/v8.txt \
//     npm run bench -- edit-cpu --rounds 1 --seconds 60
// (the file gets the server's pid as a suffix). The trace lines carry no time; the garbage
// collector's do (ms since the isolate started, one a second or so under load), so each event is
// placed at the last collection printed before it. Counted per window:
// - optimisations, first of a function or again (the same function, already optimised before;
//   told by its SharedFunctionInfo's address, which a compacting collection may move: "again"
//   may be undercounted);
// - bailouts (optimised code left because an assumption failed: a deopt loop shows as many);
// - invalidations (optimised code thrown away without running into it: "weak objects", a map or
//   object the code embedded died in a full collection; "code dependencies", a field's type or
//   constness or a prototype changed);
// - compile ms, as V8 reports them (wall time, on the background thread mostly: a loaded machine
//   stretches them).
// Every isolate of the process writes to the same stdout (tsx's loader runs in a worker), so the
// counts are the process's.
import { readFileSync } from 'node:fs';
import { numberFlag } from './options';
import { fixed, table } from './report';

export interface TraceWindow {
  fromMs: number;
  optimisedFirst: number;
  optimisedAgain: number;
  bailouts: number;
  invalidated: number;
  compileMs: number;
}

export interface V8TraceSummary {
  windows: TraceWindow[];
  /** From `fromMs` on: bailouts and invalidations per function, with their reasons, most first. */
  lost: { name: string; count: number; reasons: string[] }[];
  /** From `fromMs` on: optimisations per function and the compile ms they took, most ms first (where the compiler's time went). */
  optimised: { name: string; count: number; compileMs: number }[];
}

const GC_LINE = /^\[\d+:0x[0-9a-f]+\]\s+(\d+) ms: /;
const COMPLETED = /^\[completed compiling .*?<JSFunction (\S*) ?\(sfi = (0x[0-9a-f]+)\)>.* took ([\d.]+), ([\d.]+), ([\d.]+) ms/;
const BAILOUT = /^\[bailout \(kind: [^,]+, reason: (.*?)\): begin\..*?<JSFunction (\S*) ?\(sfi/;
const INVALIDATED = /^\[marking dependent code .*?<SharedFunctionInfo ?([^>]*)>\).* reason: (.*)\]$/;

export function summarizeV8Trace(text: string, fromMs: number, windowMs: number): V8TraceSummary {
  const windows = new Map<number, TraceWindow>();
  const optimisedBefore = new Set<string>();
  const lost = new Map<string, { count: number; reasons: Set<string> }>();
  const optimised = new Map<string, { count: number; compileMs: number }>();
  let clockMs = 0;
  const windowAt = (ms: number): TraceWindow => {
    const start = Math.floor(ms / windowMs) * windowMs;
    let window = windows.get(start);
    if (!window) windows.set(start, (window = { fromMs: start, optimisedFirst: 0, optimisedAgain: 0, bailouts: 0, invalidated: 0, compileMs: 0 }));
    return window;
  };
  const loseOne = (name: string, reason: string) => {
    if (clockMs < fromMs) return;
    const entry = lost.get(name) ?? { count: 0, reasons: new Set<string>() };
    entry.count += 1;
    entry.reasons.add(reason);
    lost.set(name, entry);
  };
  for (const line of text.split('\n')) {
    const gc = GC_LINE.exec(line);
    if (gc) {
      clockMs = Math.max(clockMs, Number(gc[1]));
      continue;
    }
    const completed = COMPLETED.exec(line);
    if (completed) {
      const [, rawName, sfi, prepare, execute, finalize] = completed;
      const name = nameOf(rawName!);
      const window = windowAt(clockMs);
      if (optimisedBefore.has(sfi!)) window.optimisedAgain += 1;
      else window.optimisedFirst += 1;
      optimisedBefore.add(sfi!);
      const ms = Number(prepare) + Number(execute) + Number(finalize);
      window.compileMs += ms;
      if (clockMs >= fromMs) {
        const entry = optimised.get(name) ?? { count: 0, compileMs: 0 };
        optimised.set(name, { count: entry.count + 1, compileMs: entry.compileMs + ms });
      }
      continue;
    }
    const bailout = BAILOUT.exec(line);
    if (bailout) {
      windowAt(clockMs).bailouts += 1;
      loseOne(nameOf(bailout[2]!), `bailout: ${bailout[1]}`);
      continue;
    }
    const invalidated = INVALIDATED.exec(line);
    if (invalidated) {
      windowAt(clockMs).invalidated += 1;
      loseOne(nameOf(invalidated[1]!), `invalidated: ${invalidated[2]}`);
    }
  }
  return {
    windows: [...windows.values()].sort((a, b) => a.fromMs - b.fromMs),
    lost: [...lost].map(([name, { count, reasons }]) => ({ name, count, reasons: [...reasons] })).sort((a, b) => b.count - a.count),
    optimised: [...optimised].map(([name, entry]) => ({ name, ...entry })).sort((a, b) => b.compileMs - a.compileMs),
  };
}

function nameOf(name: string): string {
  return name.trim() || '(anonymous)';
}

export function run(args: string[]): number {
  const file = args[0];
  if (!file || file.startsWith('--')) {
    console.error('usage: npm run bench -- v8-trace <file> [--from <s>] [--window <s>]');
    return 2;
  }
  const fromMs = numberFlag(args, 'from', 20) * 1000;
  const summary = summarizeV8Trace(readFileSync(file, 'utf8'), fromMs, numberFlag(args, 'window', 10) * 1000);
  console.log(`### V8's optimising compiler in ${file}\n`);
  console.log(
    table(
      ['from s', 'optimised (first)', 'optimised again', 'bailouts', 'invalidated', 'compile ms'],
      summary.windows.map((w) => [fixed(w.fromMs / 1000, 0), String(w.optimisedFirst), String(w.optimisedAgain), String(w.bailouts), String(w.invalidated), fixed(w.compileMs, 0)]),
    ),
  );
  console.log(`\nFrom ${fromMs / 1000} s on, code lost (bailouts and invalidations) by function:\n`);
  console.log(table(['function', 'times', 'reasons'], summary.lost.slice(0, 20).map((f) => [f.name, String(f.count), f.reasons.join('; ')])));
  console.log(`\nFrom ${fromMs / 1000} s on, optimisations by function, most compile time first:\n`);
  console.log(table(['function', 'times', 'compile ms'], summary.optimised.slice(0, 20).map((f) => [f.name, String(f.count), fixed(f.compileMs, 1)])));
  return 0;
}
