// The web client at scale (issue 18): headless Chromium (playwright-core, /usr/bin/chromium) on
// the built client against a real Tearline server, signed in as the USA analyst who sees the
// whole cell, while five writers (socket.io clients in this process) edit items on screen and
// share their cursors. For each cell size it measures:
//   - load: from opening the workspace's address to the picture live and drawn (next frame);
//   - opening each tab: every tab of the side panel (read from the page's tab list) and every
//     page of the workspace bar (the sharing figures, the audit trail for those who have it, and
//     back to the picture), from the click to the panel or page drawn (next frame); back to the
//     picture, also the map drawn since (its `rendercomplete`);
//   - keystroke to paint, in the Timeline and the RFI board: from the keydown to the next
//     animation frame after the edit reached the DOM, typing into the first item (opened);
//   - remote edit to screen: each writer stamps its edit with the send time (Date.now(), same
//     clock as the page's); the page sees the stamp in the DOM (MutationObserver) and takes the
//     time at the next animation frame. The writers stamp items in the view other than the one
//     typed in (rows a growing editor does not push out of the mounted window). Every stamp sent
//     is accounted for: seen, or its item was off the page (unmounted) while it was in flight, or
//     the writer's next stamp replaced it before a frame drew it; any other is lost, and fails
//     the run.
// With `--profile <prefix>`, Chromium's CPU profiler records each phase of each cell into
// `<prefix>.<objects>.<phase>.cpuprofile` (phases: load, open-<tab>, typing-<tab>,
// open-page-<page>, open-picture-from-<page>), for
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
import { benchArgs, latency, launchBrowser, newPage, pageProfiler, progress, seededCell, signIn, writeResults, type Latency, type Profiled } from './browser';
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
const isEdited = (tab: string): tab is EditedTab => tab === 'timeline' || tab === 'rfis';
/** The side panel's tabs, as the page lists them. */
const TAB_LIST = '[role="tablist"][aria-label="Workspace panels"] [role="tab"]';
/** What shows a side panel's tab is drawn: its panel's content. */
const panelOf = (tab: string) => `#panel-${tab} > *`;
/** The workspace bar's pages, and what shows one other than the picture is drawn, and the picture. */
const PAGE_LINKS = 'nav[aria-label="Workspace pages"] a';
const PAGE_DRAWN = '.workspace > main:not(.workspace-main)';
/** The picture shown (it stays in the page, hidden, while another page shows) and its side panel drawn. */
const PICTURE_DRAWN = '.workspace-main:not([hidden]) .tab-panel > *';
/** The map's element reports each finished drawing (client/src/map/engine.ts): back on the picture, it must have drawn too. */
const MAP_DRAWN = 'rendercomplete';
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

/** Stamps sent and what became of them: seen, or why not (see the file's head). */
interface Remote extends Latency {
  sent: number;
  offPage: number;
  replaced: number;
  lost: number;
}

interface TabResult {
  /** A side panel's tab, or `page:<name>` for a page of the workspace bar. */
  tab: string;
  openMs: number;
  keystroke?: Latency;
  remote?: Remote;
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

/** Counters the page keeps: keystroke-to-frame times, the writers' stamps it has drawn, and when items were off the page. */
function instrument(): void {
  const bench = { keys: [] as number[], remote: [] as number[], seen: new Set<string>(), gone: {} as Record<string, [number, number][]> };
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
  const ITEM = '[data-event-id], [data-rfi-id]';
  const idOf = (element: Element) => element.getAttribute('data-event-id') ?? element.getAttribute('data-rfi-id')!;
  const itemsIn = (nodes: NodeList) =>
    Array.from(nodes)
      .filter((node): node is Element => node instanceof Element)
      .flatMap((element) => [...(element.matches(ITEM) ? [element] : []), ...element.querySelectorAll(ITEM)].map(idOf));
  new MutationObserver((mutations) => {
    const found: { key: string; sentAt: number }[] = [];
    // An item is off the page from when its row is removed to when one is added again (a row
    // replaced in one change, e.g. opened as an editor, never leaves).
    const now = Date.now();
    for (const mutation of mutations) {
      for (const id of itemsIn(mutation.removedNodes)) {
        if (document.querySelector(`[data-event-id="${id}"], [data-rfi-id="${id}"]`)) continue;
        const spans = (bench.gone[id] ??= []);
        if (spans.at(-1)?.[1] !== Infinity) spans.push([now, Infinity]);
      }
      for (const id of itemsIn(mutation.addedNodes)) {
        const open = bench.gone[id]?.at(-1);
        if (open?.[1] === Infinity) open[1] = now;
      }
    }
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

/**
 * Does `act` in the page and answers the ms until every selector matches (and, given `event`, an
 * element of the page has dispatched it since the act), at the next frame.
 */
function timeUntil(page: Page, act: Act, selectors: string[], event?: string): Promise<number> {
  return page.evaluate(
    ({ act, selectors, event, timeout }) =>
      new Promise<number>((resolve, reject) => {
        const start = performance.now();
        let seen = event === undefined;
        // Captured at the document: the event need not bubble, and the element may be new.
        if (event !== undefined) document.addEventListener(event, () => (seen = true), { capture: true, once: true });
        if ('hash' in act) location.hash = act.hash;
        else document.getElementById(act.click)!.click();
        const check = () => {
          if (seen && selectors.every((selector) => document.querySelector(selector))) requestAnimationFrame(() => resolve(performance.now() - start));
          else if (performance.now() - start > timeout) reject(new Error(`${selectors.join(', ')} did not appear`));
          else requestAnimationFrame(check);
        };
        check();
      }),
    { act, selectors, event, timeout: OPEN_TIMEOUT_MS },
  );
}

/** A writer: edits one object's body with a time stamp at a steady rate and shares its cursor. */
class StampWriter {
  private seq = 0;
  private stamp = '';
  /** Every stamp sent, in order. */
  readonly sent: { key: string; sentAt: number }[] = [];
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

  /** The object it stamps. */
  get target(): string {
    return this.state.id;
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
    const sentAt = Date.now();
    const next = `[w${this.index}#${++this.seq}@${sentAt}] `;
    this.doc.transact(() => {
      if (this.stamp) text.delete(0, this.stamp.length);
      text.insert(0, next);
    });
    this.stamp = next;
    this.sent.push({ key: next.trimEnd(), sentAt });
  }

  private shareCursor(view: EditedTab): void {
    const at = this.stamp.length;
    const cursor = encodeCursor(bodyOf(this.doc), this.state.epoch, at, at);
    void call(this.socket, 'awareness:update', { workspaceId: this.workspaceId, state: { view, objectId: this.state.id, cursor } }).catch(() => undefined);
  }
}

/** What became of the writers' stamps, in words. */
const stampsText = (remote: Remote) =>
  `${remote.count}/${remote.sent} seen${remote.offPage ? `, ${remote.offPage} off the page` : ''}${remote.replaced ? `, ${remote.replaced} replaced` : ''}${remote.lost ? `, ${remote.lost} LOST` : ''}`;

/**
 * Co-editing in an opened tab for `--seconds`: the page types into its first item (opened as an
 * editor) while the writers stamp items in the view above or below it and share their cursors.
 */
async function coEdit(
  tab: Page,
  name: EditedTab,
  plan: Plan,
  profiled: Profiled,
  sockets: readonly Socket[],
  workspaceId: string,
  writable: ReadonlySet<string>,
): Promise<{ keystroke: Latency; remote: Remote }> {
  const edited = EDITED[name];
  await tab.evaluate(() => {
    const bench = (window as unknown as { __bench: { keys: number[]; remote: number[] } }).__bench;
    bench.keys.length = 0;
    bench.remote.length = 0;
  });
  // A client from before light rows (for a before/after run) shows its editors at once.
  if ((await tab.locator(edited.preview).count()) > 0) await tab.locator(edited.preview).first().click();
  await tab.locator(edited.body).first().click();
  // The writers stamp items in the tab's view other than the one typed in: the mounted window
  // reaches 600 px past the view, more than the typing makes that item grow, so they stay
  // mounted (items at the window's edge did not: 180 of 200 stamps seen). When the opened item
  // fills the view, that item; more writers than such items share them.
  const typedIn = await tab.locator(edited.body).first().evaluate((body, attribute) => body.closest(`[${attribute}]`)!.getAttribute(attribute)!, edited.attribute);
  const inView = await tab.evaluate((attribute) => {
    const view = document.querySelector('.tab-panel')!.getBoundingClientRect();
    return Array.from(document.querySelectorAll(`[${attribute}]`))
      .filter((element) => {
        const { top, bottom } = element.getBoundingClientRect();
        return top < view.bottom && bottom > view.top;
      })
      .map((element) => element.getAttribute(attribute)!);
  }, edited.attribute);
  const others = inView.filter((id) => writable.has(id) && id !== typedIn);
  const targets = others.length > 0 ? others : inView.filter((id) => writable.has(id));
  if (targets.length === 0) throw new Error(`The ${name} tab shows no item the writers may edit.`);
  const writers = await Promise.all(sockets.map((socket, i) => StampWriter.connect(socket, workspaceId, i, targets[i % targets.length]!)));
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
  const { keys, remote, seen, gone } = await tab.evaluate(() => {
    const bench = (window as unknown as { __bench: { keys: number[]; remote: number[]; seen: Set<string>; gone: Record<string, [number, number][]> } }).__bench;
    return { keys: bench.keys, remote: bench.remote, seen: [...bench.seen], gone: bench.gone };
  });
  return { keystroke: latency(keys), remote: { ...latency(remote), ...accountFor(writers, new Set(seen), gone) } };
}

/**
 * Each stamp sent: seen; or its item was off the page at some time after it was sent (its row
 * unmounted: it could not be drawn); or the writer's next stamp, which replaces it, was seen
 * (both arrived before one frame drew either); or lost.
 */
function accountFor(writers: readonly StampWriter[], seen: ReadonlySet<string>, gone: Readonly<Record<string, [number, number][]>>): Omit<Remote, keyof Latency> {
  const count = { sent: 0, offPage: 0, replaced: 0, lost: 0 };
  for (const writer of writers) {
    writer.sent.forEach(({ key, sentAt }, index) => {
      count.sent++;
      if (seen.has(key)) return;
      const next = writer.sent[index + 1];
      if ((gone[writer.target] ?? []).some(([, back]) => back > sentAt)) count.offPage++;
      else if (next && seen.has(next.key)) count.replaced++;
      else count.lost++;
    });
  }
  return count;
}

/** Opens each page of the workspace bar other than the picture, and the picture again after each: the time until each is drawn. */
async function openPages(tab: Page, profiled: Profiled): Promise<TabResult[]> {
  const pages = await tab.locator(PAGE_LINKS).evaluateAll((links) => links.map((link) => ({ href: link.getAttribute('href')!, current: link.getAttribute('aria-current') === 'page' })));
  const picture = pages.find((page) => page.current)!.href;
  const results: TabResult[] = [];
  for (const { href } of pages.filter((page) => !page.current)) {
    const name = `page:${href.split('/').at(-1)}`;
    results.push({ tab: name, openMs: await profiled(`open-${name.replace(':', '-')}`, () => timeUntil(tab, { hash: href }, [PAGE_DRAWN])) });
    // The profile of the return runs on a while after it is drawn: a map built again may draw its features in a later frame.
    const back = async () => {
      const ms = await timeUntil(tab, { hash: picture }, [PICTURE_DRAWN], MAP_DRAWN);
      await sleep(SETTLE_MS);
      return ms;
    };
    results.push({ tab: 'page:picture', openMs: await profiled(`open-picture-from-${name.slice(5)}`, back) });
  }
  return results;
}

async function runCell(objects: number, plan: Plan, page: () => Promise<Page>): Promise<ClientResult> {
  const { server, tokens, workspaceId } = await seededCell(seedObjects(objects));
  const sockets: Socket[] = [];
  try {
    const tab = await page();
    await signIn(tab, server.url, READER);
    const profiled = await pageProfiler(tab, plan.profile && `${plan.profile}.${objects}`);
    const loadMs = await profiled('load', () => timeUntil(tab, { hash: `#/w/${workspaceId}` }, ['.sync-live', panelOf('reports')]));
    const heapMb = await tab.evaluate(() => ((performance as unknown as { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ?? 0) / 2 ** 20);
    progress(`  loaded in ${loadMs.toFixed(0)} ms`);

    const writerSockets = await Promise.all(Array.from({ length: plan.writers }, async () => connectFull(server.url, await tokens.of(WRITER))));
    sockets.push(...writerSockets);
    const joined = await Promise.all(writerSockets.map((socket) => call(socket, 'workspace:join', { workspaceId: workspaceId })));
    const writable = new Set(joined[0]!.objects.filter((object) => WRITER_SEES.has(object.marking)).map((object) => object.id));

    const tabs: TabResult[] = [];
    const tabNames = await tab.locator(TAB_LIST).evaluateAll((buttons) => buttons.map((button) => button.id.replace(/^tab-/, '')));
    for (const name of tabNames) {
      const openMs = await profiled(`open-${name}`, () => timeUntil(tab, { click: `tab-${name}` }, [panelOf(name)]));
      const result: TabResult = { tab: name, openMs };
      tabs.push(result);
      if (!isEdited(name)) continue;
      Object.assign(result, await coEdit(tab, name, plan, profiled, writerSockets, workspaceId, writable));
      const { keystroke, remote } = result;
      progress(`  ${name}: open ${openMs.toFixed(0)} ms, keystroke p95 ${keystroke!.p95.toFixed(0)} ms, remote p95 ${remote!.p95.toFixed(0)} ms (${stampsText(remote!)})`);
      if (remote!.lost > 0) throw new Error(`${remote!.lost} of the writers' stamps in the ${name} tab were never drawn, though their items stayed on the page.`);
    }
    tabs.push(...(await openPages(tab, profiled)));
    progress(`  opened: ${tabs.map((result) => `${result.tab} ${result.openMs.toFixed(0)} ms`).join(', ')}`);
    await tab.context().close();
    return { objects, loadMs, heapMb, tabs };
  } finally {
    for (const socket of sockets) socket.disconnect();
    await server.stop();
  }
}

export function clientTable(results: readonly ClientResult[]): string {
  const ms = (value: number | undefined) => (value === undefined || Number.isNaN(value) ? '–' : value.toFixed(0));
  const lines = ['### Web client (Chromium)', '', '| objects | load ms | heap MB | tab or page | open ms | keystroke p50 / p95 ms | remote edit p50 / p95 ms | stamps seen / sent (off the page, replaced, lost) |', '| --- | --- | --- | --- | --- | --- | --- | --- |'];
  for (const result of results) {
    for (const tab of result.tabs) {
      const keys = tab.keystroke ? `${ms(tab.keystroke.p50)} / ${ms(tab.keystroke.p95)}` : '–';
      const remote = tab.remote ? `${ms(tab.remote.p50)} / ${ms(tab.remote.p95)}` : '–';
      const seen = tab.remote ? `${tab.remote.count} / ${tab.remote.sent} (${tab.remote.offPage}, ${tab.remote.replaced}, ${tab.remote.lost})` : '–';
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
