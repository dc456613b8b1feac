// The History panel in headless Chromium (issue 17): GBR's sentence in a US paragraph is coloured
// as GBR's and the legend names both nations; USA restores the first version, which every page
// then shows as the paragraph's text.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { bodyOf, buildContent } from '../../shared/content';
import { paragraphName } from '../../shared/paragraphName';
import { bytesOf, type Envelope, type WorkspaceSummary } from '../../shared/protocol';
import { connect, createCell, tokenFor } from '../helpers/server';
import { browserTestsSkipped, chooseAction, screenshot, signedInPage, startHarness, type Harness } from './harness';

const FIRST = 'Convoy leaves at dawn.';
const ADDED = ' Escort of two frigates.';

describe.skipIf(browserTestsSkipped)('web client: history with attribution', () => {
  let harness: Harness;
  let cell: WorkspaceSummary;
  let portion: Envelope;

  beforeAll(async () => {
    harness = await startHarness();
    const url = harness.server.url;
    cell = await createCell(url, await tokenFor(url, 'usa-analyst'), { name: 'Convoy desk', template: 'adhoc', members: ['USA', 'GBR'], crossNationEditing: 'direct' });
    const usa = await connect(url, 'usa-analyst');
    const gbr = await connect(url, 'gbr-analyst');
    for (const client of [usa, gbr]) await client.ok('workspace:join', { workspaceId: cell.id });
    const marking = 'SECRET//REL TO USA, GBR';
    const { object: report } = await usa.ok('object:create', { workspaceId: cell.id, kind: 'report', marking, content: buildContent({ fields: { title: 'Convoy summary' } }) });
    portion = (await usa.ok('object:create', { workspaceId: cell.id, kind: 'portion', parentId: report.id, marking, content: buildContent({ body: FIRST }) })).object;
    const { docs } = await gbr.ok('doc:sync', { workspaceId: cell.id, docs: [{ id: portion.id }] });
    const doc = new Y.Doc();
    Y.applyUpdate(doc, bytesOf(docs[0]!.update));
    const before = Y.encodeStateVector(doc);
    bodyOf(doc).insert(FIRST.length, ADDED);
    await gbr.ok('doc:update', { workspaceId: cell.id, id: portion.id, epoch: docs[0]!.epoch, update: Y.encodeStateAsUpdate(doc, before) });
    usa.close();
    gbr.close();
  }, 240_000);

  afterAll(async () => {
    await harness?.close();
  });

  it('colours each nation’s text, names them in a legend, and restores an earlier version', async () => {
    const { page, errors } = await signedInPage(harness, 'usa-analyst');
    await page.getByRole('link', { name: 'Convoy desk' }).click();
    await page.getByRole('button', { name: /Convoy summary/ }).click();
    const paragraph = page.getByLabel(`Paragraph ${paragraphName(portion.id)}, marked (S//REL TO USA, GBR)`);
    await expect.poll(() => paragraph.inputValue(), { timeout: 5_000 }).toBe(FIRST + ADDED);
    const block = page.locator(`[data-portion-id="${portion.id}"]`);
    await chooseAction(block, portion.portion, 'History');
    const panel = block.getByRole('region', { name: `History of ${portion.portion}` });
    const versions = panel.getByRole('listitem');
    await expect.poll(() => versions.count(), { timeout: 5_000 }).toBe(2);
    expect(await versions.nth(1).innerText()).toContain('(GBR)');

    await panel.getByRole('button', { name: 'View version 0.1' }).click();
    const usaRun = panel.locator('[data-nation="USA"]');
    const gbrRun = panel.locator('[data-nation="GBR"]');
    await gbrRun.waitFor();
    expect(await usaRun.innerText()).toBe(FIRST);
    expect(await gbrRun.innerText()).toBe(ADDED);
    const colour = (run: typeof usaRun) => run.evaluate((el) => getComputedStyle(el).backgroundColor);
    expect(await colour(usaRun)).not.toBe(await colour(gbrRun));
    const legend = await panel.getByRole('list', { name: 'Who wrote what' }).innerText();
    expect(legend).toContain('United States');
    expect(legend).toContain('United Kingdom');
    // The latest version is what the paragraph already says: nothing to restore.
    expect(await panel.getByRole('button', { name: 'Restore this version' }).count()).toBe(0);
    await screenshot(page, 'history-attribution');

    await panel.getByRole('button', { name: 'View version 0.0' }).click();
    await panel.getByRole('button', { name: 'Restore this version' }).click();
    await expect.poll(() => paragraph.inputValue(), { timeout: 5_000 }).toBe(FIRST);
    await expect.poll(() => versions.count(), { timeout: 5_000 }).toBe(3);
    expect(await versions.nth(2).innerText()).toContain('(USA)');
    expect(errors).toEqual([]);
  }, 120_000);
});
