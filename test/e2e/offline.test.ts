// Offline that survives a reload, in headless Chromium (issue 17): GBR edits a US paragraph while
// the server is out of reach, reloads the page, still sees the rest of the picture it had (another
// report's paragraph) with when it was last in step, and the edit reaches the server once the
// socket comes back. Signing out deletes the kept picture and edits from IndexedDB; a paragraph
// narrowed away from GBR leaves it (record and text: its report, which GBR still sees, stays),
// whether its edit waited or it was only held. "Offline" is
// the socket cut by the test (the page itself still loads over HTTP, as it would from a cache).
import type { Page, WebSocketRoute } from 'playwright-core';
import * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bodyOf, buildContent } from '../../shared/content';
import { paragraphName } from '../../shared/paragraphName';
import { bytesOf, type Envelope, type WorkspaceSummary } from '../../shared/protocol';
import { connect, createCell, tokenFor, type TestClient } from '../helpers/server';
import { browserTestsSkipped, signedInPage, startHarness, type Harness, type UserPage } from './harness';

const MARKING = 'SECRET//REL TO USA, GBR';
// socket.io backs off up to 15 s (±50 %) between tries; a loaded machine adds to it.
const ONLINE_MS = 90_000;

/** Cuts and restores one browser context's sockets, leaving its HTTP alone. */
async function socketSwitch(user: UserPage) {
  let online = true;
  const open = new Set<WebSocketRoute>();
  await user.context.routeWebSocket(/\/socket\.io\//, (route) => {
    if (!online) {
      void route.close();
      return;
    }
    open.add(route);
    route.connectToServer();
  });
  return {
    async offline() {
      online = false;
      for (const route of open) await route.close();
      open.clear();
    },
    online() {
      online = true;
    },
  };
}

function pendingDatabases(page: Page): Promise<string[]> {
  return page.evaluate(async () => (await indexedDB.databases()).flatMap(({ name }) => (name?.startsWith('tearline-pending:') ? [name] : [])));
}

interface KeptRecord {
  id: string;
  unsent: number;
  /** Every byte kept for it (replica and unsent edits) read as text: Yjs keeps inserted strings whole. */
  bytes: string;
}

/** The records kept in one store (none when the database is gone). */
function keptRecords(page: Page, name: string): Promise<KeptRecord[]> {
  return page.evaluate(async (db) => {
    if (!(await indexedDB.databases()).some((entry) => entry.name === db)) return [];
    return new Promise<KeptRecord[]>((resolve, reject) => {
      const opening = indexedDB.open(db);
      opening.onerror = () => reject(opening.error);
      opening.onsuccess = () => {
        const handle = opening.result;
        const all = handle.transaction('records').objectStore('records').getAll();
        all.onsuccess = () => {
          handle.close();
          const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
          resolve(
            (all.result as { id: string; confirmed: Uint8Array; unacked: Uint8Array[] }[]).map((r) => ({
              id: r.id,
              unsent: r.unacked.length,
              bytes: [r.confirmed, ...r.unacked].map(text).join(''),
            })),
          );
        };
      };
    });
  }, name);
}

const unsentIds = async (page: Page, name: string) => (await keptRecords(page, name)).filter((r) => r.unsent > 0).map((r) => r.id);

describe.skipIf(browserTestsSkipped)('web client: edits made offline survive a reload', () => {
  let harness: Harness;
  let cell: WorkspaceSummary;
  let author: TestClient;

  async function paragraph(text: string): Promise<Envelope> {
    const { object: report } = await author.ok('object:create', { workspaceId: cell.id, kind: 'report', marking: MARKING, content: buildContent({ fields: { title: `Report on ${text}` } }) });
    const { object } = await author.ok('object:create', { workspaceId: cell.id, kind: 'portion', parentId: report.id, marking: MARKING, content: buildContent({ body: text }) });
    return object;
  }

  async function serverBody(object: Envelope): Promise<string> {
    const { docs } = await author.ok('doc:sync', { workspaceId: cell.id, docs: [{ id: object.id }] });
    const doc = new Y.Doc();
    Y.applyUpdate(doc, bytesOf(docs[0]!.update));
    return bodyOf(doc).toString();
  }

  /**
   * GBR opens the paragraph's report, goes offline and types at its end; it returns once the last
   * key is handled, with no wait for the disk: the store writes an edit in the task that made it.
   */
  async function editOffline(user: UserPage, gate: Awaited<ReturnType<typeof socketSwitch>>, object: Envelope, text: string) {
    const page = user.page;
    await page.getByRole('link', { name: 'Harbour watch' }).click();
    await page.getByRole('button', { name: new RegExp(`Report on ${text}`) }).click();
    const field = page.getByLabel(`Paragraph ${paragraphName(object.id)}, marked (S//REL TO USA, GBR)`);
    await field.waitFor();
    await gate.offline();
    await page.getByText('Offline: your edits are kept and sent on reconnect').waitFor();
    await field.click();
    await field.press('End');
    await field.pressSequentially(' (GBR: seen from the quay)');
  }

  beforeAll(async () => {
    harness = await startHarness();
    const url = harness.server.url;
    // Direct co-editing: GBR's typing in a US paragraph is an edit of it, not a suggestion draft.
    cell = await createCell(url, await tokenFor(url, 'usa-analyst'), { name: 'Harbour watch', template: 'adhoc', members: ['USA', 'GBR'], crossNationEditing: 'direct' });
    author = await connect(url, 'usa-analyst');
    await author.ok('workspace:join', { workspaceId: cell.id });
  }, 240_000);

  afterAll(async () => {
    author?.close();
    await harness?.close();
  });

  it('keeps an edit made offline through a reload, shows the rest of the picture it had, and sends the edit when the socket is back', async () => {
    const other = await paragraph('Harbour master on leave');
    const object = await paragraph('Tug moored at berth 4');
    const gbr = await signedInPage(harness, 'gbr-analyst');
    const gate = await socketSwitch(gbr);
    await gbr.page.reload();
    await editOffline(gbr, gate, object, 'Tug moored at berth 4');
    // Reloaded straight after the last key, as a person may.
    await gbr.page.reload();
    expect(await pendingDatabases(gbr.page)).toHaveLength(1);
    await gbr.page.getByText('1 item with edits waiting to send').waitFor();
    await gbr.page.getByText('Offline: showing what you had at').waitFor();
    expect(await serverBody(object)).toBe('Tug moored at berth 4');
    // A paragraph GBR never edited is still there, read from disk.
    await gbr.page.getByRole('button', { name: /Report on Harbour master on leave/ }).click();
    const kept = gbr.page.getByLabel(`Paragraph ${paragraphName(other.id)}, marked (S//REL TO USA, GBR)`);
    await expect.poll(() => kept.inputValue(), { timeout: ONLINE_MS }).toBe('Harbour master on leave');

    gate.online();
    await expect.poll(() => serverBody(object), { timeout: ONLINE_MS }).toBe('Tug moored at berth 4 (GBR: seen from the quay)');
    await expect.poll(() => gbr.page.getByText('1 item with edits waiting to send').count()).toBe(0);
    await expect.poll(() => gbr.page.getByText('Offline: showing what you had at').count()).toBe(0);
    const [name] = await pendingDatabases(gbr.page);
    await expect.poll(() => unsentIds(gbr.page, name!)).toEqual([]);
    expect(gbr.errors).toEqual([]);
    await gbr.context.close();
  }, 240_000);

  it('keeps the last key typed offline when the page is killed straight after it (no pagehide)', async () => {
    const object = await paragraph('Buoy light out');
    const gbr = await signedInPage(harness, 'gbr-analyst');
    const gate = await socketSwitch(gbr);
    await gbr.page.reload();
    await editOffline(gbr, gate, object, 'Buoy light out');
    const crashed = new Promise((resolve) => gbr.page.once('crash', resolve));
    // The renderer dies at once: no pagehide, no timer, nothing after the key's own task.
    void (await gbr.context.newCDPSession(gbr.page)).send('Page.crash').catch(() => undefined);
    await crashed;

    // A new tab of the same browser: signed in again (the sign-in is the tab's), the edit is there.
    const page = await gbr.context.newPage();
    await page.goto(harness.server.url);
    await page.locator('[data-persona="gbr-analyst"]').click();
    await page.getByRole('link', { name: 'Harbour watch' }).click();
    await page.getByText('1 item with edits waiting to send').waitFor();
    gate.online();
    await expect.poll(() => serverBody(object), { timeout: ONLINE_MS }).toBe('Buoy light out (GBR: seen from the quay)');
    await gbr.context.close();
  }, 240_000);

  it('deletes the unsent edits from IndexedDB on sign-out', async () => {
    const object = await paragraph('Crane out of service');
    const gbr = await signedInPage(harness, 'gbr-analyst');
    const gate = await socketSwitch(gbr);
    await gbr.page.reload();
    await editOffline(gbr, gate, object, 'Crane out of service');
    const [name] = await pendingDatabases(gbr.page);
    expect(await unsentIds(gbr.page, name!)).toEqual([object.id]);
    // The rest of the picture is kept lazily (within a second of its load), the unsent edit at once.
    await expect.poll(async () => (await keptRecords(gbr.page, name!)).length).toBeGreaterThan(1);

    await gbr.page.getByRole('button', { name: 'Sign out' }).click();
    await gbr.page.locator('[data-persona="gbr-analyst"]').waitFor();
    await expect.poll(() => pendingDatabases(gbr.page)).toEqual([]);
    gate.online();
    expect(await serverBody(object)).toBe('Crane out of service');
    await gbr.context.close();
  }, 240_000);

  it('deletes an unsent edit, and says so, when its paragraph was narrowed away from GBR meanwhile', async () => {
    const object = await paragraph('Pilot boat delayed');
    const gbr = await signedInPage(harness, 'gbr-analyst');
    const gate = await socketSwitch(gbr);
    await gbr.page.reload();
    await editOffline(gbr, gate, object, 'Pilot boat delayed');
    const [name] = await pendingDatabases(gbr.page);
    await author.ok('object:remark', { workspaceId: cell.id, id: object.id, marking: 'SECRET//NOFORN' });

    gate.online();
    await gbr.page
      .getByText('An item you were editing is no longer releasable to you; your unsaved change to it was discarded.')
      .waitFor({ timeout: ONLINE_MS });
    await expect.poll(async () => (await keptRecords(gbr.page, name!)).filter((r) => r.id === object.id || (r.id !== object.parentId && r.bytes.includes('Pilot boat delayed')))).toEqual([]);
    expect(await gbr.page.getByText('1 item with edits waiting to send').count()).toBe(0);
    expect(await serverBody(object)).toBe('Pilot boat delayed');
    await gbr.context.close();
  }, 240_000);

  it('deletes a held paragraph from IndexedDB when it is narrowed away from GBR while online', async () => {
    const object = await paragraph('Dredger working the channel');
    const gbr = await signedInPage(harness, 'gbr-analyst');
    await gbr.page.getByRole('link', { name: 'Harbour watch' }).click();
    await gbr.page.getByRole('button', { name: /Report on Dredger working the channel/ }).click();
    await gbr.page.getByLabel(`Paragraph ${paragraphName(object.id)}, marked (S//REL TO USA, GBR)`).waitFor();
    const [name] = await pendingDatabases(gbr.page);
    const holding = async () => (await keptRecords(gbr.page, name!)).filter((r) => r.id === object.id || (r.id !== object.parentId && r.bytes.includes('Dredger working the channel'))).length;
    await expect.poll(holding, { timeout: ONLINE_MS }).toBeGreaterThan(0);

    await author.ok('object:remark', { workspaceId: cell.id, id: object.id, marking: 'SECRET//NOFORN' });
    await expect.poll(holding, { timeout: ONLINE_MS }).toBe(0);
    expect(gbr.errors).toEqual([]);
    await gbr.context.close();
  }, 240_000);
});
