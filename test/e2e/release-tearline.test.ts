// The release workflow in headless Chromium, three nations in one ad hoc cell: the US analyst
// posts a feature for USA and AUS; the AUS analyst cuts a tearline of it, sanitises it and asks
// for its release to JPN; the US FDO, in a third browser context, sees the request arrive live
// and approves it; the AUS page shows the approval, and the JPN page the sanitised tearline:
// never the source, nor the text deleted from the tearline before its release.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { browserTestsSkipped, chooseAction, receivedBytes, releaseTo, screenshot, signedInPage, startHarness, type Harness, type UserPage } from './harness';

const CELL = 'Littoral tearline drill';
const SOURCE_TEXT = 'Convoy of six trucks on the coast road. Source: an insider at the port authority.';
const SANITISED = 'Convoy of six trucks on the coast road, heading north.';
const CANARY = 'port authority';
const JUSTIFICATION = 'JPN maritime patrol covers the coast road tonight.';
const LIVE_MS = 2_000;

async function openCell(page: Page): Promise<void> {
  await page.reload();
  await page.getByRole('link', { name: CELL }).click();
  await page.getByText('Live', { exact: true }).waitFor();
}

function featureList(page: Page) {
  return page.getByRole('region', { name: /^Features/ });
}

function selectedFeature(page: Page) {
  return page.getByRole('region', { name: 'Selected feature' });
}

describe.skipIf(browserTestsSkipped)('web client: a tearline released from AUS to JPN by the US FDO', () => {
  let harness: Harness;
  let usa: UserPage;
  let aus: UserPage;
  let fdo: UserPage;
  let jpn: UserPage;

  beforeAll(async () => {
    harness = await startHarness();
    [usa, aus, fdo, jpn] = await Promise.all([
      signedInPage(harness, 'usa-analyst'),
      signedInPage(harness, 'aus-analyst'),
      signedInPage(harness, 'usa-fdo'),
      signedInPage(harness, 'jpn-analyst'),
    ]);
  });

  afterAll(async () => {
    await harness?.close();
  });

  it('spins up an ad hoc USA, AUS, JPN cell with a 30-minute deadline and automatic release', async () => {
    const page = usa.page;
    await page.getByRole('button', { name: 'Spin up a cell' }).click();
    await page.getByLabel('Cell name').fill(CELL);
    await page.getByRole('radio', { name: 'Ad hoc coalition' }).check();
    await page.getByLabel('Members').fill('USA, AUS, JPN');
    // An ad hoc coalition is there to share: new items start releasable to every member, not NOFORN.
    const defaultMarking = page.getByRole('group', { name: 'Default marking of new items' });
    await expect.poll(() => defaultMarking.getByTestId('audience').innerText()).toBe('Visible to USA, AUS, JPN (every nation in the cell).');
    await page.getByLabel('Release decision deadline').fill('30');
    await page.getByLabel('Deadline unit').selectOption('minutes');
    await page.getByRole('checkbox', { name: /^Allow automatic release/ }).check();
    await page.getByRole('button', { name: 'Create cell' }).click();
    await page.getByRole('heading', { name: CELL }).waitFor();
    await page.getByText('Live', { exact: true }).waitFor();
    for (const other of [aus, fdo, jpn]) await openCell(other.page);
  });

  it('lets the US analyst post a feature for USA and AUS only', async () => {
    const page = usa.page;
    await page.getByRole('button', { name: 'Add point' }).click();
    await page.getByTestId('map').click({ position: { x: 470, y: 150 } });
    const form = page.getByRole('form', { name: 'New point' });
    await expect.poll(() => form.getByLabel('Positions').inputValue()).toMatch(/^-?\d/);
    await form.getByLabel('Name').fill('Convoy');
    await form.getByLabel('Description').fill(SOURCE_TEXT);
    await releaseTo(form.getByRole('group', { name: 'Marking', exact: true }), ['AUS']);
    await form.getByRole('button', { name: 'Add point' }).click();
    await selectedFeature(page).waitFor();
    await featureList(aus.page).getByRole('button', { name: /Convoy/ }).waitFor({ timeout: LIVE_MS });
  });

  it('lets the AUS analyst cut a tearline from the UI and sanitise it', async () => {
    const page = aus.page;
    await featureList(page).getByRole('button', { name: /Convoy/ }).click();
    await chooseAction(selectedFeature(page), '(S//REL TO USA, AUS)', 'Create tearline');
    const tearline = selectedFeature(page);
    await tearline.getByText('Tearline of').waitFor();
    expect(await tearline.getByRole('button', { name: 'map feature “Convoy”' }).count()).toBe(1);
    const description = tearline.getByLabel('Description, marked (S//REL TO USA, AUS)');
    await expect.poll(() => description.inputValue()).toBe(SOURCE_TEXT);

    await tearline.getByLabel('Feature name').fill('Convoy (tearline)');
    await description.fill(SANITISED);
    await featureList(page).getByRole('button', { name: /Convoy \(tearline\)/ }).waitFor();
    // The US analyst, who sees the source, sees the link back to it too.
    await featureList(usa.page).getByRole('button', { name: /Convoy \(tearline\)/ }).click({ timeout: LIVE_MS });
    await selectedFeature(usa.page).getByText('Tearline of').waitFor();
    await expect.poll(() => selectedFeature(usa.page).getByLabel(/^Description/).inputValue(), { timeout: LIVE_MS }).toBe(SANITISED);
  });

  it('offers AUS only wider markings and shows the request pending', async () => {
    await fdo.page.getByRole('tab', { name: 'Releases' }).click();
    await fdo.page.getByText('No release request is waiting for you.').waitFor();
    // The cell allows automatic release; USA material goes out on silence only once a USA FDO opts it in.
    const optIn = fdo.page.getByRole('checkbox', { name: /^Release USA material automatically/ });
    await optIn.check();
    await expect.poll(() => optIn.isChecked()).toBe(true);

    const page = aus.page;
    const tearline = selectedFeature(page);
    await chooseAction(tearline, '(S//REL TO USA, AUS)', 'Request release…');
    const dialog = page.getByRole('dialog', { name: 'Request release of map feature “Convoy (tearline)”' });
    const picker = dialog.getByRole('group', { name: 'Release to', exact: true });
    // USA (already released to) stays ticked and cannot be unticked; NOFORN would take access away.
    expect(await picker.getByRole('checkbox', { name: 'USA' }).isChecked()).toBe(true);
    expect(await picker.getByRole('checkbox', { name: 'USA' }).isDisabled()).toBe(true);
    expect(await picker.getByRole('radio', { name: 'NOFORN (own nation only)' }).count()).toBe(0);
    expect(await dialog.getByRole('button', { name: 'Send request' }).isDisabled()).toBe(true);

    await picker.getByRole('checkbox', { name: 'JPN' }).check();
    await expect.poll(() => picker.getByTestId('audience').innerText()).toBe('Visible to USA, AUS, JPN (every nation in the cell). Newly visible to JPN.');
    await dialog.getByLabel(/^Justification/).fill(JUSTIFICATION);
    await dialog.getByRole('button', { name: 'Send request' }).click();
    const status = dialog.getByTestId('request-status');
    await expect.poll(() => status.innerText()).toContain('Pending: release to SECRET//REL TO USA, AUS, JPN.');
    expect(await status.innerText()).toMatch(/Decision due in (30 min|29 min \d+ s)/);
    await screenshot(page, 'release-aus-request-pending');
  });

  it('puts the request in the US FDO inbox live, with a countdown, and the FDO approves it', async () => {
    const page = fdo.page;
    const item = page.getByRole('article', { name: 'Release request for map feature “Convoy (tearline)”' });
    await item.waitFor({ timeout: LIVE_MS });
    expect(await page.getByRole('tab', { name: /Releases/ }).innerText()).toContain('1');
    const text = await item.innerText();
    expect(text).toContain('SECRET//REL TO USA, AUS, JPN');
    expect(text).toContain('Liam Walsh (AUS analyst) (AUS)');
    expect(text).toContain(JUSTIFICATION);
    expect(text).toContain('Released automatically at the deadline unless an FDO decides first.');
    const countdown = item.getByTestId('countdown');
    const first = await countdown.innerText();
    expect(first).toMatch(/^Decision due in (30 min|29 min \d+ s)/);
    await expect.poll(() => countdown.innerText(), { timeout: 3_000 }).not.toBe(first);
    await screenshot(page, 'release-usa-fdo-inbox');

    await item.getByRole('button', { name: 'Approve' }).click();
    await page.getByRole('status').filter({ hasText: 'Approved by Jordan Blake (USA FDO) (USA)' }).waitFor();
    await page.getByText('No release request is waiting for you.').waitFor();
  });

  it('shows the AUS page the approval and the new marking live', async () => {
    const page = aus.page;
    const status = page.getByTestId('request-status');
    await expect.poll(() => status.innerText(), { timeout: LIVE_MS }).toContain('Approved: release to SECRET//REL TO USA, AUS, JPN.');
    await selectedFeature(page).getByLabel('Description, marked (S//REL TO USA, AUS, JPN)').waitFor({ timeout: LIVE_MS });
    await page.getByRole('tab', { name: 'Releases' }).click();
    const mine = page.getByRole('region', { name: /^My requests/ });
    await expect.poll(() => mine.innerText()).toContain('Approved');
    await screenshot(page, 'release-aus-approved');
  });

  it('shows the JPN page the sanitised tearline and never the source', async () => {
    const page = jpn.page;
    const features = featureList(page);
    await features.getByRole('button', { name: /Convoy \(tearline\)/ }).click({ timeout: LIVE_MS });
    const tearline = selectedFeature(page);
    await expect.poll(() => tearline.getByLabel('Description, marked (S//REL TO USA, AUS, JPN)').inputValue()).toBe(SANITISED);
    expect(await features.getByRole('listitem').count()).toBe(1);
    expect(await tearline.getByText('Tearline of').count()).toBe(0);
    await screenshot(page, 'release-jpn-released-tearline');

    const download = page.waitForEvent('download');
    await chooseAction(tearline, '(S//REL TO USA, AUS, JPN)', 'Export');
    const exported = await (await download).path();
    const { readFile } = await import('node:fs/promises');
    const text = await readFile(exported, 'utf8');
    expect(text.startsWith('SECRET//REL TO USA, AUS, JPN\n')).toBe(true);
    expect(text).toContain(SANITISED);

    // Neither the source's text nor the tearline's deleted text ever reached JPN, not even as bytes.
    await page.waitForTimeout(LIVE_MS);
    expect(await page.content()).not.toContain(CANARY);
    const bytes = receivedBytes(jpn);
    expect(bytes.includes(CANARY)).toBe(false);
    expect(bytes.includes(SANITISED)).toBe(true);
  });

  it('shows the FDO the approval in the audit trail and the release in the sharing figures', async () => {
    const page = fdo.page;
    await page.getByRole('link', { name: 'Audit trail' }).click();
    const approved = page.locator('tr[data-action="release.approve"]');
    await approved.waitFor();
    expect(await approved.innerText()).toContain('Jordan Blake (USA FDO) (USA)');
    expect(await page.locator('tr[data-action="tearline.create"]').count()).toBe(1);
    await screenshot(page, 'release-usa-fdo-audit');

    await page.getByRole('link', { name: 'Sharing figures' }).click();
    const outcomes = page.getByRole('table', { name: 'Release requests by outcome' });
    await outcomes.waitFor();
    expect(await outcomes.getByRole('row', { name: /^Approved/ }).innerText()).toMatch(/Approved\s+1/);
    const partners = page.getByRole('table', { name: 'Share per partner' });
    expect(await partners.getByRole('row', { name: /^JPN/ }).innerText()).toMatch(/JPN\s+1\s+50\.0 %/);
    expect(await page.locator('.figure svg.recharts-surface').count()).toBeGreaterThan(0);
    await screenshot(page, 'release-usa-fdo-figures');

    expect([...usa.errors, ...aus.errors, ...fdo.errors, ...jpn.errors]).toEqual([]);
  });

  it('lets the US analyst ask for a report’s release with its paragraphs in one go, and the FDO approve them together', async () => {
    const page = usa.page;
    await page.getByRole('tab', { name: 'Reports' }).click();
    const newReport = page.getByRole('form', { name: 'New report' });
    await newReport.getByLabel('Title').fill('Harbour summary');
    await releaseTo(newReport.getByRole('group', { name: 'Marking of the title', exact: true }), ['AUS']);
    await newReport.getByRole('button', { name: 'Create report' }).click();
    await page.getByLabel('Report title').waitFor();
    const first = page.getByRole('form', { name: 'Add the first paragraph' });
    await first.getByLabel('New paragraph').fill('Two frigates alongside the north quay.');
    const firstMarking = first.getByRole('group', { name: 'Paragraph marking', exact: true });
    await firstMarking.getByLabel('Classification').selectOption('C');
    await releaseTo(firstMarking, ['AUS']);
    await first.getByRole('button', { name: 'Add paragraph' }).click();
    await page.getByLabel(/^Paragraph \S+, marked \(C\/\/REL TO USA, AUS\)$/).waitFor();
    const second = page.getByRole('form', { name: 'Add a paragraph' });
    await second.getByLabel('New paragraph').fill('Reported by the harbour master.');
    await second.getByLabel('Classification').selectOption('S');
    await second.getByRole('radio', { name: 'NOFORN (own nation only)' }).check();
    await second.getByRole('button', { name: 'Add paragraph' }).click();
    await page.getByLabel(/^Paragraph \S+, marked \(S\/\/NF\)$/).waitFor();

    await chooseAction(page.locator('.report-header'), '(S//REL TO USA, AUS)', 'Request release…');
    const dialog = page.getByRole('dialog', { name: 'Request release of report “Harbour summary”' });
    await dialog.getByRole('group', { name: 'Release to', exact: true }).getByRole('checkbox', { name: 'JPN' }).check();
    const along = dialog.getByRole('group', { name: 'Paragraphs to release with it' });
    // The paragraph that goes where the report goes is ticked; the NOFORN one only if ticked on purpose.
    expect(await along.getByRole('checkbox', { name: /^Paragraph \S+ \(C\/\/REL TO USA, AUS\)/ }).isChecked()).toBe(true);
    expect(await along.getByRole('checkbox', { name: /^Paragraph \S+ \(S\/\/NF\)/ }).isChecked()).toBe(false);
    // Checkboxes keep their size inside a report header (whose title field stretches).
    expect(await along.getByRole('checkbox', { name: /^Paragraph \S+ \(C\/\/REL TO USA, AUS\)/ }).evaluate((box) => box.getBoundingClientRect().width)).toBeLessThan(24);
    await dialog.getByLabel(/^Justification/).fill(JUSTIFICATION);
    await along.scrollIntoViewIfNeeded();
    await screenshot(page, 'release-usa-report-with-paragraphs');
    await dialog.getByRole('button', { name: 'Send 2 requests' }).click();
    await dialog.getByRole('list', { name: 'Paragraph requests' }).getByText(/^Paragraph \S+ \(C\/\/REL TO USA, AUS\): release requested$/).waitFor();

    // The FDO is still on the sharing figures; back to the picture, where the inbox is.
    await fdo.page.getByRole('link', { name: 'Picture' }).click();
    await fdo.page.getByRole('tab', { name: /Releases/ }).click();
    const reportItem = fdo.page.getByRole('article', { name: 'Release request for report “Harbour summary”' });
    const paragraphItem = fdo.page.getByRole('article', { name: /^Release request for paragraph \S+ of report “Harbour summary”$/ });
    await reportItem.waitFor({ timeout: LIVE_MS });
    expect(await reportItem.innerText()).toContain('SECRET//REL TO USA, AUS, JPN');
    expect(await paragraphItem.innerText()).toContain('CONFIDENTIAL//REL TO USA, AUS, JPN');
    expect(await fdo.page.getByRole('article', { name: /^Release request for/ }).count()).toBe(2);
    const group = fdo.page.getByRole('group', { name: 'report “Harbour summary” with 1 paragraph(s)' });
    await screenshot(fdo.page, 'release-usa-fdo-report-group');
    await group.getByRole('button', { name: 'Approve the report and its 1 paragraph(s)' }).click();
    await fdo.page.getByText('No release request is waiting for you.').waitFor();

    // JPN now reads the report and the released paragraph, and never the one kept NOFORN.
    await jpn.page.getByRole('tab', { name: 'Reports' }).click();
    await jpn.page.getByRole('button', { name: /Harbour summary/ }).click({ timeout: LIVE_MS });
    const released = jpn.page.getByLabel(/^Paragraph \S+, marked \(C\/\/REL TO USA, AUS, JPN\)$/);
    await expect.poll(() => released.inputValue(), { timeout: LIVE_MS }).toBe('Two frigates alongside the north quay.');
    expect(await jpn.page.getByRole('list', { name: 'Paragraphs' }).getByRole('listitem').count()).toBe(1);
    await screenshot(jpn.page, 'release-jpn-released-report');
    expect(receivedBytes(jpn).includes('harbour master')).toBe(false);
    expect([...usa.errors, ...fdo.errors, ...jpn.errors]).toEqual([]);
  });
});
