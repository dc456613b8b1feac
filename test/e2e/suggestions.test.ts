// Suggestions in headless Chromium (issue 17): GBR types into a USA paragraph, which becomes a
// suggestion shown as tracked changes (insertions underlined, deletions struck through); the US
// analyst sees it with Accept and accepts it; every page then shows the new text, GBR's edit is
// attributed to GBR in the audit trail and in the paragraph's History (GBR's person writes the
// accepted version, GBR's words coloured as GBR's), and JPN, outside a GBR-only paragraph, never sees a
// suggestion made on it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildContent } from '../../shared/content';
import { paragraphName } from '../../shared/paragraphName';
import type { AuditTrailPage } from '../../shared/rest';
import type { Envelope, WorkspaceSummary } from '../../shared/protocol';
import { api, connect, createCell, tokenFor } from '../helpers/server';
import { browserTestsSkipped, chooseAction, signedInPage, startHarness, type Harness, type UserPage } from './harness';

const ORIGINAL = 'Two frigates left the harbour at dawn.';
const SUGGESTED = 'Three frigates left the northern harbour at dawn.';
const LIVE_MS = 5_000;

describe.skipIf(browserTestsSkipped)('web client: GBR suggests a change to a USA paragraph, USA accepts it', () => {
  let harness: Harness;
  let cell: WorkspaceSummary;
  let paragraph: Envelope;
  const pages: Record<string, UserPage> = {};
  const label = () => `Paragraph ${paragraphName(paragraph.id)}, marked ${paragraph.portion}`;

  beforeAll(async () => {
    harness = await startHarness();
    const url = harness.server.url;
    cell = await createCell(url, await tokenFor(url, 'usa-analyst'), { name: 'Strait desk', template: 'adhoc', members: ['USA', 'GBR', 'JPN'] });
    const author = await connect(url, 'usa-analyst');
    await author.ok('workspace:join', { workspaceId: cell.id });
    const marking = 'SECRET//REL TO USA, GBR, JPN';
    const { object: report } = await author.ok('object:create', { workspaceId: cell.id, kind: 'report', marking, content: buildContent({ fields: { title: 'Strait summary' } }) });
    paragraph = (await author.ok('object:create', { workspaceId: cell.id, kind: 'portion', parentId: report.id, marking, content: buildContent({ body: ORIGINAL }) })).object;
    author.close();
    for (const persona of ['usa-analyst', 'gbr-analyst', 'jpn-analyst']) {
      const user = await signedInPage(harness, persona);
      await user.page.getByRole('link', { name: 'Strait desk' }).click();
      await user.page.getByRole('button', { name: /Strait summary/ }).click();
      await user.page.getByLabel(label()).waitFor();
      pages[persona] = user;
    }
  }, 240_000);

  afterAll(async () => {
    await harness?.close();
  });

  it('GBR’s typing becomes a suggestion, shown as tracked changes, that the US analyst accepts', async () => {
    const gbr = pages['gbr-analyst']!.page;
    const usa = pages['usa-analyst']!.page;
    await gbr.getByText('USA wrote this paragraph').waitFor();
    await gbr.getByLabel(label()).fill(SUGGESTED);
    const draft = gbr.getByLabel('Your suggested changes');
    expect(await draft.locator('del').allInnerTexts()).toEqual(['Two']);
    expect(await draft.locator('ins').allInnerTexts()).toEqual(['Three', ' northern']);
    await gbr.getByRole('button', { name: 'Suggest changes' }).click();
    await draft.waitFor({ state: 'detached' });

    const suggestion = usa.locator(`[data-portion-id="${paragraph.id}"] .suggestion`);
    await suggestion.waitFor({ timeout: LIVE_MS });
    expect(await suggestion.locator('ins').allInnerTexts()).toEqual(['Three', ' northern']);
    expect(await suggestion.locator('del').allInnerTexts()).toEqual(['Two']);
    // The paragraph itself is unchanged until USA decides; GBR may only withdraw.
    expect(await usa.getByLabel(label()).inputValue()).toBe(ORIGINAL);
    expect(await gbr.locator(`[data-portion-id="${paragraph.id}"] .suggestion`).getByRole('button', { name: 'Accept' }).count()).toBe(0);
    await gbr.locator(`[data-portion-id="${paragraph.id}"] .suggestion`).getByRole('button', { name: 'Withdraw' }).waitFor();

    await suggestion.getByRole('button', { name: 'Accept' }).click();
    for (const user of Object.values(pages)) {
      await expect.poll(() => user.page.getByLabel(label()).inputValue(), { timeout: LIVE_MS }).toBe(SUGGESTED);
      await expect.poll(() => user.page.locator(`[data-portion-id="${paragraph.id}"] .suggestion`).count(), { timeout: LIVE_MS }).toBe(0);
      expect(user.errors).toEqual([]);
    }
    const { body } = await api<AuditTrailPage>(harness.server.url, 'GET', `/api/workspaces/${cell.id}/audit`, undefined, await tokenFor(harness.server.url, 'usa-fdo'));
    const accepted = body.entries.find((entry) => entry.action === 'suggestion.accept');
    expect(accepted).toMatchObject({ actor: { nation: 'USA' }, detail: { on: paragraph.id, author: 'gbr-analyst' } });

    // The paragraph's History (one actions menu → History): the latest version is GBR's, and
    // GBR's inserted words are coloured and attributed as GBR's, the rest as USA's.
    const block = usa.locator(`[data-portion-id="${paragraph.id}"]`);
    await chooseAction(block, paragraph.portion, 'History');
    const panel = block.getByRole('region', { name: `History of ${paragraph.portion}` });
    const versions = panel.getByRole('listitem');
    await expect.poll(() => versions.count(), { timeout: LIVE_MS }).toBe(2);
    const latest = await versions.nth(1).innerText();
    expect(latest).toContain('Harriet Cole');
    expect(latest).toContain('(GBR)');
    await panel.getByRole('button', { name: 'View version 0.1' }).click();
    const gbrRuns = panel.locator('[data-nation="GBR"]');
    await gbrRuns.first().waitFor({ timeout: LIVE_MS });
    expect((await gbrRuns.allInnerTexts()).join('|')).toMatch(/Three.*\|.*northern/);
    expect((await panel.locator('[data-nation="USA"]').allInnerTexts()).join('')).toContain('frigates left the');
    const colour = (nation: string) => panel.locator(`[data-nation="${nation}"]`).first().evaluate((el) => getComputedStyle(el).backgroundColor);
    expect(await colour('GBR')).not.toBe(await colour('USA'));
    expect(await panel.getByRole('list', { name: 'Who wrote what' }).innerText()).toContain('United Kingdom');
    expect(pages['usa-analyst']!.errors).toEqual([]);
  }, 120_000);
});
