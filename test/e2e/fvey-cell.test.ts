// Two partners in one FVEY cell, in headless Chromium: what the US analyst releases to Australia
// reaches the Australian page live, what is NOFORN never does (not even as bytes on the socket),
// banners roll up what each one sees, and the shared paragraph is co-edited.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { browserTestsSkipped, receivedBytes, releaseTo, screenshot, signedInPage, startHarness, type Harness, type UserPage } from './harness';

const RELEASED = 'Convoy of six trucks sighted on the coast road';
const WITHHELD = 'Source is a US human asset in the port authority';
const LIVE_MS = 2_000;

async function banners(page: Page): Promise<string[]> {
  return [await page.getByTestId('banner-top').innerText(), await page.getByTestId('banner-bottom').innerText()];
}

describe.skipIf(browserTestsSkipped)('web client: two partners in one FVEY cell', () => {
  let harness: Harness;
  let usa: UserPage;
  let aus: UserPage;

  beforeAll(async () => {
    harness = await startHarness();
    usa = await signedInPage(harness, 'usa-analyst');
    aus = await signedInPage(harness, 'aus-analyst');
  });

  afterAll(async () => {
    await harness?.close();
  });

  it('spins up the cell and both partners open it', async () => {
    const page = usa.page;
    await page.getByRole('button', { name: 'Spin up a cell' }).click();
    await page.getByLabel('Cell name').fill('Strait watch');
    await page.getByRole('radio', { name: 'Five Eyes', exact: true }).check();
    await expect.poll(() => page.getByTestId('audience').innerText()).toBe('Visible to USA, AUS, CAN, GBR, NZL (every nation in the cell).');
    await page.getByRole('button', { name: 'Create cell' }).click();
    await page.getByRole('heading', { name: 'Strait watch' }).waitFor();
    await page.getByText('Live', { exact: true }).waitFor();
    // The harness signs in with demonstration identities, and every screen says so.
    expect(await page.getByTestId('demo-identity-strip').innerText()).toBe('DEMONSTRATION IDENTITIES — anyone can sign in as anyone; not for real material');

    await aus.page.reload();
    await aus.page.getByRole('link', { name: 'Strait watch' }).click();
    await aus.page.getByText('Live', { exact: true }).waitFor();
    await page.locator('[data-presence="aus-analyst"]').waitFor({ timeout: LIVE_MS });
  });

  it('shows the US feature released to AUS on the AUS map within 2 s', async () => {
    const page = usa.page;
    await page.getByRole('button', { name: 'Add point' }).click();
    await page.getByTestId('map').click({ position: { x: 470, y: 150 } });
    const form = page.getByRole('form', { name: 'New point' });
    await expect.poll(() => form.getByLabel('Positions').inputValue()).toMatch(/^-?\d/);
    await form.getByLabel('Name').fill('Convoy');
    await releaseTo(form.getByRole('group', { name: 'Marking', exact: true }), ['AUS']);
    await expect.poll(() => form.getByTestId('audience').innerText()).toBe('Visible to USA, AUS; not to CAN, GBR, NZL.');
    await form.getByRole('button', { name: 'Add point' }).click();
    await page.getByRole('region', { name: /^Features/ }).getByRole('button', { name: /Convoy/ }).waitFor();

    const onAusMap = aus.page.getByRole('region', { name: /^Features/ }).getByRole('button', { name: /Convoy/ });
    await onAusMap.waitFor({ timeout: LIVE_MS });
    expect(await onAusMap.innerText()).toBe('(S//REL TO USA, AUS) Convoy');
  });

  it('shows AUS the released paragraph within 2 s and never the NOFORN one', async () => {
    const page = usa.page;
    const newReport = page.getByRole('form', { name: 'New report' });
    await newReport.getByLabel('Title').fill('Morning summary');
    await newReport.getByRole('button', { name: 'Create report' }).click();
    await page.getByLabel('Report title').waitFor();

    await aus.page.getByRole('button', { name: /Morning summary/ }).click({ timeout: LIVE_MS });
    await aus.page.getByLabel('Report title').waitFor();

    const first = page.getByRole('form', { name: 'Add the first paragraph' });
    await first.getByLabel('New paragraph').fill(RELEASED);
    await releaseTo(first.getByRole('group', { name: 'Paragraph marking', exact: true }), ['AUS']);
    await first.getByRole('button', { name: 'Add paragraph' }).click();
    await page.getByLabel(/^Paragraph \S+, marked \(S\/\/REL TO USA, AUS\)$/).waitFor();

    const released = aus.page.getByLabel(/^Paragraph \S+, marked \(S\/\/REL TO USA, AUS\)$/);
    await released.waitFor({ timeout: LIVE_MS });
    expect(await released.inputValue()).toBe(RELEASED);

    const second = page.getByRole('form', { name: 'Add a paragraph' });
    await second.getByLabel('New paragraph').fill(WITHHELD);
    await second.getByRole('radio', { name: 'NOFORN (own nation only)' }).check();
    await second.getByRole('button', { name: 'Add paragraph' }).click();
    await page.getByLabel(/^Paragraph \S+, marked \(S\/\/NF\)$/).waitFor();

    // Give the fan-out every chance to leak, then look at the page and at the raw socket bytes.
    await aus.page.waitForTimeout(LIVE_MS);
    const ausParagraphs = aus.page.getByRole('list', { name: 'Paragraphs' }).getByRole('listitem');
    expect(await ausParagraphs.count()).toBe(1);
    expect(await aus.page.content()).not.toContain('human asset');
    expect(await aus.page.content()).not.toContain('(S//NF)');
    expect(receivedBytes(aus).includes('human asset')).toBe(false);
    // The same search finds the text where it was sent: the check can see inside the updates.
    expect(receivedBytes(usa).includes('human asset')).toBe(true);
  });

  it('rolls the banners up over what each partner sees', async () => {
    await expect.poll(() => banners(usa.page)).toEqual(['SECRET//NOFORN', 'SECRET//NOFORN']);
    await expect.poll(() => banners(aus.page)).toEqual(['SECRET//REL TO USA, AUS', 'SECRET//REL TO USA, AUS']);
    expect(await usa.page.getByTestId('banner-top').getAttribute('class')).toContain('tone-secret');
  });

  it('carries the AUS analyst’s typing into the US page, with their caret', async () => {
    // Co-editing across nations is the cell creator's choice; by default partners suggest.
    const direct = /Nations edit each other’s paragraphs directly/;
    for (const { page } of [usa, aus]) await page.getByRole('button', { name: '← All reports' }).click();
    // The box shows the cell's setting, so it changes once the server has taken it.
    await usa.page.getByRole('checkbox', { name: direct }).click();
    await expect.poll(() => usa.page.getByRole('checkbox', { name: direct }).isChecked(), { timeout: LIVE_MS }).toBe(true);
    await expect.poll(() => aus.page.getByRole('checkbox', { name: direct }).isChecked(), { timeout: LIVE_MS }).toBe(true);
    for (const { page } of [usa, aus]) await page.getByRole('button', { name: /Morning summary/ }).click();
    const shared = aus.page.getByLabel(/^Paragraph \S+, marked \(S\/\/REL TO USA, AUS\)$/);
    await shared.click();
    await shared.press('End');
    await shared.pressSequentially(', heading north.');
    const onUsPage = usa.page.getByLabel(/^Paragraph \S+, marked \(S\/\/REL TO USA, AUS\)$/);
    await expect.poll(() => onUsPage.inputValue(), { timeout: LIVE_MS }).toBe(`${RELEASED}, heading north.`);
    await usa.page.locator('.remote-caret', { hasText: 'Liam Walsh (AUS analyst)' }).waitFor({ timeout: LIVE_MS });

    await screenshot(usa.page, 'fvey-cell-usa-analyst');
    await screenshot(aus.page, 'fvey-cell-aus-analyst');
  });

  it('lets a US FDO see exactly the AUS picture, computed by the server', async () => {
    const fdo = await signedInPage(harness, 'usa-fdo');
    await fdo.page.getByRole('link', { name: 'Strait watch' }).click();
    await fdo.page.getByText('Live', { exact: true }).waitFor();
    await fdo.page.getByLabel('View as', { exact: true }).selectOption('AUS');
    await fdo.page.getByLabel('Partner clearance').selectOption('SECRET');
    await fdo.page.getByRole('button', { name: 'Show' }).click();
    await fdo.page.getByText('Viewing as AUS SECRET').waitFor();
    await fdo.page.getByRole('button', { name: /Morning summary/ }).click();
    const paragraphs = fdo.page.getByRole('list', { name: 'Paragraphs' }).getByRole('listitem');
    await expect.poll(() => paragraphs.count()).toBe(1);
    expect(await fdo.page.getByRole('textbox', { name: /^Paragraph / }).isEditable()).toBe(false);
    await expect.poll(() => banners(fdo.page)).toEqual(['SECRET//REL TO USA, AUS', 'SECRET//REL TO USA, AUS']);
    await screenshot(fdo.page, 'fvey-cell-usa-fdo-view-as-aus');
    await fdo.page.getByRole('button', { name: 'Return to my view' }).click();
    await expect.poll(() => paragraphs.count()).toBe(2);
    expect(fdo.errors).toEqual([]);
    await fdo.context.close();
  });

  it('removes a paragraph from the AUS page at once when it is narrowed to NOFORN', async () => {
    // Found by its marking, then held by its id: its label changes with its marking.
    const id = await usa.page.locator('.portion', { has: usa.page.getByLabel(/^Paragraph \S+, marked \(S\/\/REL TO USA, AUS\)$/) }).getAttribute('data-portion-id');
    const paragraph = usa.page.locator(`.portion[data-portion-id="${id}"]`);
    await paragraph.getByRole('button', { name: /^Actions/ }).click();
    await paragraph.getByRole('menuitem', { name: 'Change marking…' }).click();
    await paragraph.getByRole('radio', { name: 'NOFORN (own nation only)' }).check();
    await paragraph.getByRole('button', { name: 'Apply marking' }).click();
    await paragraph.getByLabel(/^Paragraph \S+, marked \(S\/\/NF\)$/).waitFor();

    const ausParagraphs = aus.page.getByRole('list', { name: 'Paragraphs' }).getByRole('listitem');
    await expect.poll(() => ausParagraphs.count(), { timeout: LIVE_MS }).toBe(0);
    await expect.poll(() => banners(aus.page)).toEqual(['SECRET//REL TO USA, AUS', 'SECRET//REL TO USA, AUS']);
    expect([...usa.errors, ...aus.errors]).toEqual([]);
  });

  it('shares timeline events and the RFI board live', async () => {
    await usa.page.getByRole('tab', { name: 'Timeline' }).click();
    const newEvent = usa.page.getByRole('form', { name: 'New event' });
    await newEvent.getByLabel('Title').fill('Convoy leaves port');
    await newEvent.getByLabel('When (UTC)').fill('2025-03-01T06:30');
    await releaseTo(newEvent.getByRole('group', { name: 'Marking', exact: true }), ['AUS']);
    await newEvent.getByRole('button', { name: 'Add event' }).click();
    await aus.page.getByRole('tab', { name: 'Timeline' }).click();
    const event = aus.page.locator('.event', { hasText: '010630ZMAR25' });
    await event.waitFor({ timeout: LIVE_MS });
    // A light row until opened: its title as text, then the editor.
    expect(await event.locator('.item-title').textContent()).toBe('Convoy leaves port');
    await event.getByRole('button', { name: 'Open event' }).click();
    expect(await event.getByLabel('Event title').inputValue()).toBe('Convoy leaves port');

    await usa.page.getByRole('tab', { name: 'RFI board' }).click();
    const newRfi = usa.page.getByRole('form', { name: 'New RFI' });
    await newRfi.getByLabel('Title').fill('Which vessel is escorting?');
    await newRfi.getByLabel('Question').fill('Name and hull number of the escort.');
    await newRfi.getByRole('button', { name: 'Raise RFI' }).click();
    await aus.page.getByRole('tab', { name: 'RFI board' }).click();
    const card = aus.page.getByRole('region', { name: /Open/ }).getByRole('article', { name: 'Request for information' });
    await card.waitFor({ timeout: LIVE_MS });
    await card.getByRole('button', { name: 'Open request for information' }).click();
    await card.getByLabel('Assigned to').selectOption('AUS');
    const assigned = usa.page.getByRole('region', { name: /Assigned/ }).getByRole('article', { name: 'Request for information' });
    await assigned.waitFor({ timeout: LIVE_MS });
    await assigned.getByText('Assigned to AUS').waitFor({ timeout: LIVE_MS });
    await screenshot(usa.page, 'fvey-cell-usa-analyst-rfi-board');
    expect([...usa.errors, ...aus.errors]).toEqual([]);
  });
});
