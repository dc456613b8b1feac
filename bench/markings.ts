// Marking micro-benchmark: ns per operation for the calls on Tearline's hot paths. Run with
// `npm run bench -- markings [--ms 300]`. Not a test: figures go to docs/performance.md by hand.
import os from 'node:os';
import { ISO_3166_ALPHA3, accessLevelKey, canSee, formatBanner, parseMarking, policyWithGroups, rollUp } from '../shared/markings';
import type { Marking, Participant } from '../shared/markings';

const policy = policyWithGroups({ QUAD: ['AUS', 'IND', 'JPN', 'USA'] });

const TEXTS = [
  'SECRET//REL TO USA, FVEY',
  '(S//REL TO USA, AUS, GBR)',
  'TOP SECRET//SI/TK//NOFORN',
  '(C//REL TO USA, NATO)',
  'SECRET//REL TO USA, QUAD/RELIDO',
  'UNCLASSIFIED',
  '(S//NF)',
  'SECRET//ORCON/REL TO USA, GBR/DISPLAY ONLY IRQ',
];

const PARTICIPANTS: Participant[] = [
  { nation: 'USA', clearance: 'TOP SECRET', compartments: ['SI', 'TK'] },
  { nation: 'GBR', clearance: 'SECRET', compartments: [] },
  { nation: 'AUS', clearance: 'SECRET', compartments: [] },
  { nation: 'JPN', clearance: 'SECRET', compartments: [] },
  { nation: 'POL', clearance: 'SECRET', compartments: [] },
  { nation: 'IRQ', clearance: 'CONFIDENTIAL', compartments: [] },
];

interface Case {
  name: string;
  /** Runs the operation `n` times; returns something derived from the results so none is optimised away. */
  loop(n: number): number;
}

// More distinct texts than parseMarking keeps (every REL TO pair of nations), so each call parses afresh.
const UNSEEN = ISO_3166_ALPHA3.flatMap((a) => ISO_3166_ALPHA3.slice(0, 60).map((b) => `SECRET//REL TO USA, ${a}, ${b}/RELIDO`));
let unseenCursor = 0;

const parsed: Marking[] = TEXTS.map((t) => parseMarking(t, policy));

const CASES: Case[] = [
  {
    name: 'canSee, parsed marking, audience cached',
    loop(n) {
      let seen = 0;
      for (let i = 0; i < n; i++) if (canSee(PARTICIPANTS[i % 6]!, parsed[i % 8]!, policy)) seen++;
      return seen;
    },
  },
  {
    name: 'canSee, first call on a fresh marking object',
    loop(n) {
      let seen = 0;
      for (let i = 0; i < n; i++) if (canSee(PARTICIPANTS[i % 6]!, { ...parsed[i % 8]! }, policy)) seen++;
      return seen;
    },
  },
  {
    name: 'parseMarking, text seen before',
    loop(n) {
      let length = 0;
      for (let i = 0; i < n; i++) length += parseMarking(TEXTS[i % 8]!, policy).relTo.length;
      return length;
    },
  },
  {
    name: 'parseMarking, text not seen before',
    loop(n) {
      let length = 0;
      for (let i = 0; i < n; i++) length += parseMarking(UNSEEN[unseenCursor++ % UNSEEN.length]!, policy).relTo.length;
      return length;
    },
  },
  {
    name: 'formatBanner',
    loop(n) {
      let length = 0;
      for (let i = 0; i < n; i++) length += formatBanner(parsed[i % 8]!, policy).length;
      return length;
    },
  },
  {
    name: 'rollUp of 8 portions',
    loop(n) {
      let noforn = 0;
      for (let i = 0; i < n; i++) if (rollUp(parsed, policy).noforn) noforn++;
      return noforn;
    },
  },
  {
    name: 'accessLevelKey',
    loop(n) {
      let length = 0;
      for (let i = 0; i < n; i++) length += accessLevelKey(PARTICIPANTS[i % 6]!, policy).length;
      return length;
    },
  },
];

/** CPU time of the process in ns: unlike wall time, it does not count while other work holds the core. */
function cpuNow(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) * 1000;
}

/** Median CPU ns/op over 5 rounds of at least `ms` milliseconds each, after a warm-up round. */
function measure(c: Case, ms: number): number {
  let n = 1000;
  for (;;) {
    const start = cpuNow();
    c.loop(n);
    if (cpuNow() - start >= (ms * 1e6) / 4) break;
    n *= 4;
  }
  const rounds: number[] = [];
  let sink = 0;
  for (let round = 0; round < 6; round++) {
    const start = cpuNow();
    sink += c.loop(n);
    if (round > 0) rounds.push((cpuNow() - start) / n);
  }
  if (sink < 0) console.log(sink);
  rounds.sort((a, b) => a - b);
  return rounds[2]!;
}

export async function run(args: string[]): Promise<number> {
  const at = args.indexOf('--ms');
  const ms = at >= 0 ? Number(args[at + 1]) : 300;
  if (!(ms > 0)) {
    console.error('usage: npm run bench -- markings [--ms <milliseconds per round>]');
    return 2;
  }
  console.log(`markings micro-benchmark · node ${process.version} · ${os.cpus()[0]?.model ?? 'unknown cpu'}`);
  console.log('| operation | CPU ns/op |');
  console.log('|---|---:|');
  for (const c of CASES) console.log(`| ${c.name} | ${measure(c, ms).toFixed(0)} |`);
  return 0;
}
