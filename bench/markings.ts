// Marking micro-benchmark: ns per operation for the calls on Tearline's hot paths. Run with
// `npm run bench -- markings [--ms 300]`. Not a test: figures go to docs/performance.md by hand.
import os from 'node:os';
import { accessLevelKey, canSee, formatBanner, parseMarking, policyWithGroups, rollUp } from '../shared/markings';
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

// More distinct spellings (upper/lower case per letter) than parseMarking keeps, so every call parses afresh.
const UNSEEN = Array.from({ length: 6000 }, (_, i) => respell(TEXTS[i % 8]!, Math.floor(i / 8) + 1));

function respell(text: string, mask: number): string {
  let letter = 0;
  return text.replace(/[A-Z]/g, (c) => ((mask >> letter++) & 1 ? c.toLowerCase() : c));
}

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
      for (let i = 0; i < n; i++) length += parseMarking(UNSEEN[i % UNSEEN.length]!, policy).relTo.length;
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

/** Median ns/op over 5 rounds of at least `ms` milliseconds each, after a warm-up round. */
function measure(c: Case, ms: number): number {
  let n = 1000;
  for (;;) {
    const start = process.hrtime.bigint();
    c.loop(n);
    const elapsed = Number(process.hrtime.bigint() - start) / 1e6;
    if (elapsed >= ms / 4) break;
    n *= 4;
  }
  const rounds: number[] = [];
  let sink = 0;
  for (let round = 0; round < 6; round++) {
    const start = process.hrtime.bigint();
    sink += c.loop(n);
    const ns = Number(process.hrtime.bigint() - start) / n;
    if (round > 0) rounds.push(ns);
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
  console.log('| operation | ns/op |');
  console.log('|---|---:|');
  for (const c of CASES) console.log(`| ${c.name} | ${measure(c, ms).toFixed(0)} |`);
  return 0;
}
