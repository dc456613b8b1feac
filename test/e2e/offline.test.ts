// Offline that survives a reload, in headless Chromium (issue 17): GBR edits a US paragraph while
// the server is out of reach, reloads the page, and the edit reaches the server once the socket
// comes back; signing out deletes the unsent edits from IndexedDB, and so does the paragraph
// being narrowed away from GBR while its edit waited. "Offline" is the socket cut by the test
// (the page itself still loads over HTTP, as it would from a cache).
import type { Page, WebSocketRoute } from 'playwright-core';
import * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bodyOf, buildContent } from '../../shared/content';
import { paragraphName } from '../../shared/paragraphName';
import { bytesOf, type Envelope, type WorkspaceSummary } from '../../shared/protocol';
import { connect, createCell, tokenFor, type TestClient } from '../helpers/server';
import { browserTestsSkipped, signedInPage, startHarness, type Harness, type UserPage } from './harness';

const MARKING = 'SECRET//REL TO USA, GBR';
const ONLINE_MS = 40_000;

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

/** The records kept in one store (0 when the database is gone). */
function keptRecords(page: Page, name: string): Promise<number> {
  return page.evaluate(async (db) => {
    if (!(await indexedDB.databases()).some((entry) => entry.name === db)) return 0;
    return new Promise<number>((resolve, reject) => {
      const opening = indexedDB.open(db);
      opening.onerror = () => reject(opening.error);
      opening.onsuccess = () => {
        const handle = opening.result;
        const count = handle.transaction('records').objectStore('records').count();
        count.onsuccess = () => {
          handle.close();
          resolve(count.result);
        };
      };
    });
  }, name);
}

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

  /** GBR opens the paragraph's report, goes offline and types at its end. */
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
    await page.getByText('1 item with edits waiting to send').waitFor();
  }

  beforeAll(async () => {
    harness = await startHarness();
    const url = harness.server.url;
    cell = await createCell(url, await tokenFor(url, 'usa-analyst'), { name: 'Harbour watch', template: 'adhoc', members: ['USA', 'GBR'] });
    author = await connect(url, 'usa-analyst');
    await author.ok('workspace:join', { workspaceId: cell.id });
  }, 240_000);

  afterAll(async () => {
    author?.close();
    await harness?.close();
  });

  it('keeps an edit made offline through a reload and sends it when the socket is back', async () => {
    const object = await paragraph('Tug moored at berth 4');
    const gbr = await signedInPage(harness, 'gbr-analyst');
    const gate = await socketSwitch(gbr);
    await gbr.page.reload();
    await editOffline(gbr, gate, object, 'Tug moored at berth 4');
    expect(await pendingDatabases(gbr.page)).toHaveLength(1);

    await gbr.page.reload();
    await gbr.page.getByText('1 item with edits waiting to send').waitFor();
    expect(await serverBody(object)).toBe('Tug moored at berth 4');

    gate.online();
    await expect.poll(() => serverBody(object), { timeout: ONLINE_MS }).toBe('Tug moored at berth 4 (GBR: seen from the quay)');
    await expect.poll(() => gbr.page.getByText('1 item with edits waiting to send').count()).toBe(0);
    const [name] = await pendingDatabases(gbr.page);
    await expect.poll(() => keptRecords(gbr.page, name!)).toBe(0);
    expect(gbr.errors).toEqual([]);
    await gbr.context.close();
  }, 120_000);

  it('deletes the unsent edits from IndexedDB on sign-out', async () => {
    const object = await paragraph('Crane out of service');
    const gbr = await signedInPage(harness, 'gbr-analyst');
    const gate = await socketSwitch(gbr);
    await gbr.page.reload();
    await editOffline(gbr, gate, object, 'Crane out of service');
    const [name] = await pendingDatabases(gbr.page);
    expect(await keptRecords(gbr.page, name!)).toBe(1);

    await gbr.page.getByRole('button', { name: 'Sign out' }).click();
    await gbr.page.locator('[data-persona="gbr-analyst"]').waitFor();
    await expect.poll(() => pendingDatabases(gbr.page)).toEqual([]);
    gate.online();
    expect(await serverBody(object)).toBe('Crane out of service');
    await gbr.context.close();
  }, 120_000);

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
    await expect.poll(() => keptRecords(gbr.page, name!)).toBe(0);
    expect(await gbr.page.getByText('1 item with edits waiting to send').count()).toBe(0);
    expect(await serverBody(object)).toBe('Pilot boat delayed');
    await gbr.context.close();
  }, 120_000);
});
