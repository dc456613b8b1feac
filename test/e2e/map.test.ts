// The map in headless Chromium (OpenLayers draws with Canvas 2D, no WebGL needed), with a US and
// an Australian analyst in one FVEY cell: an area drawn counter-clockwise is filled for the
// partner (not the world around it); a hostile surface combatant placed by MGRS shows its symbol
// at the same place on the partner's map; a keyboard move is undone with Ctrl+Z and both moves
// are audited; the map is kept, drawing nothing, while another page shows, and shows on return a
// partner's move made meanwhile; a NOFORN feature never reaches the partner's map, lists,
// measurements or exports.
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePosition, parsePositions } from '../../shared/geo/coordinates';
import { rangeMetres } from '../../shared/geo/measure';
import type { AuditTrailPage } from '../../shared/rest';
import { ARTIFACTS, browserTestsSkipped, receivedBytes, releaseTo, signedInPage, startHarness, type Harness, type UserPage } from './harness';

const LIVE_MS = 2_000;
const MGRS = '51R YJ 00180 77215'; // 26°N 125°E
const SECRET_NAME = 'Safe house of the harbour source';

const featureList = (page: Page) => page.getByRole('region', { name: /^Features/ });
const workspaceIdOf = (page: Page) => /#\/w\/([^/]+)/.exec(page.url())![1]!;

/** RGBA of the features' canvas at a CSS pixel of the map (device pixel ratio 1 here). */
async function featurePixels(page: Page, points: [number, number][]): Promise<number[][]> {
  return page.evaluate((pts) => {
    const canvas = document.querySelector<HTMLCanvasElement>('[data-testid="map"] .tl-features canvas');
    if (!canvas) return pts.map(() => [-1, -1, -1, -1]);
    const context = canvas.getContext('2d')!;
    return pts.map(([x, y]) => Array.from(context.getImageData(x, y, 1, 1).data));
  }, points);
}

/** Whether the yellow move handle (rgb 255 191 71) is drawn at a CSS pixel of the map. */
async function handleAt(page: Page, [x, y]: [number, number]): Promise<boolean> {
  return page.evaluate(
    ([px, py]) =>
      Array.from(document.querySelectorAll<HTMLCanvasElement>('[data-testid="map"] .tl-overlay canvas')).some((canvas) => {
        const [r, g, b, a] = canvas.getContext('2d')!.getImageData(px!, py!, 1, 1).data;
        return r! > 240 && g! > 170 && g! < 210 && b! < 110 && a! > 200;
      }),
    [x, y],
  );
}

/** Audited moves in the cell, as the US FDO reads the audit trail. */
async function auditedMoves(harness: Harness, workspaceId: string): Promise<number> {
  const trail = JSON.parse(await api(harness, 'usa-fdo', `/api/workspaces/${workspaceId}/audit`)) as AuditTrailPage;
  return trail.entries.filter((e) => e.action === 'object.move').length;
}

/** Drags with the mouse from one CSS pixel of the map to another, in small steps as a hand would. */
async function drag(page: Page, from: [number, number], to: [number, number]): Promise<void> {
  const map = page.getByTestId('map');
  // The page may have scrolled (a focused map, a longer page) so that the sticky banner covers the start.
  await map.scrollIntoViewIfNeeded();
  await expect.poll(() => mapIsAt(page, from)).toBe(true);
  const box = (await map.boundingBox())!;
  await page.mouse.move(box.x + from[0], box.y + from[1]);
  await page.mouse.down();
  await page.mouse.move(box.x + to[0], box.y + to[1], { steps: 8 });
  await page.mouse.up();
}

/** Whether a pointer at this CSS pixel of the map reaches the map, not something drawn over it. */
async function mapIsAt(page: Page, [x, y]: [number, number]): Promise<boolean> {
  const box = (await page.getByTestId('map').boundingBox())!;
  return page.evaluate(([px, py]) => document.elementFromPoint(px!, py!)?.closest('[data-testid="map"]') != null, [box.x + x, box.y + y]);
}

async function mapSize(page: Page): Promise<{ width: number; height: number }> {
  const box = (await page.getByTestId('map').boundingBox())!;
  return { width: Math.round(box.width), height: Math.round(box.height) };
}

async function tokenFor(harness: Harness, persona: string): Promise<string> {
  const response = await fetch(`${harness.server.url}/api/dev/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ persona }) });
  return ((await response.json()) as { token: string }).token;
}

async function api(harness: Harness, persona: string, route: string): Promise<string> {
  const response = await fetch(`${harness.server.url}${route}`, { headers: { authorization: `Bearer ${await tokenFor(harness, persona)}` } });
  return response.text();
}

async function shot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const box = (await page.locator('section.map-panel').boundingBox())!;
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), clip: { x: box.x, y: box.y, width: box.width, height: Math.min(box.height, 620) } });
}

describe.skipIf(browserTestsSkipped)('the map: two partners in one FVEY cell', () => {
  let harness: Harness;
  let usa: UserPage;
  let aus: UserPage;

  beforeAll(async () => {
    harness = await startHarness();
    usa = await signedInPage(harness, 'usa-analyst');
    aus = await signedInPage(harness, 'aus-analyst');
    const page = usa.page;
    await page.getByRole('button', { name: 'Spin up a cell' }).click();
    await page.getByLabel('Cell name').fill('Harbour watch');
    await page.getByRole('radio', { name: 'Five Eyes', exact: true }).check();
    await page.getByRole('button', { name: 'Create cell' }).click();
    await page.getByRole('heading', { name: 'Harbour watch' }).waitFor();
    await page.getByText('Live', { exact: true }).waitFor();
    await aus.page.reload();
    await aus.page.getByRole('link', { name: 'Harbour watch' }).click();
    await aus.page.getByText('Live', { exact: true }).waitFor();
  });

  afterAll(async () => {
    await harness?.close();
  });

  it('fills an area drawn counter-clockwise on the partner’s map, not the world around it', async () => {
    const page = usa.page;
    await page.getByRole('button', { name: 'Add area' }).click();
    // Top, bottom left, bottom right: counter-clockwise on screen, north up.
    for (const [x, y] of [[560, 160], [480, 280], [640, 280]] as const) await page.getByTestId('map').click({ position: { x, y } });
    const form = page.getByRole('form', { name: 'New area' });
    await form.getByLabel('Name').fill('Exclusion zone');
    await releaseTo(form.getByRole('group', { name: 'Marking', exact: true }), ['AUS']);
    await form.getByRole('button', { name: 'Add area' }).click();

    await featureList(aus.page).getByRole('button', { name: /Exclusion zone/ }).click({ timeout: 3 * LIVE_MS });
    const { width, height } = await mapSize(aus.page);
    // Fitted to the area: its middle is tinted, the map's corners are not.
    await expect
      .poll(async () => {
        const [inside, corner, otherCorner] = await featurePixels(aus.page, [[Math.round(width / 2), Math.round(height / 2) + 10], [8, 8], [width - 8, height - 8]]);
        return [inside![3]! > 0, corner![3], otherCorner![3]];
      })
      .toEqual([true, 0, 0]);
  });

  it('shows a hostile surface combatant placed by MGRS at the same position on the partner’s map', async () => {
    const page = usa.page;
    await page.getByRole('button', { name: 'Add point' }).click();
    const form = page.getByRole('form', { name: 'New point' });
    const positions = form.getByLabel('Positions');
    await positions.fill(MGRS);
    // The position is echoed as read before anything is saved.
    await expect.poll(() => form.getByTestId('position-echo').innerText()).toMatch(/^Read as 26\.0000°N 125\.0000°E/);
    await positions.press('Enter');
    await form.getByRole('radio', { name: 'Hostile' }).check();
    await form.getByLabel('Find a unit or platform type').fill('surface combatant');
    await form.getByLabel('Type', { exact: true }).selectOption({ label: 'Surface combatant — Sea surface' });
    await expect.poll(() => form.getByTestId('symbol-chosen').innerText()).toBe('Hostile surface combatant');
    await form.getByLabel('Name').fill('Contact Alpha');
    await releaseTo(form.getByRole('group', { name: 'Marking', exact: true }), ['AUS']);
    await form.getByRole('button', { name: 'Add point' }).click();

    const ausPage = aus.page;
    await featureList(ausPage).getByRole('button', { name: /Contact Alpha/ }).click({ timeout: 3 * LIVE_MS });
    await ausPage.getByLabel('Position format').selectOption('mgrs');
    const { width, height } = await mapSize(ausPage);
    // Centred on it: the hostile frame's fill (milsymbol, rgb 255 128 128) is drawn right there ...
    const around: [number, number][] = [];
    for (let dx = -14; dx <= 14; dx += 2) for (let dy = -14; dy <= 14; dy += 2) around.push([Math.round(width / 2) + dx, Math.round(height / 2) + dy]);
    const hostileFill = ([r, g, b, a]: number[]) => r! > 240 && g! > 110 && g! < 145 && b! > 110 && b! < 145 && a! > 200;
    await expect.poll(async () => (await featurePixels(ausPage, around)).some(hostileFill)).toBe(true);
    // ... and the cursor read-out there is the typed MGRS (to a few metres).
    const box = (await ausPage.getByTestId('map').boundingBox())!;
    await ausPage.mouse.move(box.x + width / 2 - 20, box.y + height / 2 - 20);
    await ausPage.mouse.move(box.x + Math.round(width / 2), box.y + Math.round(height / 2), { steps: 4 });
    const readout = await ausPage.getByTestId('map-readout').innerText();
    const read = parsePosition(readout, 'lat-lon');
    const typed = parsePosition(MGRS, 'lat-lon');
    if (!read.ok || !typed.ok) throw new Error(`read-out “${readout}”: ${JSON.stringify(read)}`);
    expect(rangeMetres(read.position, typed.position)).toBeLessThan(500);
  });

  it('undoes a keyboard move with Ctrl+Z, and both moves are in the audit trail', async () => {
    const page = usa.page;
    await featureList(page).getByRole('button', { name: /Contact Alpha/ }).click();
    const positions = page.getByLabel('Positions of this point');
    const before = await positions.inputValue();
    await page.getByTestId('map').focus();
    await page.keyboard.press('ArrowUp'); // without a modifier the map pans, the contact stays
    expect(await positions.inputValue()).toBe(before);
    await page.keyboard.press('Alt+ArrowUp');
    await expect.poll(() => page.getByTestId('map-message').innerText()).toMatch(/^Moved Contact Alpha [\d.]+ nm \(.+\) north\. Ctrl\+Z undoes it\.$/);
    // The field shows the stored move, which may be drawn a frame after the message.
    await expect.poll(() => positions.inputValue()).not.toBe(before);
    const moved = await positions.inputValue();
    await expect.poll(() => aus.page.getByLabel('Positions of this point').inputValue(), { timeout: LIVE_MS }).toBe(moved);
    await page.keyboard.press('Control+z');
    await expect.poll(() => positions.inputValue()).toBe(before);
    await expect.poll(() => aus.page.getByLabel('Positions of this point').inputValue(), { timeout: LIVE_MS }).toBe(before);

    const workspaceId = workspaceIdOf(page);
    await expect
      .poll(async () => {
        const trail = JSON.parse(await api(harness, 'usa-fdo', `/api/workspaces/${workspaceId}/audit`)) as AuditTrailPage;
        return trail.entries.filter((e) => e.action === 'object.move').map((e) => [e.actor.sub, e.detail.marking]);
      })
      .toEqual([
        ['usa-analyst', 'SECRET//REL TO USA, AUS'],
        ['usa-analyst', 'SECRET//REL TO USA, AUS'],
      ]);
    // The partner's track history has both moves too, the second back where it started, saying who moved it.
    await expect.poll(() => aus.page.getByText(/Track history \(2 moves\)/).count(), { timeout: 4_000 }).toBe(1);
    await expect.poll(() => aus.page.getByTestId('track-point').innerText()).toMatch(/Z · moved by Alex Morgan \(USA analyst\) \(USA\) · /);
    // Replayed to where it was placed: the slider's first point.
    const slider = aus.page.getByLabel(/^Track history/);
    await slider.focus();
    await aus.page.keyboard.press('Home');
    await expect.poll(() => aus.page.getByTestId('track-point').innerText()).toMatch(/Z · placed by Alex Morgan \(USA analyst\) \(USA\) · 51R YJ 00180 77215$/);
  });

  it('keeps the map while the sharing figures show: nothing drawn while hidden, a partner’s move shown on return', async () => {
    const pages = aus.page.getByRole('navigation', { name: 'Workspace pages' });
    await aus.page.evaluate(() => {
      const counter = { frames: 0 };
      (window as unknown as { __mapFrames: typeof counter }).__mapFrames = counter;
      // Each finished drawing of the map (engine.ts), at the document: a map built again counts too.
      document.addEventListener('rendercomplete', () => counter.frames++, { capture: true });
    });
    const frames = () => aus.page.evaluate(() => (window as unknown as { __mapFrames: { frames: number } }).__mapFrames.frames);
    const page = usa.page;
    const positions = page.getByLabel('Positions of this point');
    const partnerPositions = aus.page.getByLabel('Positions of this point');
    await featureList(page).getByRole('button', { name: /Contact Alpha/ }).click();
    const before = await positions.inputValue();
    let hiddenFrom = 0;
    try {
      await pages.getByRole('link', { name: 'Sharing figures' }).click();
      await aus.page.locator('main.workspace-main[hidden]').waitFor({ state: 'attached' });
      hiddenFrom = await frames();
      await page.getByTestId('map').focus();
      await page.keyboard.press('Alt+ArrowUp');
      await expect.poll(() => positions.inputValue()).not.toBe(before);
      // The hidden map takes the move (its data) and draws nothing.
      await expect.poll(() => partnerPositions.inputValue(), { timeout: LIVE_MS }).toBe(await positions.inputValue());
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(await frames()).toBe(hiddenFrom);
    } finally {
      // Back to the picture whatever happened: the tests after this one use it.
      await pages.getByRole('link', { name: 'Picture' }).click();
    }
    await expect.poll(frames).toBeGreaterThan(hiddenFrom);
    expect(await partnerPositions.isVisible()).toBe(true);
    expect(await partnerPositions.inputValue()).toBe(await positions.inputValue());
    expect(aus.errors).toEqual([]);
    await page.keyboard.press('Control+z');
    await expect.poll(() => partnerPositions.inputValue(), { timeout: LIVE_MS }).toBe(before);
  });

  it('moves a point by dragging its handle: the partner sees it, it is audited, and Ctrl+Z undoes it', async () => {
    const page = usa.page;
    const workspaceId = workspaceIdOf(page);
    const movesBefore = await auditedMoves(harness, workspaceId);
    // Selecting it from the list centres the map on it; its yellow handle sits on it.
    await featureList(page).getByRole('button', { name: /Contact Alpha/ }).click();
    const positions = page.getByLabel('Positions of this point');
    const before = await positions.inputValue();
    const { width, height } = await mapSize(page);
    const centre: [number, number] = [Math.round(width / 2), Math.round(height / 2)];
    // The previous test panned the map with the arrow keys: drag only once it is drawn centred again, handle there.
    await expect.poll(() => handleAt(page, centre)).toBe(true);
    await drag(page, centre, [centre[0] + 80, centre[1]]);
    await expect.poll(() => page.getByTestId('map-message').innerText()).toMatch(/^Moved to .+\. Ctrl\+Z undoes it\.$/);
    await expect.poll(() => positions.inputValue()).not.toBe(before);
    const moved = await positions.inputValue();
    // Eastward: the same latitude, a greater longitude.
    const [from, to] = [parsePositions(before, 'lat-lon')[0]!, parsePositions(moved, 'lat-lon')[0]!];
    expect(to[0]).toBeGreaterThan(from[0]);
    expect(Math.abs(to[1] - from[1])).toBeLessThan(0.01);
    await expect.poll(() => aus.page.getByLabel('Positions of this point').inputValue(), { timeout: LIVE_MS }).toBe(moved);
    await expect.poll(() => auditedMoves(harness, workspaceId)).toBe(movesBefore + 1);

    await page.getByTestId('map').focus();
    await page.keyboard.press('Control+z');
    await expect.poll(() => positions.inputValue()).toBe(before);
    await expect.poll(() => aus.page.getByLabel('Positions of this point').inputValue(), { timeout: LIVE_MS }).toBe(before);
    await expect.poll(() => auditedMoves(harness, workspaceId)).toBe(movesBefore + 2);
  });

  it('reshapes an area vertex by vertex: a vertex dragged out of an edge reaches the partner', async () => {
    const page = usa.page;
    await featureList(page).getByRole('button', { name: /Exclusion zone/ }).click();
    const positions = page.getByLabel('Positions of this area');
    await expect.poll(async () => parsePositions(await positions.inputValue(), 'lat-lon')).toHaveLength(3);
    const before = parsePositions(await positions.inputValue(), 'lat-lon');
    // Fitted to the area: below its middle, the first run of the selected outline's dark pixels is its bottom edge.
    const { width, height } = await mapSize(page);
    const x = Math.round(width / 2);
    const bottomEdge = async () => {
      const column = await featurePixels(page, Array.from({ length: height / 2 - 30 }, (_, i) => [x, Math.round(height / 2) + 25 + i] as [number, number]));
      return column.findIndex(([r, g, b, a]) => a! > 200 && r! < 80 && g! < 80 && b! < 80);
    };
    // Waits for the map to be drawn fitted to it.
    await expect.poll(bottomEdge).toBeGreaterThan(-1);
    const edge = await bottomEdge();
    const y = Math.round(height / 2) + 25 + edge + 1;
    await drag(page, [x, y], [x, y + 50]);

    await expect.poll(async () => parsePositions(await positions.inputValue(), 'lat-lon').length).toBe(4);
    const reshaped = await positions.inputValue();
    await featureList(aus.page).getByRole('button', { name: /Exclusion zone/ }).click();
    await expect.poll(() => aus.page.getByLabel('Positions of this area').inputValue(), { timeout: LIVE_MS }).toBe(reshaped);
    // The new vertex lies south of the old bottom edge; the three old ones are kept.
    const after = parsePositions(reshaped, 'lat-lon');
    const southmost = Math.min(...before.map((p) => p[1]));
    expect(after.filter((p) => p[1] < southmost - 0.001)).toHaveLength(1);
    for (const vertex of before) expect(after.some((p) => rangeMetres(p, vertex) < 50)).toBe(true);
  });

  it('never lets a NOFORN feature reach the partner’s map, lists, measurements or exports', async () => {
    const page = usa.page;
    await page.getByRole('button', { name: 'Add point' }).click();
    const form = page.getByRole('form', { name: 'New point' });
    await form.getByLabel('Positions').fill('26.01N 125.01E');
    await form.getByLabel('Positions').press('Enter');
    await form.getByLabel('Name').fill(SECRET_NAME);
    await form.getByRole('radio', { name: 'NOFORN (own nation only)' }).check();
    await form.getByRole('button', { name: 'Add point' }).click();
    await featureList(page).getByRole('button', { name: new RegExp(SECRET_NAME) }).waitFor();

    const workspaceId = workspaceIdOf(page);
    const own = JSON.parse(await api(harness, 'usa-analyst', `/api/workspaces/${workspaceId}/features.geojson`)) as { features: { id: string; properties: { name: string } }[] };
    const secretId = own.features.find((f) => f.properties.name === SECRET_NAME)!.id;

    const ausPage = aus.page;
    await ausPage.getByLabel('Measure').selectOption('range');
    for (const [x, y] of [[300, 200], [500, 260]] as const) await ausPage.getByTestId('map').click({ position: { x, y } });
    await ausPage.getByTestId('measure-result').getByText(/^Range /).waitFor();
    // Magnetic beside true, for today, with the declination at each end.
    await expect.poll(() => ausPage.getByTestId('measure-result').innerText()).toMatch(/bearing \d{3}\.\d° T \/ \d{3}\.\d° M \(reciprocal \d{3}\.\d° T \/ \d{3}\.\d° M\)/);
    expect(await ausPage.getByTestId('measure-magnetic').innerText()).toMatch(/^Declination \d+\.\d° [EW] at the first point, \d+\.\d° [EW] at the second, on \d{4}-\d{2}-\d{2} \(WMM-2025\)/);
    await ausPage.getByText(/^Layers and filters/).click();
    // The whole picture replayed in time: its tracks hold nothing of the NOFORN feature either.
    const tracksAnswer = ausPage.waitForResponse((response) => response.url().endsWith(`/api/workspaces/${workspaceId}/tracks`));
    await ausPage.getByLabel('Replay the whole picture').check();
    const tracksBody = await (await tracksAnswer).text();
    expect(tracksBody).not.toContain(secretId);
    expect(tracksBody).toContain('"placed"');
    await expect.poll(() => ausPage.getByTestId('picture-time').innerText()).toMatch(/^Picture at \d{4}-\d{2}-\d{2} \d{2}:\d{2}Z\./);
    expect(await featureList(ausPage).getByRole('button').count()).toBe(2);
    // Back to before the first feature's creation: nothing stood on the map then; and forward again.
    const slider = ausPage.getByLabel('Picture at');
    await slider.focus();
    await ausPage.keyboard.press('Home');
    await expect.poll(() => featureList(ausPage).getByRole('button').count()).toBe(0);
    await ausPage.keyboard.press('End');
    await expect.poll(() => featureList(ausPage).getByRole('button').count()).toBe(2);
    await ausPage.getByLabel('Replay the whole picture').uncheck();
    await ausPage.waitForTimeout(LIVE_MS);

    expect(await ausPage.getByText(/^Layers and filters \(2 of 2 shown\)$/).count()).toBe(1);
    expect(await featureList(ausPage).getByRole('button').count()).toBe(2);
    expect(await ausPage.content()).not.toContain('Safe house');
    expect(receivedBytes(aus).includes('Safe house')).toBe(false);
    // Not even its id: no frame names it, so no later frame can be matched to it.
    expect(await ausPage.content()).not.toContain(secretId);
    expect(receivedBytes(aus).includes(secretId)).toBe(false);
    expect(JSON.parse(await api(harness, 'aus-analyst', `/api/workspaces/${workspaceId}/objects/${secretId}/track`))).toMatchObject({ error: { code: 'not_found' } });
    for (const format of ['geojson', 'kml']) {
      const partnerExport = await api(harness, 'aus-analyst', `/api/workspaces/${workspaceId}/features.${format}`);
      expect(partnerExport).toContain('Contact Alpha');
      expect(partnerExport).not.toContain('Safe house');
      expect(partnerExport).not.toContain('NOFORN');
    }
    // The same checks find it where it was sent.
    expect(receivedBytes(usa).includes('Safe house')).toBe(true);
    expect(receivedBytes(usa).includes(secretId)).toBe(true);
    expect(await api(harness, 'usa-analyst', `/api/workspaces/${workspaceId}/features.geojson`)).toContain(SECRET_NAME);
    expect(usa.errors.concat(aus.errors)).toEqual([]);
  });

  it('imports GeoJSON and KML files marked by the importer: the cell’s default to start with, never wider, and the partner sees only what is releasable', async () => {
    const page = usa.page;
    const file = {
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', properties: { name: 'Imported buoy' }, geometry: { type: 'Point', coordinates: [125.2, 26.1] } },
        { type: 'Feature', properties: { name: 'Imported open source', marking: 'UNCLASSIFIED' }, geometry: { type: 'Point', coordinates: [125.3, 26.1] } },
        { type: 'Feature', properties: { name: 'Imported source house', marking: 'SECRET//NOFORN' }, geometry: { type: 'Point', coordinates: [125.4, 26.1] } },
      ],
    };
    await page.locator('input[type="file"]').setInputFiles({ name: 'harbour.geojson', mimeType: 'application/geo+json', buffer: Buffer.from(JSON.stringify(file)) });
    const dialog = page.getByRole('dialog', { name: 'Import harbour.geojson' });
    // Marked with the cell's default (as the workspace list shows it) before anything is created.
    const defaultMarking = 'SECRET//REL TO USA, FVEY';
    await expect.poll(() => dialog.locator('.import-plan li').allInnerTexts()).toEqual([
      `Imported buoy: ${defaultMarking}`,
      `Imported open source: ${defaultMarking}`,
      'Imported source house: SECRET//NOFORN (kept within its own marking SECRET//NOFORN)',
    ]);
    await dialog.getByRole('button', { name: 'Import 3' }).click();
    await dialog.waitFor({ state: 'detached' });

    for (const name of ['Imported buoy', 'Imported open source', 'Imported source house']) await featureList(page).getByRole('button', { name: new RegExp(name) }).waitFor();
    const workspaceId = workspaceIdOf(page);
    const own = JSON.parse(await api(harness, 'usa-analyst', `/api/workspaces/${workspaceId}/features.geojson`)) as { features: { properties: { name: string; marking: string } }[] };
    expect(own.features.filter((f) => f.properties.name.startsWith('Imported')).map((f) => [f.properties.name, f.properties.marking]).sort()).toEqual([
      ['Imported buoy', defaultMarking],
      ['Imported open source', defaultMarking],
      ['Imported source house', 'SECRET//NOFORN'],
    ]);
    await featureList(aus.page).getByRole('button', { name: /Imported open source/ }).waitFor({ timeout: 3 * LIVE_MS });
    await featureList(aus.page).getByRole('button', { name: /Imported buoy/ }).waitFor();
    await aus.page.waitForTimeout(LIVE_MS);
    expect(await aus.page.content()).not.toContain('Imported source house');
    expect(receivedBytes(aus).includes('Imported source house')).toBe(false);
    expect(receivedBytes(usa).includes('Imported source house')).toBe(true);

    // KML too: a placemark with no marking of its own gets the importer's choice.
    const kml = '<?xml version="1.0"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document><Placemark><name>Imported mooring</name><Point><coordinates>125.5,26.1</coordinates></Point></Placemark></Document></kml>';
    await page.locator('input[type="file"]').setInputFiles({ name: 'moorings.kml', mimeType: 'application/vnd.google-earth.kml+xml', buffer: Buffer.from(kml) });
    const kmlDialog = page.getByRole('dialog', { name: 'Import moorings.kml' });
    await expect.poll(() => kmlDialog.locator('.import-plan li').allInnerTexts()).toEqual([`Imported mooring: ${defaultMarking}`]);
    await kmlDialog.getByRole('button', { name: 'Import 1' }).click();
    await featureList(aus.page).getByRole('button', { name: /Imported mooring/ }).waitFor({ timeout: 3 * LIVE_MS });
  });

  it('draws the world, a region and a harbour (screenshots for docs/client.md)', async () => {
    const page = usa.page;
    await page.getByRole('button', { name: 'Add point' }).click();
    const form = page.getByRole('form', { name: 'New point' });
    await form.getByLabel('Positions').fill('25°08′30″N 121°44′30″E');
    await form.getByLabel('Positions').press('Enter');
    await form.getByRole('radio', { name: 'Friend' }).check();
    await form.getByLabel('Find a unit or platform type').fill('patrol craft');
    await form.getByLabel('Type', { exact: true }).selectOption({ label: 'Patrol craft — Sea surface' });
    await form.getByLabel('Name').fill('Keelung patrol');
    await releaseTo(form.getByRole('group', { name: 'Marking', exact: true }), ['AUS']);
    await form.getByRole('button', { name: 'Add point' }).click();
    await featureList(page).getByRole('button', { name: /Keelung patrol/ }).waitFor();

    await page.getByRole('button', { name: 'World' }).click();
    await page.waitForTimeout(500);
    await shot(page, 'map-world');
    await featureList(page).getByRole('button', { name: /Contact Alpha/ }).click();
    for (let i = 0; i < 3; i++) await page.getByRole('button', { name: 'Zoom out' }).click();
    await page.waitForTimeout(500);
    await shot(page, 'map-region');
    await featureList(page).getByRole('button', { name: /Keelung patrol/ }).click();
    for (let i = 0; i < 3; i++) await page.getByRole('button', { name: 'Zoom in' }).click();
    await page.waitForTimeout(500);
    await shot(page, 'map-harbour');
  });
});
