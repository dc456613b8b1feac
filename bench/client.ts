// The web client at scale (issue 18): headless Chromium (playwright-core, /usr/bin/chromium) on
// the built client against a real Tearline server, signed in as the USA analyst who sees the
// whole cell, while five writers (socket.io clients in this process) edit items on screen and
// share their cursors. For each cell size it measures:
//   - load: from opening the workspace's address to the picture live and drawn (next frame);
//   - opening each tab: from the click to the panel drawn (next frame);
//   - keystroke to paint, in the Timeline and the RFI board: from the keydown to the next
//     animation frame after the edit reached the DOM, typing into the first item (opened);
//   - remote edit to screen: each writer stamps its edit with the send time (Date.now(), same
//     clock as the page's); the page sees the stamp in the DOM (MutationObserver) and takes the
//     time at the next animation frame. Every sent stamp is accounted for: seen or not.
// `npm run bench -- client [--objects 5000,20000] [--writers 5] [--rate 2] [--seconds 20] [--quick] [--out <file>]`
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { chromium, type Page } from 'playwright-core';
import type { Socket } from 'socket.io-client';
import * as Y from 'yjs';
import { bodyOf } from '../shared/content';
import { bytesOf, type DocState } from '../shared/protocol';
import { encodeCursor } from '../client/src/text/cursor';
import { LatencyHistogram } from './histogram';
import { MIXED_MARKINGS } from './levels';
import { seedObjects } from './seed';
import { ServerProcess } from './servers/spawn';
import { call, connectFull, devTokens, TearlineSession } from './targets/tearline';

const CHROMIUM = '/usr/bin/chromium';
/** The page: the top-level persona, who sees every object of the mixed-marking cell. */
const READER = 'usa-analyst';
/** The writers: a SECRET persona, who sees every marking of the cell but TOP SECRET//NOFORN. */
const WRITER = 'usa-secret';
const WRITER_SEES = new Set(MIXED_MARKINGS.filter((entry) => entry.levels.includes(1)).map((entry) => entry.marking));
const CURSOR_INTERVAL_MS = 200;
const KEY_INTERVAL_MS = 100;
const SETTLE_MS = 1500;
const OPEN_TIMEOUT_MS = 120_000;

type EditedTab = 'timeline' | 'rfis';
const TABS = ['reports', 'timeline', 'rfis', 'releases'] as const;
/** What shows a tab is drawn. */
const PANEL_OF: Record<(typeof TABS)[number], string> = {
  reports: '.reports-panel',
  timeline: '.timeline-panel',
  rfis: '.rfi-panel',
  releases: '#panel-releases > *',
};
/** The items of an edited tab on the page: the attribute naming each, their light faces (opened by a click) and their bodies once opened. */
const EDITED: Record<EditedTab, { attribute: string; preview: string; body: string }> = {
  timeline: { attribute: 'data-event-id', preview: '.timeline .item-preview', body: '.timeline .event textarea' },
  rfis: { attribute: 'data-rfi-id', preview: '.rfi-column .item-preview', body: '.rfi-column .rfi-card textarea' },
};

interface Plan {
  objects: number[];
  writers: number;
  editsPerSecond: number;
  seconds: number;
  out: string;
  quick: boolean;
}

interface Latency {
  count: number;
  p50: number;
  p95: number;
  max: number;
}

interface TabResult {
  tab: string;
  openMs: number;
  keystroke?: Latency;
  remote?: Latency & { sent: number };
}

export interface ClientResult {
  objects: number;
  loadMs: number;
  heapMb: number;
  tabs: TabResult[];
}

function parse(args: string[]): Plan {
  const { values } = parseArgs({
    args,
    options: {
      objects: { type: 'string' },
      writers: { type: 'string' },
      rate: { type: 'string' },
      seconds: { type: 'string' },
      out: { type: 'string' },
      quick: { type: 'boolean' },
    },
  });
  const quick = values.quick ?? false;
  return {
    objects: (values.objects ?? (quick ? '500' : '5000,20000')).split(',').map(Number),
    writers: Number(values.writers ?? 5),
    editsPerSecond: Number(values.rate ?? 2),
    seconds: Number(values.seconds ?? (quick ? 5 : 20)),
    out: values.out ?? 'bench/results/client.json',
    quick,
  };
}

/** Counters the page keeps: keystroke-to-frame times and the writers' stamps it has drawn. */
function instrument(): void {
  const bench = { keys: [] as number[], remote: [] as number[], seen: new Set<string>() };
  (window as unknown as { __bench: typeof bench }).__bench = bench;
  document.addEventListener(
    'keydown',
    (event) => {
      const start = event.timeStamp;
      requestAnimationFrame(() => bench.keys.push(performance.now() - start));
    },
    true,
  );
  const stamp = /\[w\d+#\d+@(\d+)\]/g;
  new MutationObserver((mutations) => {
    const found: { key: string; sentAt: number }[] = [];
    for (const mutation of mutations) {
      const node = mutation.target;
      const element = node instanceof Element ? node : node.parentElement;
      if (!element?.closest('[data-event-id], [data-rfi-id]')) continue;
      for (const match of (node.textContent ?? '').matchAll(stamp)) {
        if (!bench.seen.has(match[0])) {
          bench.seen.add(match[0]);
          found.push({ key: match[0], sentAt: Number(match[1]) });
        }
      }
    }
    if (found.length > 0) requestAnimationFrame(() => found.forEach(({ sentAt }) => bench.remote.push(Date.now() - sentAt)));
  }).observe(document, { subtree: true, childList: true, characterData: true });
}

/** What the page is asked to do: go to an address (hash) or click an element (by id). */
type Act = { hash: string } | { click: string };

/** Does `act` in the page and answers the ms until every selector matches, at the next frame. */
function timeUntil(page: Page, act: Act, selectors: string[]): Promise<number> {
  return page.evaluate(
    ({ act, selectors, timeout }) =>
      new Promise<number>((resolve, reject) => {
        const start = performance.now();
        if ('hash' in act) location.hash = act.hash;
        else document.getElementById(act.click)!.click();
        const check = () => {
          if (selectors.every((selector) => document.querySelector(selector))) requestAnimationFrame(() => resolve(performance.now() - start));
          else if (performance.now() - start > timeout) reject(new Error(`${selectors.join(', ')} did not appear`));
          else requestAnimationFrame(check);
        };
        check();
      }),
    { act, selectors, timeout: OPEN_TIMEOUT_MS },
  );
}

/** A writer: edits one object's body with a time stamp at a steady rate and shares its cursor. */
class StampWriter {
  private seq = 0;
  private stamp = '';
  sent = 0;
  private timers: NodeJS.Timeout[] = [];

  private constructor(
    private readonly socket: Socket,
    private readonly workspaceId: string,
    private readonly index: number,
    private readonly state: DocState,
    private readonly doc: Y.Doc,
  ) {
    doc.on('update', (update: Uint8Array) => {
      void call(socket, 'doc:update', { workspaceId, id: state.id, epoch: state.epoch, update }).catch((error: Error) => console.error(error.message));
    });
  }

  static async connect(socket: Socket, workspaceId: string, index: number, id: string): Promise<StampWriter> {
    const { docs } = await call(socket, 'doc:sync', { workspaceId, docs: [{ id }] });
    const state = docs[0]!;
    const doc = new Y.Doc({ guid: id });
    Y.applyUpdate(doc, bytesOf(state.update as string));
    return new StampWriter(socket, workspaceId, index, state, doc);
  }

  start(view: EditedTab, editsPerSecond: number): void {
    this.timers.push(setInterval(() => this.edit(), 1000 / editsPerSecond));
    this.timers.push(setInterval(() => this.shareCursor(view), CURSOR_INTERVAL_MS));
  }

  stop(): void {
    this.timers.forEach(clearInterval);
    this.timers = [];
  }

  private edit(): void {
    const text = bodyOf(this.doc);
    const next = `[w${this.index}#${++this.seq}@${Date.now()}] `;
    this.doc.transact(() => {
      if (this.stamp) text.delete(0, this.stamp.length);
      text.insert(0, next);
    });
    this.stamp = next;
    this.sent++;
  }

  private shareCursor(view: EditedTab): void {
    const at = this.stamp.length;
    const cursor = encodeCursor(bodyOf(this.doc), this.state.epoch, at, at);
    void call(this.socket, 'awareness:update', { workspaceId: this.workspaceId, state: { view, objectId: this.state.id, cursor } }).catch(() => undefined);
  }
}

async function runCell(objects: number, plan: Plan, page: () => Promise<Page>): Promise<ClientResult> {
  const server = await ServerProcess.start('tearline');
  const sockets: Socket[] = [];
  try {
    const tokens = devTokens(server);
    const cell = await TearlineSession.open(server.url, tokens);
    progress(`  seeding ${objects} objects`);
    await cell.seed(seedObjects(objects));
    cell.close();

    const tab = await page();
    await tab.goto(server.url);
    await tab.locator(`[data-persona="${READER}"]`).click();
    await tab.getByRole('heading', { name: 'Workspaces' }).waitFor();
    const loadMs = await timeUntil(tab, { hash: `#/w/${cell.workspaceId}` }, ['.sync-live', PANEL_OF.reports]);
    const heapMb = await tab.evaluate(() => ((performance as unknown as { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ?? 0) / 2 ** 20);
    progress(`  loaded in ${loadMs.toFixed(0)} ms`);

    const writerSockets = await Promise.all(Array.from({ length: plan.writers }, async () => connectFull(server.url, await tokens.of(WRITER))));
    sockets.push(...writerSockets);
    const joined = await Promise.all(writerSockets.map((socket) => call(socket, 'workspace:join', { workspaceId: cell.workspaceId })));
    const writable = new Set(joined[0]!.objects.filter((object) => WRITER_SEES.has(object.marking)).map((object) => object.id));

    const tabs: TabResult[] = [];
    for (const name of TABS) {
      const openMs = await timeUntil(tab, { click: `tab-${name}` }, [PANEL_OF[name]]);
      const result: TabResult = { tab: name, openMs };
      tabs.push(result);
      if (name !== 'timeline' && name !== 'rfis') continue;
      const edited = EDITED[name];
      await tab.evaluate(() => {
        const bench = (window as unknown as { __bench: { keys: number[]; remote: number[] } }).__bench;
        bench.keys.length = 0;
        bench.remote.length = 0;
      });
      // A client from before light rows (for a before/after run) shows its editors at once.
      if ((await tab.locator(edited.preview).count()) > 0) await tab.locator(edited.preview).first().click();
      await tab.locator(edited.body).first().click();
      // The writers edit what the page shows (a stamp off the page cannot be seen arriving), past
      // the item the page types in; when the opened item fills the view, that item; more writers
      // than such items share them.
      const shown = await tab.evaluate((attribute) => Array.from(document.querySelectorAll(`[${attribute}]`), (element) => element.getAttribute(attribute)!), edited.attribute);
      const others = shown.filter((id) => writable.has(id)).slice(1);
      const targets = others.length > 0 ? others : shown.filter((id) => writable.has(id));
      if (targets.length === 0) throw new Error(`The ${name} tab shows no item the writers may edit.`);
      const writers = await Promise.all(writerSockets.map((socket, i) => StampWriter.connect(socket, cell.workspaceId, i, targets[i % targets.length]!)));
      writers.forEach((writer) => writer.start(name, plan.editsPerSecond));
      const until = Date.now() + plan.seconds * 1000;
      while (Date.now() < until) {
        await tab.keyboard.press('x');
        await sleep(KEY_INTERVAL_MS);
      }
      writers.forEach((writer) => writer.stop());
      await sleep(SETTLE_MS);
      const { keys, remote } = await tab.evaluate(() => (window as unknown as { __bench: { keys: number[]; remote: number[] } }).__bench);
      result.keystroke = latency(keys);
      result.remote = { ...latency(remote), sent: writers.reduce((sum, writer) => sum + writer.sent, 0) };
      progress(`  ${name}: open ${openMs.toFixed(0)} ms, keystroke p95 ${result.keystroke.p95.toFixed(0)} ms, remote p95 ${result.remote.p95.toFixed(0)} ms (${result.remote.count}/${result.remote.sent} seen)`);
    }
    await tab.context().close();
    return { objects, loadMs, heapMb, tabs };
  } finally {
    for (const socket of sockets) socket.disconnect();
    await server.stop();
  }
}

function latency(samples: number[]): Latency {
  const histogram = new LatencyHistogram();
  for (const sample of samples) histogram.record(sample);
  return { count: histogram.count, p50: histogram.percentile(50), p95: histogram.percentile(95), max: histogram.max };
}

export function clientTable(results: readonly ClientResult[]): string {
  const ms = (value: number | undefined) => (value === undefined || Number.isNaN(value) ? '–' : value.toFixed(0));
  const lines = ['### Web client (Chromium)', '', '| objects | load ms | heap MB | tab | open ms | keystroke p50 / p95 ms | remote edit p50 / p95 ms | remote seen / sent |', '| --- | --- | --- | --- | --- | --- | --- | --- |'];
  for (const result of results) {
    for (const tab of result.tabs) {
      const keys = tab.keystroke ? `${ms(tab.keystroke.p50)} / ${ms(tab.keystroke.p95)}` : '–';
      const remote = tab.remote ? `${ms(tab.remote.p50)} / ${ms(tab.remote.p95)}` : '–';
      const seen = tab.remote ? `${tab.remote.count} / ${tab.remote.sent}` : '–';
      lines.push(`| ${result.objects} | ${ms(result.loadMs)} | ${result.heapMb.toFixed(1)} | ${tab.tab} | ${ms(tab.openMs)} | ${keys} | ${remote} | ${seen} |`);
    }
  }
  return lines.join('\n');
}

export async function run(args: string[]): Promise<number> {
  const plan = parse(args);
  progress('building the web client');
  execFileSync(process.execPath, ['scripts/ensure-client.mjs'], { stdio: 'inherit' });
  const loadAtStart = os.loadavg()[0]!;
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'] });
  const results: ClientResult[] = [];
  try {
    for (const objects of plan.objects) {
      progress(`client: ${objects} objects, ${plan.writers} writers at ${plan.editsPerSecond} edits/s, cursors shared`);
      results.push(
        await runCell(objects, plan, async () => {
          const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
          // tsx names functions with a helper (`__name`) the page lacks: functions sent to the page need it.
          await context.addInitScript({ content: 'globalThis.__name = (target) => target;' });
          await context.addInitScript(instrument);
          const page = await context.newPage();
          page.on('pageerror', (error) => progress(`  page error: ${error.message}`));
          return page;
        }),
      );
    }
  } finally {
    await browser.close();
  }
  const summary = { mode: plan.quick ? 'quick' : 'full', machine: { loadAverage: { start: loadAtStart, end: os.loadavg()[0]! }, cores: os.cpus().length }, plan, results };
  console.log(clientTable(results));
  mkdirSync(dirname(plan.out), { recursive: true });
  writeFileSync(plan.out, `${JSON.stringify(summary, null, 2)}\n`);
  progress(`results written to ${plan.out}`);
  return 0;
}

function progress(line: string): void {
  process.stderr.write(`${line}\n`);
}
