// The commit policy's trade (server/store/commitPolicy.ts): latency against CPU per delivery, for
// each policy at each cell size, every Tearline run paired with a y-websocket run of the same round.
// A policy is `<TEARLINE_COMMIT_WINDOW_MS>/<TEARLINE_COMMIT_FRAMES_PER_SECOND>`: 25/0 starts commits
// the whole window apart, 25/100000000 commits at once whatever the fan-out, 25/5000 is the default.
// The criterion to read: at 10 and 50 clients p50 ≤ 8 ms and p99 ≤ 20 ms, at 200 and 500 clients
// ≤ 10 µs per delivery and p99 ≤ 50 ms, all with one policy.
// `npm run bench -- commit-sweep [--policies 25/0,25/2500,25/5000,25/10000,25/100000000] [--clients 10,50,200,500]
//   [--rounds 2] [--writers 12] [--rate 100] [--warmup 3] [--seconds 20] [--out <file.json>]`
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { runFanout, type FanoutResult } from './fanout';
import { numberFlag, textFlag } from './options';
import { fixed, percent, table } from './report';
import { tearlineTarget } from './targets/tearline';
import { yWebsocketTarget } from './targets/yjs-baselines';

export interface CommitPolicyRun {
  windowMs: number;
  framesPerSecond: number;
}

export interface SweepRow {
  policy: CommitPolicyRun;
  tearline: FanoutResult;
  baseline: FanoutResult;
}

const DEFAULT_POLICIES = '25/0,25/2500,25/5000,25/10000,25/100000000';

/** `25/5000,25/0` → the policies; a clear error for anything else. */
export function parsePolicies(text: string): CommitPolicyRun[] {
  return text.split(',').map((item) => {
    const match = /^(\d+)\/(\d+)$/.exec(item.trim());
    if (!match || Number(match[2]) > 100_000_000) {
      throw new Error(`--policies takes <window ms>/<frames per second 0–100000000> pairs separated by commas (25/5000,25/0), not "${item}".`);
    }
    return { windowMs: Number(match[1]), framesPerSecond: Number(match[2]) };
  });
}

export async function run(args: string[]): Promise<number> {
  let policies: CommitPolicyRun[];
  try {
    policies = parsePolicies(textFlag(args, 'policies') ?? DEFAULT_POLICIES);
  } catch (error) {
    console.error((error as Error).message);
    return 2;
  }
  const scales = (textFlag(args, 'clients') ?? '10,50,200,500').split(',').map(Number);
  const rounds = numberFlag(args, 'rounds', 2);
  const loadAtStart = os.loadavg()[0]!;
  const base = {
    editsPerSecond: numberFlag(args, 'rate', 100),
    warmupSeconds: numberFlag(args, 'warmup', 3),
    measureSeconds: numberFlag(args, 'seconds', 20),
    workload: 'uniform' as const,
  };
  const rows: SweepRow[] = [];
  for (const clients of scales) {
    const writers = Math.min(numberFlag(args, 'writers', 12), clients);
    for (let round = 1; round <= rounds; round++) {
      process.stderr.write(`commit sweep: ${clients} clients, round ${round} of ${rounds}: y-websocket\n`);
      const baseline = await runFanout(yWebsocketTarget, { ...base, clients, writers, round });
      for (const policy of policies) {
        process.stderr.write(`commit sweep: ${clients} clients, round ${round}: tearline ${policy.windowMs}/${policy.framesPerSecond}\n`);
        // The server child takes its settings from this process's environment.
        const tearline = await withEnv(
          { TEARLINE_COMMIT_WINDOW_MS: String(policy.windowMs), TEARLINE_COMMIT_FRAMES_PER_SECOND: String(policy.framesPerSecond) },
          () => runFanout(tearlineTarget, { ...base, clients, writers, round }),
        );
        rows.push({ policy, tearline, baseline });
      }
    }
  }
  console.log(sweepMarkdown(rows, { start: loadAtStart, end: os.loadavg()[0]! }));
  const out = textFlag(args, 'out');
  if (out) writeFileSync(out, `${JSON.stringify(rows, null, 2)}\n`);
  return 0;
}

async function withEnv<T>(env: Record<string, string>, task: () => Promise<T>): Promise<T> {
  const before = Object.fromEntries(Object.keys(env).map((key) => [key, process.env[key]]));
  Object.assign(process.env, env);
  try {
    return await task();
  } finally {
    for (const [key, value] of Object.entries(before)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}

export function sweepMarkdown(rows: readonly SweepRow[], loadAverage: { start: number; end: number }): string {
  const lines = rows.map(({ policy, tearline: t, baseline: b }) => {
    const policyText = `${policy.windowMs} ms / ${policy.framesPerSecond} frames/s`;
    if (t.generatorSaturated || b.generatorSaturated) {
      return [policyText, String(t.clients), String(t.round), `load generator saturated (${percent(Math.max(t.generatorCpu, b.generatorCpu))}): withheld`, '', '', '', '', ''];
    }
    return [
      policyText,
      String(t.clients),
      String(t.round),
      `${fixed(t.latencyMs.p50, 1)} / ${fixed(t.latencyMs.p99, 1)}`,
      fixed(t.cpuMicrosPerDelivery, 1),
      fixed(t.framesPerDelivery, 2),
      `${fixed(b.latencyMs.p50, 1)} / ${fixed(b.latencyMs.p99, 1)}`,
      fixed(b.cpuMicrosPerDelivery, 1),
      fixed(t.cpuMicrosPerDelivery / b.cpuMicrosPerDelivery, 2),
    ];
  });
  return [
    '### Commit policy sweep: window / frames per second, Tearline beside y-websocket in the same round',
    '',
    `Load average ${loadAverage.start.toFixed(1)} → ${loadAverage.end.toFixed(1)} on ${os.cpus().length} cores.`,
    '',
    table(
      ['policy', 'clients', 'round', 'Tearline p50 / p99 ms', 'CPU µs/delivery', 'frames/delivery', 'y-websocket p50 / p99 ms', 'y-websocket CPU µs/delivery', 'CPU ratio'],
      lines,
    ),
  ].join('\n');
}
