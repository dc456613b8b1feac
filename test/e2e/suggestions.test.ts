// Suggestions in headless Chromium (issue 17): GBR types into a USA paragraph, which becomes a
// suggestion shown as tracked changes (insertions underlined, deletions struck through); the US
// analyst sees it with Accept and accepts it; every page then shows the new text, GBR's edit is
// attributed to GBR in the audit trail, and JPN, outside a GBR-only paragraph, never sees a
// suggestion made on it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildContent } from '../../shared/content';
import { paragraphName } from '../../shared/paragraphName';
import type { AuditTrailPage } from '../../shared/rest';
import type { Envelope, WorkspaceSummary } from '../../shared/protocol';
import { api, connect, createCell, tokenFor } from '../helpers/server';
import { browserTestsSkipped, signedInPage, startHarness, type Harness, type UserPage } from './harness';

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
  }, 120_000);
});
