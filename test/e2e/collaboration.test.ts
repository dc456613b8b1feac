// Working together in headless Chromium, USA, GBR and JPN in one cell: JPN asks for a release; the
// US FDO is told in the notification centre and denies it with a reason; JPN is told, with the
// reason; a mention of JPN in a NOFORN comment is refused in plain words; and JPN's search for a
// word found only in a NOFORN paragraph finds nothing, nor do JPN's socket bytes hold it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { buildContent } from '../../shared/content';
import { connect, createCell, tokenFor } from '../helpers/server';
import { browserTestsSkipped, chooseAction, receivedBytes, screenshot, signedInPage, startHarness, type Harness, type UserPage } from './harness';

const CELL = 'Strait working group';
const REPORT = 'Strait shipping';
const SECRET_WORD = 'kingfisher';
const SHARED_TEXT = 'Two ferries delayed at the northern berth.';
const REASON = 'The source is a US liaison officer; ask again after Friday.';
const LIVE_MS = 5_000;

async function openReport(page: Page): Promise<void> {
  await page.reload();
  await page.getByRole('link', { name: CELL }).click();
  await page.getByText('Live', { exact: true }).waitFor();
  await page.getByRole('tab', { name: 'Reports' }).click();
  await page.getByRole('button', { name: new RegExp(REPORT) }).click();
}

function bell(page: Page) {
  return page.getByRole('button', { name: /^Notifications/ });
}

describe.skipIf(browserTestsSkipped)('web client: notifications, comments and search across USA, GBR and JPN', () => {
  let harness: Harness;
  let usa: UserPage;
  let fdo: UserPage;
  let gbr: UserPage;
  let jpn: UserPage;

  beforeAll(async () => {
    harness = await startHarness();
    const url = harness.server.url;
    // The cell and its report are set up over the socket: what is shown here is the browser's part.
    const cell = await createCell(url, await tokenFor(url, 'usa-analyst'), { name: CELL, template: 'adhoc', members: ['USA', 'GBR', 'JPN'] });
    const author = await connect(url, 'usa-analyst');
    await author.ok('workspace:join', { workspaceId: cell.id });
    const report = (await author.ok('object:create', { workspaceId: cell.id, kind: 'report', marking: 'SECRET//REL TO USA, GBR, JPN', content: buildContent({ fields: { title: REPORT } }) })).object;
    await author.ok('object:create', { workspaceId: cell.id, kind: 'portion', parentId: report.id, marking: 'SECRET//REL TO USA, JPN', content: buildContent({ body: SHARED_TEXT }) });
    await author.ok('object:create', { workspaceId: cell.id, kind: 'portion', parentId: report.id, marking: 'SECRET//NOFORN', content: buildContent({ body: `Harbour pilot ${SECRET_WORD} reports the sailing.` }) });
    author.close();
    // One page at a time: four first loads at once of the whole client overran page.goto's wait on a loaded machine.
    usa = await signedInPage(harness, 'usa-analyst');
    fdo = await signedInPage(harness, 'usa-fdo');
    gbr = await signedInPage(harness, 'gbr-analyst');
    jpn = await signedInPage(harness, 'jpn-analyst');
    for (const user of [usa, fdo, gbr, jpn]) await openReport(user.page);
  }, 300_000);

  afterAll(async () => {
    await harness?.close();
  });

  it('lets JPN ask for the release of a paragraph to GBR', async () => {
    const page = jpn.page;
    await chooseAction(page.locator('[data-marking="(S//REL TO USA, JPN)"]'), '(S//REL TO USA, JPN)', 'Request release…');
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('group', { name: 'Release to', exact: true }).getByRole('checkbox', { name: 'GBR' }).check();
    await dialog.getByLabel(/^Justification/).fill('GBR patrols the northern berth.');
    await dialog.getByRole('button', { name: 'Send request' }).click();
    await expect.poll(() => dialog.getByTestId('request-status').innerText()).toContain('Pending');
  });

  it('tells the US FDO in the notification centre, and the FDO denies it with a reason', async () => {
    const page = fdo.page;
    await expect.poll(() => bell(page).getAttribute('aria-label'), { timeout: LIVE_MS }).toBe('Notifications, 1 unread');
    await bell(page).click();
    const list = page.getByRole('region', { name: 'Notifications' });
    await expect.poll(() => list.innerText()).toContain('asks you to release paragraph');
    await screenshot(page, 'collab-fdo-notified');
    await page.getByRole('tab', { name: /Releases/ }).click();
    const item = page.getByRole('article', { name: /^Release request for/ });
    await item.getByRole('button', { name: 'Deny…' }).click();
    await item.getByLabel('Why', { exact: true }).selectOption({ label: 'Would expose sources or methods' });
    await item.getByLabel('Reason for the denial (the requester reads it)').fill(REASON);
    await item.getByRole('button', { name: 'Deny release' }).click();
    await page.getByText('No release request is waiting for you.').waitFor();
  });

  it('tells JPN of the denial, with the reason', async () => {
    const page = jpn.page;
    await expect.poll(() => bell(page).getAttribute('aria-label'), { timeout: LIVE_MS }).toBe('Notifications, 1 unread');
    await bell(page).click();
    const list = page.getByRole('region', { name: 'Notifications' });
    await expect.poll(() => list.innerText()).toContain(`denied your release request for paragraph`);
    expect(await list.innerText()).toContain(REASON);
    await screenshot(page, 'collab-jpn-denied');
  });

  it('refuses a mention of JPN in a NOFORN comment, in plain words', async () => {
    const page = usa.page;
    const paragraph = page.locator('[data-marking="(S//NF)"]');
    await chooseAction(paragraph, '(S//NF)', 'Comment');
    const form = paragraph.locator('form.comment-form');
    await form.getByLabel(/^Comment \(mention/).fill('@JPN can you confirm the sailing?');
    await form.getByRole('button', { name: 'Post comment' }).click();
    await expect.poll(() => form.getByRole('alert').innerText()).toContain('JPN may not read a comment marked SECRET//NOFORN');
    await screenshot(page, 'collab-usa-mention-refused');
  });

  it('finds nothing for JPN searching a word only in the NOFORN paragraph; the socket never carried it', async () => {
    const page = jpn.page;
    const search = page.getByRole('search', { name: 'Search the picture' });
    await search.getByRole('searchbox', { name: 'Search' }).fill('ferries');
    await expect.poll(() => search.getByRole('list', { name: 'Search results' }).innerText()).toContain('ferries');
    await search.getByRole('searchbox', { name: 'Search' }).fill(SECRET_WORD);
    await expect.poll(() => search.getByRole('list', { name: 'Search results' }).innerText()).toBe('Nothing found.');
    await screenshot(page, 'collab-jpn-search');
    // Nothing on the page holds it but what JPN typed: cleared, the page has none of it.
    await search.getByRole('searchbox', { name: 'Search' }).fill('');
    expect(await page.content()).not.toContain(SECRET_WORD);
    expect(receivedBytes(jpn).includes(SECRET_WORD)).toBe(false);
    // USA finds it, in the same kind of search.
    const usaSearch = usa.page.getByRole('search', { name: 'Search the picture' });
    await usaSearch.getByRole('searchbox', { name: 'Search' }).fill(SECRET_WORD);
    await expect.poll(() => usaSearch.getByRole('list', { name: 'Search results' }).innerText()).toContain(SECRET_WORD);
    for (const user of [usa, fdo, gbr, jpn]) expect(user.errors).toEqual([]);
  });
});
