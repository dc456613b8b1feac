// An exercise in headless Chromium: EXCON starts a scenario at ×60 from its page; the exercise
// banner (the scenario's wording) is above the classification banner on every page of the cell;
// an inject reaches players of three nations as the version each may see, marked SIMULATED, and
// the NOFORN version never reaches the partners' pages, not even as bytes on their sockets.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RestAnswers } from '../../shared/rest';
import { drillScenario } from '../helpers/scenarios';
import { api, tokenFor } from '../helpers/server';
import { browserTestsSkipped, receivedBytes, screenshot, signedInPage, startHarness, type Harness, type UserPage } from './harness';

const BANNER = 'EXERCISE EXERCISE EXERCISE — PACIFIC DRILL';
const SCENARIO = drillScenario(
  BANNER,
  `  - id: I-01
    at: "+00:02"
    author: USA
    kind: create
    marking: SECRET//NOFORN
    title: US assessment
    content: NOFORN-CANARY the full assessment.
    variants:
      - { marking: "SECRET//REL TO USA, GBR, JPN", title: Partner assessment, content: The sanitised assessment. }
`,
);

describe.skipIf(browserTestsSkipped)('web client: an exercise with three nations', () => {
  let harness: Harness;
  let excon: UserPage;
  let players: Record<'usa' | 'gbr' | 'jpn', UserPage>;
  let cellId: string;

  beforeAll(async () => {
    harness = await startHarness();
    const token = await tokenFor(harness.server.url, 'usa-excon');
    const { status, body } = await api<RestAnswers['POST /api/exercises']>(harness.server.url, 'POST', '/api/exercises', { scenario: SCENARIO }, token);
    expect(status).toBe(201);
    cellId = body.exercise.cells[0]!.id;
    excon = await signedInPage(harness, 'usa-excon');
    players = {
      usa: await signedInPage(harness, 'usa-secret'),
      gbr: await signedInPage(harness, 'gbr-analyst'),
      jpn: await signedInPage(harness, 'jpn-analyst'),
    };
  });

  afterAll(async () => {
    await harness?.close();
  });

  it('shows the exercise banner above the classification banner on every page of the cell', async () => {
    for (const user of [excon, ...Object.values(players)]) {
      for (const view of ['', '/figures']) {
        await user.page.goto(`${harness.server.url}/#/w/${cellId}${view}`);
        const banner = user.page.getByTestId('exercise-banner');
        await expect.poll(() => banner.innerText()).toContain(BANNER);
        // Above the classification banner: it comes first in the page.
        expect(await user.page.locator('[data-testid="exercise-banner"] ~ [data-testid="banner-top"]').count()).toBe(1);
      }
    }
    await excon.page.goto(`${harness.server.url}/#/w/${cellId}/audit`);
    await expect.poll(() => excon.page.getByTestId('exercise-banner').innerText()).toContain(BANNER);
  });

  it('EXCON runs the clock at ×60 and the inject reaches each nation as the version it may see', async () => {
    for (const user of Object.values(players)) await user.page.goto(`${harness.server.url}/#/w/${cellId}`);
    const page = excon.page;
    await page.goto(`${harness.server.url}/#/w/${cellId}/exercise`);
    await page.getByTestId('inject-I-01').waitFor();
    expect(await page.getByTestId('inject-I-01').locator('.inject-state').innerText()).toBe('planned');
    await page.getByLabel('Speed').selectOption('60');
    await expect.poll(() => page.getByRole('heading', { name: /^Clock/ }).innerText()).toContain('×60');
    await page.getByRole('button', { name: 'Start', exact: true }).click();

    await players.usa.page.getByRole('button', { name: /US assessment/ }).waitFor({ timeout: 10_000 });
    for (const user of Object.values(players)) {
      const item = user.page.getByRole('button', { name: /Partner assessment/ });
      await item.waitFor({ timeout: 10_000 });
      expect(await item.innerText()).toContain('SIMULATED');
      await expect.poll(() => user.page.getByTestId('exercise-banner').innerText()).toMatch(/running ×60/);
    }
    await page.getByRole('button', { name: 'Pause', exact: true }).click();
    await expect.poll(() => page.getByTestId('inject-I-01').locator('.inject-state').innerText()).toBe('released');
    await screenshot(page, 'exercise-excon');
    await screenshot(players.jpn.page, 'exercise-jpn');

    for (const partner of [players.gbr, players.jpn]) {
      expect(await partner.page.getByRole('button', { name: /US assessment/ }).count()).toBe(0);
      expect(receivedBytes(partner).includes('NOFORN-CANARY')).toBe(false);
    }
    for (const user of [excon, ...Object.values(players)]) expect(user.errors).toEqual([]);
  });

  it('EXCON replays the cell as each level held it, scrubbing to before and after the inject', async () => {
    const page = excon.page;
    await page.goto(`${harness.server.url}/#/w/${cellId}/exercise`);
    const replay = page.getByRole('region', { name: 'Replay' });
    await replay.getByRole('button', { name: /^I-01 / }).click();
    await replay.getByLabel('As level').selectOption({ label: 'JPN · S' });
    const objects = replay.getByTestId('replay-object');
    await expect.poll(() => objects.allInnerTexts(), { timeout: 10_000 }).toEqual([expect.stringContaining('Partner assessment')]);
    await screenshot(page, 'exercise-replay-jpn');

    await replay.getByLabel('As level').selectOption({ label: 'USA · S' });
    await expect.poll(() => objects.allInnerTexts(), { timeout: 10_000 }).toEqual([expect.stringContaining('US assessment'), expect.stringContaining('Partner assessment')]);
    expect((await objects.allInnerTexts()).join()).toContain('NOFORN-CANARY');
    await screenshot(page, 'exercise-replay-usa');

    // Before the release nobody held anything; the moment shown is STARTEX in scenario time.
    const scrubber = replay.getByLabel('Moment');
    await scrubber.fill(await scrubber.getAttribute('min') as string);
    await expect.poll(() => replay.getByTestId('replay-picture').innerText(), { timeout: 10_000 }).toContain('held 0 objects');
    expect(await replay.getByTestId('replay-moment').innerText()).toMatch(/^\+00:00:00 scenario/);
    // Japan's replay never carried the NOFORN text to EXCON's page through Japan's level.
    await replay.getByLabel('As level').selectOption({ label: 'JPN · S' });
    await replay.getByRole('button', { name: /^I-01 / }).click();
    await expect.poll(() => objects.count(), { timeout: 10_000 }).toBe(1);
    expect(await objects.innerText()).not.toContain('NOFORN-CANARY');
    expect(excon.errors).toEqual([]);
  });

  it('charts the AAR on EXCON’s page: a bar per nation that saw the inject, and words where there is nothing to chart', async () => {
    const page = excon.page;
    await page.goto(`${harness.server.url}/#/w/${cellId}/exercise`);
    const share = page.getByTestId('chart-time-to-share');
    await expect.poll(() => share.locator('rect.mark').count(), { timeout: 10_000 }).toBe(3);
    expect(await share.locator('text.aar-chart-label').allTextContents()).toEqual(['I-01 · USA', 'I-01 · GBR', 'I-01 · JPN']);
    expect(await page.getByTestId('chart-releases').innerText()).toContain('No release was requested.');
    expect(await page.getByTestId('chart-denials').innerText()).toContain('No release was denied.');
    await share.scrollIntoViewIfNeeded();
    await screenshot(page, 'exercise-aar-charts');

    // The draft becomes a report of the cell, which the US player sees under Reports.
    await page.getByLabel('Marking of the AAR report').fill('SECRET//NOFORN');
    await page.getByRole('button', { name: 'Create AAR report' }).click();
    await expect.poll(() => page.getByRole('status').allInnerTexts(), { timeout: 10_000 }).toContainEqual(expect.stringContaining('The AAR is now a report of the cell'));
    await players.usa.page.getByRole('button', { name: /After-action review and improvement plan/ }).first().waitFor({ timeout: 10_000 });
    expect(await players.jpn.page.getByRole('button', { name: /After-action review and improvement plan/ }).count()).toBe(0);
    expect(excon.errors).toEqual([]);
  });
});
