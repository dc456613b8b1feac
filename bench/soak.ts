// The soak: one server process under a realistic mixed load for N minutes: several cells, members
// joining and leaving, typing, presence, creates, re-marks and releases approved by an FDO. It
// samples the server as an operator would (RSS from /proc after a forced GC, the rest from the
// metrics listener), reports whether memory grows after warm-up, and at the end reads every object
// back to check that every acknowledged edit is there. Then everyone leaves and the node is
// sampled again once its idle docs have left memory: what is left then is what the load kept.
// `npm run bench -- soak [--minutes 10] [--cells 4] [--members 8] [--sample 10] [--seed 1] [--out <file.json>]`
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import * as Y from 'yjs';
import { configFromEnv } from '../server/config';
import { bodyOf } from '../shared/content';
import { bytesOf, SYNC_MAX_DOCS } from '../shared/protocol';
import { LEVELS } from './levels';
import { scanMarkers, markerText } from './markers';
import { numberFlag, textFlag } from './options';
import { fixed, table } from './report';
import { ServerProcess } from './servers/spawn';
import { FDO, levelIndex, SoakBook, SoakMember } from './soak-member';
import { call, connectFull, createBenchCell, devTokens, type DevTokens } from './targets/tearline';

/** Events a second: per member for typing and presence, per cell for the rest. */
const RATES = { type: 1.5, presence: 0.5, create: 0.2, narrow: 0.1, release: 0.1, churn: 0.2 };
const TICK_MS = 100;
/** Memory before this is start-up and warm-up (JIT, first docs, caches), not growth. */
const WARMUP_SECONDS = 60;

export interface SoakPlan {
  minutes: number;
  cells: number;
  /** Members per cell besides its FDO, who stays throughout to approve releases. */
  members: number;
  sampleSeconds: number;
  seed: number;
}

export interface SoakSample {
  seconds: number;
  rssMb: number;
  heapMb: number;
  liveDocs: number;
  connections: number;
  handles: number;
  lagP99Ms: number;
  lagMaxMs: number;
  acked: number;
}

export interface SoakResult {
  plan: SoakPlan;
  loadAverage: { start: number; end: number };
  warmupSeconds: number;
  samples: SoakSample[];
  /** After the load, everyone gone and the idle docs evicted (or the wait for them over). */
  quiet: SoakSample;
  /** Least-squares growth after warm-up, MB per minute. */
  rssSlope: number;
  heapSlope: number;
  done: Record<string, number>;
  refused: Record<string, number>;
  errors: string[];
  readBack: { objects: number; textKb: number; acked: number; lost: number; lostExamples: string[] };
}

interface Cell {
  id: string;
  members: SoakMember[];
}

export async function run(args: string[]): Promise<number> {
  const plan: SoakPlan = {
    minutes: numberFlag(args, 'minutes', 10),
    cells: numberFlag(args, 'cells', 4),
    members: numberFlag(args, 'members', 8),
    sampleSeconds: numberFlag(args, 'sample', 10),
    seed: numberFlag(args, 'seed', 1),
  };
  const result = await runSoak(plan);
  console.log(soakMarkdown(result));
  const out = textFlag(args, 'out');
  if (out) writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  return result.readBack.lost === 0 && result.errors.length === 0 ? 0 : 1;
}

export async function runSoak(plan: SoakPlan): Promise<SoakResult> {
  const loadAtStart = os.loadavg()[0]!;
  const random = seededRandom(plan.seed);
  const server = await ServerProcess.start('tearline');
  const book = new SoakBook();
  const cells: Cell[] = [];
  let serial = 0;
  try {
    const tokens = devTokens(server);
    for (let c = 0; c < plan.cells; c++) {
      const cell: Cell = { id: await createBenchCell(tokens, `Soak cell ${c}`), members: [] };
      cell.members.push(await SoakMember.join(tokens, cell.id, FDO, serial++, book));
      for (let m = 0; m < plan.members; m++) {
        const level = LEVELS[m % LEVELS.length]!;
        cell.members.push(await SoakMember.join(tokens, cell.id, { ...level, level: m % LEVELS.length }, serial++, book));
      }
      cells.push(cell);
    }
    // Each member brings one object, so typing starts on a cell that has something in it.
    for (const cell of cells) for (const member of cell.members) member.create(random);
    await book.settle();
    const durationSeconds = plan.minutes * 60;
    const warmupSeconds = Math.min(WARMUP_SECONDS, durationSeconds / 4);
    progress(`soak: ${plan.cells} cells × ${plan.members + 1} members for ${plan.minutes} min`);

    const startedAt = performance.now();
    const actor = setInterval(() => {
      for (const cell of cells) act(cell, random, (persona) => SoakMember.join(tokens, cell.id, persona, serial++, book), book);
    }, TICK_MS);
    const samples: SoakSample[] = [];
    try {
      for (let at = plan.sampleSeconds; at <= durationSeconds + 1e-9; at += plan.sampleSeconds) {
        await sleep(Math.max(0, startedAt + at * 1000 - performance.now()));
        samples.push(await sample(server, (performance.now() - startedAt) / 1000, book));
        progress(describe(samples.at(-1)!));
      }
    } finally {
      clearInterval(actor);
    }
    await book.settle();
    const readBack = await readAll(tokens, cells, book);
    for (const cell of cells) for (const member of cell.members) await member.leave();
    const quiet = await afterIdle(server, startedAt, book);
    const after = samples.filter((s) => s.seconds >= warmupSeconds);
    return {
      plan,
      loadAverage: { start: loadAtStart, end: os.loadavg()[0]! },
      warmupSeconds,
      samples,
      quiet,
      rssSlope: slopePerMinute(after.map((s) => [s.seconds, s.rssMb])),
      heapSlope: slopePerMinute(after.map((s) => [s.seconds, s.heapMb])),
      done: Object.fromEntries(book.done),
      refused: Object.fromEntries(book.refused),
      errors: book.errors,
      readBack,
    };
  } finally {
    await server.stop();
  }
}

/** One tick of one cell: each member may type or move its presence; the cell may see a create, a re-mark, a release, a member swapped. */
function act(cell: Cell, random: () => number, join: (persona: SoakMember['persona']) => Promise<SoakMember>, book: SoakBook): void {
  const due = (perSecond: number) => random() < (perSecond * TICK_MS) / 1000;
  const active = cell.members.filter((member) => member.active);
  const anyone = () => active[Math.floor(random() * active.length)];
  const usa = active.filter((member) => member.persona.nation === 'USA');
  const anyUsa = () => usa[Math.floor(random() * usa.length)];
  for (const member of active) {
    if (due(RATES.type)) member.type(random);
    if (due(RATES.presence)) member.presence(random);
  }
  if (due(RATES.create)) anyone()?.create(random);
  if (due(RATES.narrow)) anyUsa()?.narrow(random);
  if (due(RATES.release)) anyUsa()?.requestRelease(random);
  if (due(RATES.churn)) {
    const leaving = active.filter((member) => member.persona.persona !== FDO.persona);
    const member = leaving[Math.floor(random() * leaving.length)];
    if (!member) return;
    cell.members.splice(cell.members.indexOf(member), 1);
    book.count('swap');
    book.track(member.leave());
    const level = LEVELS[Math.floor(random() * LEVELS.length)]!;
    book.track(join({ ...level, level: levelIndex(level.persona) }).then((joined) => cell.members.push(joined)));
  }
}

async function sample(server: ServerProcess, seconds: number, book: SoakBook): Promise<SoakSample> {
  const { rssMb } = await server.sampleAfterGc();
  const metrics = await server.metrics();
  const read = (name: string) => metrics.get(name) ?? Number.NaN;
  return {
    seconds,
    rssMb,
    heapMb: read('tearline_process_nodejs_heap_size_used_bytes') / 2 ** 20,
    liveDocs: read('tearline_live_docs'),
    connections: read('tearline_connections'),
    handles: read('tearline_process_nodejs_active_handles_total'),
    lagP99Ms: read('tearline_process_nodejs_eventloop_lag_p99_seconds') * 1000,
    lagMaxMs: read('tearline_process_nodejs_eventloop_lag_max_seconds') * 1000,
    acked: [...book.acked.values()].reduce((sum, tokens) => sum + tokens.length, 0),
  };
}

/** Waits until the node holds no doc (the server child reads the same TEARLINE_DOC_IDLE_MS), or twice that at most, then samples it. */
async function afterIdle(server: ServerProcess, startedAt: number, book: SoakBook): Promise<SoakSample> {
  const until = performance.now() + 2 * configFromEnv().docIdleMs + 2000;
  while ((await server.metrics()).get('tearline_live_docs') !== 0 && performance.now() < until) await sleep(1000);
  return sample(server, (performance.now() - startedAt) / 1000, book);
}

/** A fresh USA TOP SECRET reader (it may see every object of the soak) syncs each cell; every acknowledged marker must be in its object. */
async function readAll(tokens: DevTokens, cells: readonly Cell[], book: SoakBook): Promise<SoakResult['readBack']> {
  const found = new Map<string, Set<string>>();
  let textBytes = 0;
  for (const cell of cells) {
    const socket = await connectFull(tokens.url, await tokens.of(LEVELS[0]!.persona));
    try {
      const { objects } = await call(socket, 'workspace:join', { workspaceId: cell.id });
      for (let start = 0; start < objects.length; start += SYNC_MAX_DOCS) {
        const docs = objects.slice(start, start + SYNC_MAX_DOCS).map(({ id }) => ({ id }));
        const answer = await call(socket, 'doc:sync', { workspaceId: cell.id, docs });
        for (const state of answer.docs) {
          const doc = new Y.Doc();
          Y.applyUpdate(doc, bytesOf(state.update));
          const text = Buffer.from(bodyOf(doc).toString());
          textBytes += text.length;
          const markers = new Set<string>();
          scanMarkers(text, (writer, seq) => markers.add(markerText(writer, seq)));
          found.set(state.id, markers);
          doc.destroy();
        }
      }
    } finally {
      socket.disconnect();
    }
  }
  let acked = 0;
  const lost: string[] = [];
  for (const [objectId, markers] of book.acked) {
    const present = found.get(objectId);
    for (const marker of markers) {
      acked++;
      if (!present?.has(marker)) lost.push(`${marker} in ${objectId}`);
    }
  }
  return { objects: found.size, textKb: textBytes / 1024, acked, lost: lost.length, lostExamples: lost.slice(0, 10) };
}

/** Least-squares slope of (seconds, MB) points, in MB per minute; 0 for fewer than two points. */
export function slopePerMinute(points: readonly (readonly [number, number])[]): number {
  if (points.length < 2) return 0;
  const meanX = points.reduce((sum, [x]) => sum + x, 0) / points.length;
  const meanY = points.reduce((sum, [, y]) => sum + y, 0) / points.length;
  let covariance = 0;
  let variance = 0;
  for (const [x, y] of points) {
    covariance += (x - meanX) * (y - meanY);
    variance += (x - meanX) ** 2;
  }
  return variance === 0 ? 0 : (covariance / variance) * 60;
}

/** mulberry32: seeded, so two soaks draw the same dice (what they fall on still depends on timing). */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

const SAMPLE_ROWS = 12;

export function soakMarkdown(r: SoakResult): string {
  const every = Math.max(1, Math.ceil(r.samples.length / SAMPLE_ROWS));
  const shown = r.samples.filter((_, i) => i % every === every - 1 || i === r.samples.length - 1);
  const after = r.samples.filter((s) => s.seconds >= r.warmupSeconds);
  const first = after[0];
  const last = after.at(-1);
  const count = (what: string) => r.done[what] ?? 0;
  const lines = [
    `### Soak: ${r.plan.minutes} min, ${r.plan.cells} cells × ${r.plan.members + 1} members (one an FDO), seed ${r.plan.seed}`,
    '',
    `Load average ${r.loadAverage.start.toFixed(1)} → ${r.loadAverage.end.toFixed(1)} on ${os.cpus().length} cores. RSS after a forced GC; heap used after it; lag from the metrics listener, per sampling window.`,
    '',
    table(
      ['min', 'RSS MB', 'heap MB', 'live docs', 'connections', 'handles', 'lag p99 ms', 'lag max ms', 'edits acked'],
      shown.map((s) => [fixed(s.seconds / 60, 1), fixed(s.rssMb, 1), fixed(s.heapMb, 1), `${s.liveDocs}`, `${s.connections}`, `${s.handles}`, fixed(s.lagP99Ms, 1), fixed(s.lagMaxMs, 1), `${s.acked}`]),
    ),
    '',
    first && last
      ? `Memory after warm-up (${fixed(r.warmupSeconds, 0)} s): RSS ${fixed(first.rssMb, 1)} → ${fixed(last.rssMb, 1)} MB (${signed(r.rssSlope)} MB/min), ` +
        `heap ${fixed(first.heapMb, 1)} → ${fixed(last.heapMb, 1)} MB (${signed(r.heapSlope)} MB/min); the cells' text grew to ${fixed(r.readBack.textKb, 0)} KB in ${r.readBack.objects} objects.`
      : 'Memory: no sample after warm-up (run longer, or sample more often).',
    `Activity: ${count('doc:update')} edits acknowledged, ${count('object:create')} objects created, ${count('object:remark')} narrowed, ` +
      `${count('release:request')} releases asked and ${count('release:decide')} approved, ${count('awareness:update')} presence updates, ` +
      `${count('swap')} members left and another joined.`,
    `Refused as the load expects: ${Object.entries(r.refused).map(([what, n]) => `${what} ×${n}`).join(', ') || 'none'}.`,
    `Read back: ${r.readBack.acked} acknowledged edits in ${r.readBack.objects} objects; **lost ${r.readBack.lost}**.`,
  ];
  const q = r.quiet;
  lines.push(
    `After the load, everyone gone, at ${fixed(q.seconds / 60, 1)} min: ${q.liveDocs} live docs, ${q.connections} connections, ${q.handles} handles, ` +
      `RSS ${fixed(q.rssMb, 1)} MB, heap ${fixed(q.heapMb, 1)} MB${first ? ` (${signed(q.heapMb - first.heapMb)} MB since warm-up)` : ''}.`,
  );
  for (const example of r.readBack.lostExamples) lines.push(`- lost: ${example}`);
  lines.push(r.errors.length === 0 ? 'Unexpected answers: none.' : `Unexpected answers: ${r.errors.length}`);
  for (const error of r.errors.slice(0, 10)) lines.push(`- ${error}`);
  return lines.join('\n');
}

function signed(value: number): string {
  return `${value >= 0 ? '+' : ''}${value.toFixed(2)}`;
}

function describe(s: SoakSample): string {
  return `  ${fixed(s.seconds, 0)} s: RSS ${fixed(s.rssMb, 0)} MB, heap ${fixed(s.heapMb, 1)} MB, ${s.liveDocs} live docs, ${s.connections} connections, lag p99 ${fixed(s.lagP99Ms, 1)} ms, ${s.acked} edits acked`;
}

function progress(line: string): void {
  process.stderr.write(`${line}\n`);
}
