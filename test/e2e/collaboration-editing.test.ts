// Working together on one report, in headless Chromium, with USA, GBR and JPN in one cell
// (issue 17): a paragraph deleted by USA disappears from every page (and from the socket's later
// frames) and is in the audit trail; paragraphs carry the same stable name on every page.
// Suggestions on another nation's paragraph are in suggestions.test.ts, history with attribution
// in history.test.ts, offline edits that survive a reload in offline.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildContent } from '../../shared/content';
import { paragraphName } from '../../shared/paragraphName';
import type { AuditTrailPage } from '../../shared/rest';
import type { Envelope, WorkspaceSummary } from '../../shared/protocol';
import { api, connect, createCell, tokenFor } from '../helpers/server';
import { browserTestsSkipped, chooseAction, signedInPage, startHarness, type Harness, type UserPage } from './harness';

const DOOMED = 'Ferry timetable changed at short notice';
const KEPT = 'Harbour pilots report a closed channel';
const LIVE_MS = 2_000;

describe.skipIf(browserTestsSkipped)('web client: USA, GBR and JPN working on one report', () => {
  let harness: Harness;
  let cell: WorkspaceSummary;
  let doomed: Envelope;
  const pages: Record<string, UserPage> = {};

  beforeAll(async () => {
    harness = await startHarness();
    const url = harness.server.url;
    cell = await createCell(url, await tokenFor(url, 'usa-analyst'), { name: 'Harbour watch', template: 'adhoc', members: ['USA', 'GBR', 'JPN'] });
    const author = await connect(url, 'usa-analyst');
    await author.ok('workspace:join', { workspaceId: cell.id });
    const marking = 'SECRET//REL TO USA, GBR, JPN';
    const { object: report } = await author.ok('object:create', { workspaceId: cell.id, kind: 'report', marking, content: buildContent({ fields: { title: 'Harbour summary' } }) });
    doomed = (await author.ok('object:create', { workspaceId: cell.id, kind: 'portion', parentId: report.id, marking, content: buildContent({ body: DOOMED }) })).object;
    await author.ok('object:create', { workspaceId: cell.id, kind: 'portion', parentId: report.id, marking, content: buildContent({ body: KEPT }) });
    author.close();
  }, 240_000);

  afterAll(async () => {
    await harness?.close();
  });

  it('names each paragraph the same on every page', async () => {
    for (const persona of ['usa-analyst', 'gbr-analyst', 'jpn-analyst']) {
      const user = await signedInPage(harness, persona);
      await user.page.getByRole('link', { name: 'Harbour watch' }).click();
      await user.page.getByRole('button', { name: /Harbour summary/ }).click();
      await user.page.getByLabel(`Paragraph ${paragraphName(doomed.id)}, marked (S//REL TO USA, GBR, JPN)`).waitFor();
      pages[persona] = user;
    }
    for (const user of Object.values(pages)) {
      expect(await user.page.getByLabel(`Paragraph ${paragraphName(doomed.id)}, marked (S//REL TO USA, GBR, JPN)`).inputValue()).toBe(DOOMED);
    }
  }, 120_000);

  it('a paragraph deleted by USA disappears for everyone and is in the audit trail', async () => {
    const name = paragraphName(doomed.id);
    const usa = pages['usa-analyst']!;
    // Only the originating nation is offered the deletion.
    const onGbrPage = pages['gbr-analyst']!.page.locator(`[data-portion-id="${doomed.id}"]`);
    await onGbrPage.getByRole('button', { name: `Actions ${doomed.portion}`, exact: true }).click();
    await onGbrPage.getByRole('menu').getByRole('menuitem', { name: 'Export' }).waitFor();
    expect(await onGbrPage.getByRole('menu').getByRole('menuitem').allInnerTexts()).not.toContain('Delete');
    await onGbrPage.getByRole('button', { name: `Actions ${doomed.portion}`, exact: true }).click();
    await chooseAction(usa.page.locator(`[data-portion-id="${doomed.id}"]`), doomed.portion, 'Delete');
    await usa.page.getByRole('status').getByText(`Paragraph ${name} deleted for everyone.`).waitFor();
    for (const user of Object.values(pages)) {
      const items = user.page.getByRole('list', { name: 'Paragraphs' }).getByRole('listitem');
      await expect.poll(() => items.count(), { timeout: LIVE_MS }).toBe(1);
      expect(await user.page.getByText(DOOMED).count()).toBe(0);
      expect(user.errors).toEqual([]);
    }
    const { body } = await api<AuditTrailPage>(harness.server.url, 'GET', `/api/workspaces/${cell.id}/audit`, undefined, await tokenFor(harness.server.url, 'gbr-fdo'));
    expect(body.entries.filter((entry) => entry.objectId === doomed.id).map((entry) => [entry.action, entry.actor.nation])).toEqual([
      ['object.create', 'USA'],
      ['object.delete', 'USA'],
    ]);
  });
});
