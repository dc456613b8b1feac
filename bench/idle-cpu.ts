// What the Tearline server spends when nobody types: its CPU per second, by thread, read from /proc
// (utime + stime of every /proc/<pid>/task), first with no client, then with N clients connected
// and joined to one cell and sending nothing. Issue 18: at 50 clients the per-edit CPU fell with
// the rate (4.0 ms at 5 edits/s, 1.5 ms at 100), a background of 15-35 ms of CPU a second that
// y-websocket does not have. An A/B like `edit-cpu` (`--base <dir>`: another checkout, in turns
// with this one, the order swapped every round); medians of the rounds are the figures to read.
// `--rate <edits/s>` has 12 of the clients write meanwhile (as in `edit-cpu`), for the same
// breakdown by thread under edits: what of the CPU per edit is the event loop's, what V8's helpers'.
// `--warmup-rate` edits that fast during the warm-up instead: V8 optimises a function after so many
// calls, not so many seconds, so at a low rate a short warm-up measures code still interpreted.
// `npm run bench -- idle-cpu [--base <dir>] [--clients 50] [--rate 0] [--warmup-rate <rate>] [--warmup 10]
//   [--seconds 60] [--rounds 3]`
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { LEVELS, SHARED_MARKING, levelOf } from './levels';
import { markerText } from './markers';
import { numberFlag, textFlag } from './options';
import { fixed, median, table } from './report';
import { parseCpuTicks } from './servers/procfs';
import { ServerProcess } from './servers/spawn';
import { tearlineTarget } from './targets/tearline';
import type { Receiver, Writer } from './targets/target';

const TICKS_PER_SECOND = 100;
const WRITERS = 12;
/**
 * Thread groups. Node names every thread `node`, so they go by order of creation (thread ids
 * ascending): the main thread (the event loop), then the five V8 platform threads node starts
 * before any script (four workers at the default --v8-pool-size: the optimising compiler,
 * concurrent GC; and the delayed-task scheduler), then whatever started later (libuv's pool on the
 * first file-system call, the signal watcher).
 */
const GROUPS = ['main', 'V8 platform', 'later threads'] as const;
type Group = (typeof GROUPS)[number];
const V8_PLATFORM_THREADS = 5;

function groupOf(index: number): Group {
  if (index === 0) return 'main';
  return index <= V8_PLATFORM_THREADS ? 'V8 platform' : 'later threads';
}

/** CPU ticks so far by thread group. */
function ticksByGroup(pid: number): Record<Group, number> {
  const ticks: Record<Group, number> = { main: 0, 'V8 platform': 0, 'later threads': 0 };
  const tids = readdirSync(`/proc/${pid}/task`).map(Number).sort((a, b) => a - b);
  for (const [index, tid] of tids.entries()) {
    try {
      ticks[groupOf(index)] += parseCpuTicks(readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8'));
    } catch {
      // The thread ended between listing and reading.
    }
  }
  return ticks;
}

/** Times the main thread went to sleep of its own accord: each is a later wake-up. */
function mainSleeps(pid: number): number {
  return Number(/^voluntary_ctxt_switches:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/task/${pid}/status`, 'utf8'))?.[1] ?? 0);
}

/** CPU milliseconds per second by thread group, and the main thread's wake-ups per second, over `seconds`. */
type Figures = Record<Group | 'wakes', number>;

async function measure(pid: number, seconds: number): Promise<Figures> {
  const before = ticksByGroup(pid);
  const sleptBefore = mainSleeps(pid);
  await sleep(seconds * 1000);
  const after = ticksByGroup(pid);
  const perSecond = { wakes: (mainSleeps(pid) - sleptBefore) / seconds } as Figures;
  for (const group of GROUPS) perSecond[group] = ((after[group] - before[group]) * 1000) / TICKS_PER_SECOND / seconds;
  return perSecond;
}

interface IdleRun {
  empty: Figures;
  joined: Figures;
}

/** Edits round-robin over `writers` at `rate` a second until stopped; counts them. */
function editAt(writers: readonly Writer[], rate: number): { stop(): number } {
  let sent = 0;
  const timer = rate > 0 && writers.length > 0 ? setInterval(() => writers[sent % writers.length]!.edit(markerText(sent % writers.length, sent++)), 1000 / rate) : undefined;
  return {
    stop() {
      clearInterval(timer);
      return sent;
    },
  };
}

interface Plan {
  clients: number;
  rate: number;
  warmupRate: number;
  warmup: number;
  seconds: number;
}

async function runIdle(root: string | undefined, { clients, rate, warmupRate, warmup, seconds }: Plan): Promise<IdleRun> {
  const server = await ServerProcess.start('tearline', { root });
  const receivers: Receiver[] = [];
  const writers: Writer[] = [];
  const session = await tearlineTarget.open(server);
  try {
    await sleep(warmup * 1000);
    const empty = await measure(server.pid, seconds / 2);
    for (let c = 0; c < clients; c++) {
      if (Math.max(rate, warmupRate) > 0 && c < WRITERS) writers.push(await session.connectWriter(LEVELS[levelOf(c)]!, c, SHARED_MARKING, () => {}));
      else receivers.push(await session.connectReceiver(LEVELS[levelOf(c)]!, () => {}));
    }
    const warming = editAt(writers, warmupRate);
    await sleep(warmup * 1000);
    warming.stop();
    const edits = editAt(writers, rate);
    const joined = await measure(server.pid, seconds);
    edits.stop();
    return { empty, joined };
  } finally {
    for (const client of [...writers, ...receivers]) client.close();
    session.close();
    await server.stop();
  }
}

const total = (figures: Figures) => GROUPS.reduce((sum, group) => sum + figures[group], 0);

export async function run(args: string[]): Promise<number> {
  const base = textFlag(args, 'base');
  const sides: { label: string; root?: string }[] = [{ label: 'this tree' }];
  if (base) sides.unshift({ label: `base (${base})`, root: path.resolve(base) });
  const clients = numberFlag(args, 'clients', 50);
  const rate = numberFlag(args, 'rate', 0);
  const plan: Plan = { clients, rate, warmupRate: numberFlag(args, 'warmup-rate', rate), warmup: numberFlag(args, 'warmup', 10), seconds: numberFlag(args, 'seconds', 60) };
  const { seconds } = plan;
  const rounds = numberFlag(args, 'rounds', 3);
  const loadAtStart = os.loadavg()[0]!;
  const results = new Map<string, IdleRun[]>(sides.map((side) => [side.label, []]));
  const rows: string[][] = [];
  const cells = (figures: Figures) => [fixed(total(figures), 1), ...GROUPS.map((group) => fixed(figures[group], 1)), fixed(figures.wakes, 1)];
  for (let round = 1; round <= rounds; round++) {
    for (const side of round % 2 === 1 ? sides : [...sides].reverse()) {
      process.stderr.write(`idle-cpu: round ${round} of ${rounds}, ${side.label}\n`);
      const result = await runIdle(side.root, plan);
      results.get(side.label)!.push(result);
      rows.push([side.label, String(round), '0', ...cells(result.empty)], [side.label, String(round), String(clients), ...cells(result.joined)]);
    }
  }
  const warmed = plan.warmupRate !== rate ? ` after ${plan.warmup} s at ${plan.warmupRate} edits/s` : '';
  const doing = rate > 0 ? `${Math.min(WRITERS, clients)} of them writing ${rate} edits/s${warmed}` : `sending nothing${warmed}`;
  console.log(`### Server CPU by thread: 0 and ${clients} joined clients ${doing}, ${seconds / 2} / ${seconds} s per run, ${rounds} rounds`);
  console.log(`\nLoad average ${loadAtStart.toFixed(1)} → ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} cores. CPU ms per second from /proc, by thread.\n`);
  const head = ['server', 'round', 'clients', 'total ms/s', ...GROUPS, 'main wake-ups/s'];
  console.log(table(head, rows));
  const medianOf = (runs: IdleRun[], which: keyof IdleRun) => Object.fromEntries([...GROUPS, 'wakes' as const].map((g) => [g, median(runs.map((r) => r[which][g]))])) as Figures;
  console.log(`\n${table(
    ['server', 'clients', 'median total ms/s', ...GROUPS, 'main wake-ups/s'],
    sides.flatMap((side) => {
      const runs = results.get(side.label)!;
      return (['empty', 'joined'] as const).map((which) => {
        const m = medianOf(runs, which);
        return [side.label, which === 'empty' ? '0' : String(clients), fixed(median(runs.map((r) => total(r[which]))), 1), ...GROUPS.map((g) => fixed(m[g], 1)), fixed(m.wakes, 1)];
      });
    }),
  )}`);
  return 0;
}
