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
// With `--profile <prefix>`, Chromium's CPU profiler records each phase of each cell into
// `<prefix>.<objects>.<phase>.cpuprofile` (phases: load, open-<tab>, typing-<tab>), for
// `npm run bench -- profile <file>` (self time per function: valid on a loaded machine, where the
// wall times are not; build the client with `vite build --minify false` to keep the names).
// `npm run bench -- client [--objects 5000,20000] [--writers 5] [--rate 2] [--seconds 20] [--quick] [--profile <prefix>] [--out <file>]`
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Page } from 'playwright-core';
import type { Socket } from 'socket.io-client';
import * as Y from 'yjs';
import { bodyOf } from '../shared/content';
import { bytesOf, type DocState } from '../shared/protocol';
import { encodeCursor } from '../client/src/text/cursor';
import { benchArgs, latency, launchBrowser, newPage, pageProfiler, progress, seededCell, signIn, writeResults, type Latency } from './browser';
import { MIXED_MARKINGS } from './levels';
import { seedObjects } from './seed';
import { call, connectFull } from './targets/tearline';

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
  profile: string | undefined;
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
  const { values, quick, out } = benchArgs(args, ['objects', 'writers', 'rate', 'seconds', 'profile'], 'bench/results/client.json');
  return {
    objects: (values.objects ?? (quick ? '500' : '5000,20000')).split(',').map(Number),
    writers: Number(values.writers ?? 5),
    editsPerSecond: Number(values.rate ?? 2),
    seconds: Number(values.seconds ?? (quick ? 5 : 20)),
    out,
    quick,
    profile: values.profile,
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
  const { server, tokens, workspaceId } = await seededCell(seedObjects(objects));
  const sockets: Socket[] = [];
  try {
    const tab = await page();
    await signIn(tab, server.url, READER);
    const profiled = await pageProfiler(tab, plan.profile && `${plan.profile}.${objects}`);
    const loadMs = await profiled('load', () => timeUntil(tab, { hash: `#/w/${workspaceId}` }, ['.sync-live', PANEL_OF.reports]));
    const heapMb = await tab.evaluate(() => ((performance as unknown as { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ?? 0) / 2 ** 20);
    progress(`  loaded in ${loadMs.toFixed(0)} ms`);

    const writerSockets = await Promise.all(Array.from({ length: plan.writers }, async () => connectFull(server.url, await tokens.of(WRITER))));
    sockets.push(...writerSockets);
    const joined = await Promise.all(writerSockets.map((socket) => call(socket, 'workspace:join', { workspaceId: workspaceId })));
    const writable = new Set(joined[0]!.objects.filter((object) => WRITER_SEES.has(object.marking)).map((object) => object.id));

    const tabs: TabResult[] = [];
    for (const name of TABS) {
      const openMs = await profiled(`open-${name}`, () => timeUntil(tab, { click: `tab-${name}` }, [PANEL_OF[name]]));
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
      const writers = await Promise.all(writerSockets.map((socket, i) => StampWriter.connect(socket, workspaceId, i, targets[i % targets.length]!)));
      await profiled(`typing-${name}`, async () => {
        writers.forEach((writer) => writer.start(name, plan.editsPerSecond));
        const until = Date.now() + plan.seconds * 1000;
        while (Date.now() < until) {
          await tab.keyboard.press('x');
          await sleep(KEY_INTERVAL_MS);
        }
        writers.forEach((writer) => writer.stop());
        await sleep(SETTLE_MS);
      });
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
  const browser = await launchBrowser();
  const loadAtStart = os.loadavg()[0]!;
  const results: ClientResult[] = [];
  try {
    for (const objects of plan.objects) {
      progress(`client: ${objects} objects, ${plan.writers} writers at ${plan.editsPerSecond} edits/s, cursors shared`);
      results.push(await runCell(objects, plan, () => newPage(browser, instrument)));
    }
  } finally {
    await browser.close();
  }
  writeResults(plan, loadAtStart, results, clientTable(results));
  return 0;
}
