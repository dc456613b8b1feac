// What the browser benchmarks share (bench/client.ts, bench/map.ts): the built client, headless
// Chromium (playwright-core, /usr/bin/chromium), a Tearline server with a seeded cell, a page
// signed in as a persona, and latency summaries.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium, type Browser, type CDPSession, type Page } from 'playwright-core';
import { LatencyHistogram } from './histogram';
import { ServerProcess } from './servers/spawn';
import type { SeedObject } from './targets/target';
import { devTokens, TearlineSession, type DevTokens } from './targets/tearline';

const CHROMIUM = '/usr/bin/chromium';

export interface Latency {
  count: number;
  p50: number;
  p95: number;
  max: number;
}

/** A browser benchmark's arguments: the string options `names`, `--quick`, and `--out` (default `out`). */
export function benchArgs<Name extends string>(args: string[], names: readonly Name[], out: string): { values: Partial<Record<Name, string>>; quick: boolean; out: string } {
  const options = Object.fromEntries([...names, 'out'].map((name) => [name, { type: 'string' as const }]));
  const { values } = parseArgs({ args, options: { ...options, quick: { type: 'boolean' } } }) as { values: Partial<Record<Name | 'out', string>> & { quick?: boolean } };
  return { values, quick: values.quick === true, out: values.out ?? out };
}

/** Builds the web client if it is missing or stale, then starts Chromium. */
export async function launchBrowser(): Promise<Browser> {
  progress('building the web client');
  execFileSync(process.execPath, ['scripts/ensure-client.mjs'], { stdio: 'inherit' });
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'] });
}

/** A fresh page in its own context, with `init` run in it before the client's scripts. */
export async function newPage(browser: Browser, init?: () => void): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  // tsx names functions with a helper (`__name`) the page lacks: functions sent to the page need it.
  await context.addInitScript({ content: 'globalThis.__name = (target) => target;' });
  if (init) await context.addInitScript(init);
  const page = await context.newPage();
  page.on('pageerror', (error) => progress(`  page error: ${error.message}`));
  return page;
}

/** Runs work under Chromium's CPU profiler, writing `<prefix>.<name>.cpuprofile` (for `npm run bench -- profile <file>`). */
export type Profiled = <T>(name: string, work: () => Promise<T>) => Promise<T>;

/**
 * Chromium's CPU profiler over CDP (200 µs sampling) for `page` when `prefix` is given, and a
 * trace of the same work (`<prefix>.<name>.trace.json`, the renderer's own tasks: style, layout,
 * paint, which the CPU profile lumps together as "(program)"); without a prefix, the work runs as
 * it is. Self times stay meaningful on a loaded machine, where wall times are not.
 */
export async function pageProfiler(page: Page, prefix: string | undefined): Promise<Profiled> {
  if (!prefix) return (_name, work) => work();
  const browser = page.context().browser()!;
  const cdp: CDPSession = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  return async (name, work) => {
    const file = `${prefix}.${name}`;
    mkdirSync(dirname(file), { recursive: true });
    await browser.startTracing(undefined, { path: `${file}.trace.json`, categories: ['devtools.timeline'] });
    await cdp.send('Profiler.start');
    const result = await work();
    const { profile } = await cdp.send('Profiler.stop');
    await browser.stopTracing();
    writeFileSync(`${file}.cpuprofile`, JSON.stringify(profile));
    progress(`  CPU profile and trace written to ${file}.cpuprofile, ${file}.trace.json`);
    return result;
  };
}

export interface SeededCell {
  server: ServerProcess;
  tokens: DevTokens;
  workspaceId: string;
}

/** A Tearline server with one benchmark cell holding `objects`; the caller stops the server. */
export async function seededCell(objects: readonly SeedObject[]): Promise<SeededCell> {
  const server = await ServerProcess.start('tearline');
  try {
    const tokens = devTokens(server);
    const cell = await TearlineSession.open(server, tokens);
    progress(`  seeding ${objects.length} objects`);
    await cell.seed(objects);
    cell.close();
    return { server, tokens, workspaceId: cell.workspaceId };
  } catch (error) {
    await server.stop();
    throw error;
  }
}

/** Opens the client at `url` and signs in as `persona` (dev identity), up to the workspace list. */
export async function signIn(page: Page, url: string, persona: string): Promise<void> {
  await page.goto(url);
  await page.locator(`[data-persona="${persona}"]`).click();
  await page.getByRole('heading', { name: 'Workspaces' }).waitFor();
}

export function latency(samples: readonly number[]): Latency {
  const histogram = new LatencyHistogram();
  for (const sample of samples) histogram.record(sample);
  return { count: histogram.count, p50: histogram.percentile(50), p95: histogram.percentile(95), max: histogram.max };
}

/** Prints the Markdown table and writes the run (mode, machine, plan, `results`) as JSON to `plan.out`. */
export function writeResults(plan: { quick: boolean; out: string }, loadAtStart: number, results: unknown, table: string): void {
  const summary = { mode: plan.quick ? 'quick' : 'full', machine: { loadAverage: { start: loadAtStart, end: os.loadavg()[0]! }, cores: os.cpus().length }, plan, results };
  console.log(table);
  mkdirSync(dirname(plan.out), { recursive: true });
  writeFileSync(plan.out, `${JSON.stringify(summary, null, 2)}\n`);
  progress(`results written to ${plan.out}`);
}

export function progress(line: string): void {
  process.stderr.write(`${line}\n`);
}
