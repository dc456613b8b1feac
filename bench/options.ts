// `npm run bench -- [options]`: parses the command line into a benchmark plan. Pure.
import { SERVER_NAMES, type ServerName } from './servers/spawn';

export interface BenchOptions {
  mode: 'quick' | 'full' | 'custom';
  servers: ServerName[];
  scales: number[];
  writers: number;
  editsPerSecond: number;
  warmupSeconds: number;
  measureSeconds: number;
  /** Fan-out rounds: every scenario this many times, servers taking turns, so a ratio compares runs minutes apart, not a quarter of an hour. */
  rounds: number;
  /** Also run Tearline with mixed markings (edits reaching 1 to 6 of the levels). */
  mixed: boolean;
  /** One cold open per cell size (`objects`), the first giving the headline figures. */
  coldOpen: { objects: number[]; clients: number; repeats: number } | null;
  fanout: boolean;
  cpuProfileDir: string | null;
  out: string;
}

export const USAGE = `usage: npm run bench -- [markings … | frames … | acks … | commit-cpu … | edit-cpu … | relay-cpu … | cluster … | worst-update … | many-cells … | commit-sweep … | socket-memory … | transport-floor … | client … | map … | soak … | storm … | slow-reader … | disk-full … | profile <file.cpuprofile>] [--quick] [--servers tearline,y-websocket,hocuspocus]
  [--clients 10,50,200,500] [--writers 12] [--rate 100] [--warmup 3] [--seconds 20] [--rounds 3] [--mixed | --no-mixed]
  [--objects 5000,50000] [--cold-clients 200] [--repeats 3] [--no-cold-open] [--no-fanout]
  [--profile <dir>] [--out bench/results/latest.json]`;

const FULL = {
  scales: [10, 50, 200, 500],
  editsPerSecond: 100,
  warmupSeconds: 3,
  measureSeconds: 20,
  rounds: 3,
  mixed: true,
  coldOpen: { objects: [5000, 50_000], clients: 200, repeats: 3 },
};

/** Small enough to finish in well under a minute on two cores, large enough to exercise every path. */
const QUICK = {
  scales: [30],
  editsPerSecond: 50,
  warmupSeconds: 0.5,
  measureSeconds: 2,
  rounds: 1,
  mixed: false,
  // Two cell sizes, as the full run's 5,000 and 50,000: the second size's path runs in CI too.
  coldOpen: { objects: [200, 400], clients: 20, repeats: 1 },
};

const WRITERS_PER_RUN = 12;

export function parseOptions(args: readonly string[]): BenchOptions {
  const flags = new Map<string, string | true>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith('--')) throw new Error(`Unexpected argument "${arg}".\n${USAGE}`);
    const next = args[i + 1];
    if (next !== undefined && !next.startsWith('--')) {
      flags.set(arg.slice(2), next);
      i++;
    } else {
      flags.set(arg.slice(2), true);
    }
  }
  const known = ['quick', 'servers', 'clients', 'writers', 'rate', 'warmup', 'seconds', 'rounds', 'mixed', 'no-mixed', 'objects', 'cold-clients', 'repeats', 'no-cold-open', 'no-fanout', 'profile', 'out'];
  for (const flag of flags.keys()) {
    if (!known.includes(flag)) throw new Error(`Unknown option --${flag}.\n${USAGE}`);
  }
  const quick = flags.get('quick') === true;
  const base = quick ? QUICK : FULL;
  const customised = [...flags.keys()].some((flag) => flag !== 'quick' && flag !== 'profile' && flag !== 'out');
  const scales = list(flags, 'clients')?.map((v) => positive('clients', v)) ?? base.scales;
  const coldObjects = list(flags, 'objects')?.map((v) => positive('objects', v)) ?? base.coldOpen.objects;
  return {
    mode: customised ? 'custom' : quick ? 'quick' : 'full',
    servers: servers(list(flags, 'servers')),
    scales,
    // At most one writer per client: each run takes min(writers, its clients).
    writers: number(flags, 'writers') ?? WRITERS_PER_RUN,
    editsPerSecond: number(flags, 'rate') ?? base.editsPerSecond,
    warmupSeconds: number(flags, 'warmup') ?? base.warmupSeconds,
    measureSeconds: number(flags, 'seconds') ?? base.measureSeconds,
    rounds: Math.round(number(flags, 'rounds') ?? base.rounds),
    mixed: flags.has('mixed') || (base.mixed && !flags.has('no-mixed')),
    coldOpen: flags.has('no-cold-open')
      ? null
      : {
          objects: coldObjects,
          clients: number(flags, 'cold-clients') ?? base.coldOpen.clients,
          repeats: number(flags, 'repeats') ?? base.coldOpen.repeats,
        },
    fanout: !flags.has('no-fanout'),
    cpuProfileDir: text(flags, 'profile'),
    out: text(flags, 'out') ?? 'bench/results/latest.json',
  };
}

function servers(names: string[] | null): ServerName[] {
  if (!names) return [...SERVER_NAMES];
  return names.map((name) => {
    const known = SERVER_NAMES.find((candidate) => candidate === name);
    if (!known) throw new Error(`Unknown server "${name}": choose from ${SERVER_NAMES.join(', ')}.`);
    return known;
  });
}

function text(flags: Map<string, string | true>, name: string): string | null {
  const value = flags.get(name);
  if (value === true) throw new Error(`--${name} needs a value.\n${USAGE}`);
  return value ?? null;
}

function list(flags: Map<string, string | true>, name: string): string[] | null {
  return text(flags, name)?.split(',').map((v) => v.trim()).filter(Boolean) ?? null;
}

function number(flags: Map<string, string | true>, name: string): number | null {
  const value = text(flags, name);
  return value === null ? null : positive(name, value);
}

/** `--name <positive number>` from a scenario's own arguments, else `fallback`. */
export function numberFlag(args: readonly string[], name: string, fallback: number): number {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? positive(name, args[at + 1] ?? '') : fallback;
}

/** `--name <text>` from a scenario's own arguments, else null. */
export function textFlag(args: readonly string[], name: string): string | null {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? (args[at + 1] ?? null) : null;
}

function positive(name: string, value: string): number {
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0) throw new Error(`--${name} must be a positive number, not "${value}".`);
  return parsed;
}
