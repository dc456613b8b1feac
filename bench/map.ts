// The map at many features (issue 16): headless Chromium on the built client against a real
// Tearline server, signed in as the USA analyst who sees the whole cell. The cell holds N features
// over the East China Sea (points, one in ten at Naha harbour, a third of them with a 2525 symbol;
// some lines and areas; the six mixed markings). It measures:
//   - first render: from opening the workspace's address to the end of the first OpenLayers
//     render (`rendercomplete`) a frame after the feature list shows all N;
//   - each zoom step: centred on the harbour, the toolbar's "Zoom in" from world zoom (2) to
//     harbour zoom (12) and "Zoom out" back, from the click to the end of the next `rendercomplete`.
//     The map's engine re-dispatches OpenLayers' `rendercomplete` on its element as a DOM event.
// Each sweep in and out is one round; a full run first does one sweep unmeasured (lazy basemap
// detail, symbol and label caches), then `--rounds`, and gives p50/p95/max per step.
// With `--profile <prefix>`, Chromium's CPU profiler records the first render and the measured
// sweeps into `<prefix>.first-render.cpuprofile` and `<prefix>.sweeps.cpuprofile`, for
// `npm run bench -- profile <file>` (self time per function; meaningful on a loaded machine, where
// wall times are not).
// `npm run bench -- map [--features 5000] [--rounds 5] [--quick] [--profile <prefix>] [--out <file>]`
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CDPSession, Page } from 'playwright-core';
import { normaliseForWrite, type FeatureGeometry } from '../shared/geo/geometry';
import { sidcOf, SYMBOL_TYPES, type Affiliation } from '../shared/geo/symbols';
import { benchArgs, latency, launchBrowser, newPage, progress, seededCell, signIn, writeResults, type Latency } from './browser';
import { MIXED_MARKINGS } from './levels';
import type { SeedObject } from './targets/target';

const READER = 'usa-analyst';
/** The harbour the sweeps centre on; one feature carries this name so the list can bring it into view. */
const HARBOUR = { name: 'Naha harbour', at: [127.67, 26.21] as const };
/** The region the other features spread over: the East China Sea, [west, south, east, north]. */
const REGION = [121, 24, 131, 33] as const;
const WORLD_ZOOM = 2;
const HARBOUR_ZOOM = 12;
/** The zoom the map opens a point at from the feature list (MapEngine.showFeature). */
const SHOW_FEATURE_ZOOM = 9;
/** Between steps, as a user clicking: the map is idle when the next click comes. */
const STEP_PAUSE_MS = 200;
const TIMEOUT_MS = 120_000;
const AFFILIATIONS: Affiliation[] = ['F', 'H', 'N', 'U'];

interface Plan {
  features: number;
  rounds: number;
  warmUp: boolean;
  out: string;
  quick: boolean;
  profile: string | undefined;
}

interface StepResult extends Latency {
  step: string;
}

export interface MapResult {
  features: number;
  firstRenderMs: number;
  steps: StepResult[];
}

function parse(args: string[]): Plan {
  const { values, quick, out } = benchArgs(args, ['features', 'rounds', 'profile'], 'bench/results/map.json');
  return { features: Number(values.features ?? (quick ? 1000 : 5000)), rounds: Number(values.rounds ?? (quick ? 1 : 5)), warmUp: !quick, out, quick, profile: values.profile };
}

/** A deterministic pseudo-random sequence in [0, 1) (mulberry32), so every run seeds the same cell. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** The cell: one feature in twenty a line, one an area, the rest points; 1 in 10 points at the harbour, 1 in 3 with a symbol. */
export function mapSeed(count: number): SeedObject[] {
  const next = random(16);
  const inRegion = (): [number, number] => [REGION[0] + next() * (REGION[2] - REGION[0]), REGION[1] + next() * (REGION[3] - REGION[1])];
  return Array.from({ length: count }, (_, index) => {
    const marking = MIXED_MARKINGS[index % MIXED_MARKINGS.length]!.marking;
    const [lon, lat] = inRegion();
    let geometry: FeatureGeometry;
    let name: string;
    const fields: Record<string, unknown> = {};
    if (index % 20 === 1) {
      geometry = { type: 'LineString', coordinates: [[lon, lat], [lon + 0.4, lat + 0.2], [lon + 0.7, lat - 0.1]] };
      name = `Route ${index}`;
    } else if (index % 20 === 2) {
      const d = 0.3;
      geometry = { type: 'Polygon', coordinates: [[[lon, lat], [lon + d, lat], [lon + d, lat + d], [lon, lat + d], [lon, lat]]] };
      name = `Area ${index}`;
    } else {
      const atHarbour = index % 10 === 0;
      const position: [number, number] = atHarbour ? [HARBOUR.at[0] + (next() - 0.5) * 0.1, HARBOUR.at[1] + (next() - 0.5) * 0.1] : [lon, lat];
      geometry = { type: 'Point', coordinates: index === 0 ? [...HARBOUR.at] : position };
      name = index === 0 ? HARBOUR.name : `Contact ${index}`;
      if (index % 3 === 0) fields.sidc = sidcOf(AFFILIATIONS[index % AFFILIATIONS.length]!, SYMBOL_TYPES[index % SYMBOL_TYPES.length]!);
    }
    // Stored as the client stores it (rounded, rings wound right); the seed has no bad geometry to refuse.
    const checked = normaliseForWrite(geometry);
    if (!checked.ok) throw new Error(`seed feature ${index}: ${checked.reason}`);
    return { kind: 'feature', marking, fields: { ...fields, name, geometry: checked.geometry }, body: '' };
  });
}

/** Opens the workspace; answers the ms until the end of the first render a frame after the list shows `count` features. */
function timeFirstRender(page: Page, workspaceId: string, count: number): Promise<number> {
  return page.evaluate(
    ({ hash, heading, timeout }) =>
      new Promise<number>((resolve, reject) => {
        const start = performance.now();
        let frame = 0;
        let listedAt: number | null = null;
        const onFrame = () => {
          frame++;
          if (listedAt === null && document.getElementById('feature-list-title')?.textContent === heading) listedAt = frame;
          if (performance.now() - start > timeout) finish(() => reject(new Error(`the map did not show "${heading}" drawn in time`)));
          else requestAnimationFrame(onFrame);
        };
        // The engine's element dispatches it without bubbling; a capturing listener on the document sees it.
        const onRender = () => {
          if (listedAt !== null && frame > listedAt) finish(() => resolve(performance.now() - start));
        };
        const finish = (settle: () => void) => {
          document.removeEventListener('rendercomplete', onRender, true);
          settle();
        };
        document.addEventListener('rendercomplete', onRender, true);
        location.hash = hash;
        requestAnimationFrame(onFrame);
      }),
    { hash: `#/w/${workspaceId}`, heading: `Features (${count})`, timeout: TIMEOUT_MS },
  );
}

/** Clicks the toolbar's zoom button; answers the ms until the end of the next `rendercomplete`. */
function timeZoomStep(page: Page, direction: 'in' | 'out'): Promise<number> {
  return page.evaluate(
    ({ label, timeout }) =>
      new Promise<number>((resolve, reject) => {
        const button = document.querySelector<HTMLButtonElement>(`.map-toolbar button[aria-label="${label}"]`);
        if (!button) return reject(new Error(`no "${label}" button`));
        const timer = setTimeout(() => reject(new Error('no rendercomplete after a zoom step')), timeout);
        const start = performance.now();
        document.addEventListener(
          'rendercomplete',
          () => {
            clearTimeout(timer);
            resolve(performance.now() - start);
          },
          { capture: true, once: true },
        );
        button.click();
      }),
    { label: direction === 'in' ? 'Zoom in' : 'Zoom out', timeout: TIMEOUT_MS },
  );
}

/** The steps of one sweep: world to harbour and back. */
const SWEEP = [
  ...Array.from({ length: HARBOUR_ZOOM - WORLD_ZOOM }, (_, i) => ({ direction: 'in' as const, step: `${WORLD_ZOOM + i} → ${WORLD_ZOOM + i + 1}` })),
  ...Array.from({ length: HARBOUR_ZOOM - WORLD_ZOOM }, (_, i) => ({ direction: 'out' as const, step: `${HARBOUR_ZOOM - i} → ${HARBOUR_ZOOM - i - 1}` })),
];

async function sweep(page: Page): Promise<number[]> {
  const times: number[] = [];
  for (const { direction } of SWEEP) {
    times.push(await timeZoomStep(page, direction));
    await sleep(STEP_PAUSE_MS);
  }
  return times;
}

/** Runs `work` under Chromium's CPU profiler when the plan asks for profiles, writing `<prefix>.<name>.cpuprofile`. */
async function profiled<T>(plan: Plan, cdp: CDPSession | null, name: string, work: () => Promise<T>): Promise<T> {
  if (!cdp || !plan.profile) return work();
  await cdp.send('Profiler.start');
  const result = await work();
  const { profile } = await cdp.send('Profiler.stop');
  const file = `${plan.profile}.${name}.cpuprofile`;
  writeFileSync(file, JSON.stringify(profile));
  progress(`  CPU profile written to ${file}`);
  return result;
}

/**
 * The harbour's entry in the feature list. The list mounts only the entries in or near its view
 * (600 px either side), and the seeded features are listed in creation order, where the harbour
 * need not be first: the list's box is scrolled a view and 1,000 px at a time (less than the
 * mounted band, so no entry is skipped) until the entry is mounted.
 */
async function harbourEntry(page: Page) {
  const entry = page.locator('.feature-list button', { hasText: HARBOUR.name });
  while ((await entry.count()) === 0) {
    const moved = await page.evaluate(async () => {
      const box = document.querySelector<HTMLElement>('.feature-rows')!;
      const before = box.scrollTop;
      box.scrollTop += box.clientHeight + 1000;
      await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
      return box.scrollTop > before;
    });
    if (!moved) throw new Error(`"${HARBOUR.name}" is not in the feature list`);
  }
  return entry;
}

async function runCell(plan: Plan, page: Page): Promise<MapResult> {
  const { server, workspaceId } = await seededCell(mapSeed(plan.features));
  try {
    await signIn(page, server.url, READER);
    const cdp = plan.profile ? await page.context().newCDPSession(page) : null;
    if (cdp) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
    }
    const firstRenderMs = await profiled(plan, cdp, 'first-render', () => timeFirstRender(page, workspaceId, plan.features));
    progress(`  first render with ${plan.features} features in ${firstRenderMs.toFixed(0)} ms`);
    // Centre on the harbour (the list opens a point at zoom 9), then out to world zoom around it.
    await (await harbourEntry(page)).click();
    await sleep(STEP_PAUSE_MS);
    for (let zoom = SHOW_FEATURE_ZOOM; zoom > WORLD_ZOOM; zoom--) await timeZoomStep(page, 'out');
    await sleep(STEP_PAUSE_MS);
    if (plan.warmUp) await sweep(page);
    const samples: number[][] = SWEEP.map(() => []);
    await profiled(plan, cdp, 'sweeps', async () => {
      for (let round = 1; round <= plan.rounds; round++) {
        (await sweep(page)).forEach((ms, i) => samples[i]!.push(ms));
        progress(`  round ${round} of ${plan.rounds}: slowest step ${Math.max(...samples.map((s) => s.at(-1)!)).toFixed(0)} ms`);
      }
    });
    return { features: plan.features, firstRenderMs, steps: SWEEP.map(({ step }, i) => ({ step, ...latency(samples[i]!) })) };
  } finally {
    await page.context().close();
    await server.stop();
  }
}

export function mapTable(result: MapResult): string {
  const ms = (value: number) => (Number.isNaN(value) ? '–' : value.toFixed(0));
  const lines = [
    `### The map at ${result.features} features (Chromium)`,
    '',
    `First render with every feature: ${ms(result.firstRenderMs)} ms.`,
    '',
    '| zoom step | samples | p50 ms | p95 ms | max ms |',
    '| --- | --- | --- | --- | --- |',
  ];
  for (const step of result.steps) lines.push(`| ${step.step} | ${step.count} | ${ms(step.p50)} | ${ms(step.p95)} | ${ms(step.max)} |`);
  return lines.join('\n');
}

export async function run(args: string[]): Promise<number> {
  const plan = parse(args);
  const browser = await launchBrowser();
  const loadAtStart = os.loadavg()[0]!;
  let result: MapResult;
  try {
    progress(`map: ${plan.features} features, ${plan.rounds} round(s) of ${SWEEP.length} zoom steps${plan.warmUp ? ' after one unmeasured' : ''}`);
    result = await runCell(plan, await newPage(browser));
  } finally {
    await browser.close();
  }
  writeResults(plan, loadAtStart, result, mapTable(result));
  return 0;
}
