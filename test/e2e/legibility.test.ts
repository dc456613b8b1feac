// Legibility in headless Chromium at the two sizes the cell's screens have (1024×700, 1920×1080):
// every portion mark on screen shows its whole text (not cut by its box or any box around it, no
// ellipsis), and each paragraph has one actions menu that the keyboard can work.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { Page } from 'playwright-core';
import { buildContent, editableFieldText } from '../../shared/content';
import { connect, createCell, tokenFor } from '../helpers/server';
import { browserTestsSkipped, screenshot, signedInPage, startHarness, type Harness, type UserPage } from './harness';

const LONG = 'SECRET//REL TO USA, AUS, CAN, GBR, JPN, KOR, NZL';
const ORCON = 'SECRET//ORCON//REL TO USA, AUS, GBR, JPN';

interface MarkReport {
  text: string;
  problem: string | null;
}

/** Each rendered portion mark, and why it is not fully visible (null when it is). */
function portionMarks(page: Page): Promise<MarkReport[]> {
  return page.locator('.portion-mark').evaluateAll((marks) =>
    marks
      .filter((mark) => mark.getClientRects().length > 0)
      .map((mark) => {
        const text = mark.textContent ?? '';
        const box = mark.getBoundingClientRect();
        let problem: string | null = null;
        if (mark.scrollWidth > mark.clientWidth + 1 && mark.clientWidth > 0) problem = `overflows its box (${mark.scrollWidth} > ${mark.clientWidth})`;
        for (let node: Element | null = mark; node && !problem; node = node.parentElement) {
          const style = getComputedStyle(node);
          if (style.textOverflow === 'ellipsis' && node.scrollWidth > node.clientWidth) problem = `cut with an ellipsis by ${node.className}`;
          if (style.webkitLineClamp !== 'none' && style.webkitLineClamp !== '') problem = `line-clamped by ${node.className}`;
          if (node !== mark && style.overflowX !== 'visible') {
            const frame = node.getBoundingClientRect();
            if (box.left < frame.left - 1 || box.right > frame.right + 1) problem = `clipped sideways by ${node.className}`;
          }
        }
        return { text, problem };
      }),
  );
}

describe.skipIf(browserTestsSkipped)('web client: legible at 1024×700 and 1920×1080', () => {
  let harness: Harness;
  let usa: UserPage;

  beforeAll(async () => {
    harness = await startHarness();
    const url = harness.server.url;
    const cell = await createCell(url, await tokenFor(url, 'usa-analyst'), {
      name: 'Legibility',
      members: ['USA', 'AUS', 'CAN', 'GBR', 'JPN', 'KOR', 'NZL'],
      defaultMarking: LONG,
    });
    const client = await connect(url, 'usa-analyst');
    await client.ok('workspace:join', { workspaceId: cell.id });
    const create = (body: object) => client.ok('object:create', { workspaceId: cell.id, ...body });
    const titled = new Y.Doc();
    editableFieldText(titled, 'title').insert(0, 'Strait transit');
    const { object: report } = await create({ kind: 'report', marking: LONG, content: Y.encodeStateAsUpdate(titled) });
    await create({ kind: 'portion', parentId: report.id, marking: LONG, content: buildContent({ body: 'Two frigates left the harbour at dawn.' }) });
    await create({ kind: 'portion', parentId: report.id, marking: ORCON, content: buildContent({ body: 'Tanker convoy.' }) });
    await create({ kind: 'event', marking: LONG, content: buildContent({ fields: { title: 'Frigates sail', when: '2026-11-30T12:30:00Z' }, body: 'Seen from the pier.' }) });
    await create({ kind: 'rfi', marking: ORCON, content: buildContent({ fields: { title: 'Where are the tankers bound?', status: 'open' }, body: 'Destination port.' }) });
    await create({ kind: 'feature', marking: LONG, content: buildContent({ fields: { name: 'Frigate group', geometry: { type: 'Point', coordinates: [120.5, 24.1] } } }) });
    client.close();

    usa = await signedInPage(harness, 'usa-analyst');
    await usa.page.getByRole('link', { name: 'Legibility' }).click();
    await usa.page.getByText('Live', { exact: true }).waitFor();
  });

  afterAll(async () => {
    await harness?.close();
  });

  for (const [width, height] of [
    [1024, 700],
    [1920, 1080],
  ] as const) {
    it(`shows every portion mark whole at ${width}×${height}`, async () => {
      const page = usa.page;
      await page.setViewportSize({ width, height });
      const seen: MarkReport[] = [];
      await page.getByRole('tab', { name: 'Reports' }).click();
      const listed = page.getByRole('button', { name: /Strait transit/ });
      if (await listed.count()) await listed.click();
      await page.getByLabel(/^Paragraph \S+, marked \(S\/\/OC\/REL TO USA, AUS, GBR, JPN\)$/).waitFor();
      await screenshot(page, `legibility-report-${width}x${height}`);
      seen.push(...(await portionMarks(page)));
      for (const tab of ['Timeline', 'RFI board']) {
        await page.getByRole('tab', { name: tab }).click();
        await page.locator('.tab-panel .portion-mark').first().waitFor();
        seen.push(...(await portionMarks(page)));
      }
      expect(seen.map((mark) => mark.text)).toEqual(expect.arrayContaining(['(S//REL TO USA, AUS, CAN, GBR, JPN, KOR, NZL)', '(S//OC/REL TO USA, AUS, GBR, JPN)']));
      expect(seen.filter((mark) => mark.problem !== null)).toEqual([]);
    });
  }

  it('gives each paragraph one actions menu that the keyboard opens, moves through and closes', async () => {
    const page = usa.page;
    await page.setViewportSize({ width: 1024, height: 700 });
    await page.getByRole('tab', { name: 'Reports' }).click();
    const paragraph = page.locator('.portion').first();
    const trigger = paragraph.getByRole('button', { name: 'Actions (S//REL TO USA, AUS, CAN, GBR, JPN, KOR, NZL)' });
    // One button for the paragraph's actions, comments included: nothing else to tab through.
    expect(await paragraph.getByRole('button').count()).toBe(1);
    expect(await paragraph.locator('.drag-handle').getAttribute('aria-hidden')).toBe('true');
    await trigger.focus();
    await page.keyboard.press('Enter');
    const menu = paragraph.getByRole('menu');
    expect(await menu.getByRole('menuitem').allInnerTexts()).toEqual(['Change marking…', 'Request release…', 'Create tearline', 'Export', 'Comment', 'History', 'Insert paragraph below', 'Move up', 'Move down', 'Delete']);
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('Change marking…');
    await page.keyboard.press('ArrowUp');
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('Delete');
    await page.keyboard.press('Escape');
    await expect.poll(() => menu.count()).toBe(0);
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Actions (S//REL TO USA, AUS, CAN, GBR, JPN, KOR, NZL)');
    expect(usa.errors).toEqual([]);
  });
});
