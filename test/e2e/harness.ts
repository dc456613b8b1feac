// Shared setup of the browser tests: a freshly built client, a Tearline server on a free loopback
// port with an empty data directory, and headless Chromium from Debian's `chromium` package.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { build } from 'vite';
import { startServer, type RunningServer } from '../../server/app';

export const CHROMIUM = '/usr/bin/chromium';
export const ARTIFACTS = path.resolve('test-artifacts');

/** Without Chromium the browser tests are skipped locally, never in CI (`CI=true`). */
export const browserTestsSkipped = !fs.existsSync(CHROMIUM) && process.env.CI !== 'true';
if (browserTestsSkipped) {
  console.log(`Browser tests skipped: ${CHROMIUM} is missing (apt-get install chromium). They always run when CI=true.`);
}

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * dist/client is what `npm start` serves; it is built when missing. The tests themselves use a
 * fresh build in a temporary directory, so they never run against a stale bundle.
 */
async function buildClient(outDir: string): Promise<void> {
  await build({
    configFile: path.join(ROOT, 'vite.config.ts'),
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true, chunkSizeWarningLimit: 2048 },
  });
}

export interface Harness {
  server: RunningServer;
  browser: Browser;
  close(): Promise<void>;
}

export async function startHarness(): Promise<Harness> {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'tearline-e2e-'));
  if (!fs.existsSync(path.join(ROOT, 'dist/client/index.html'))) await buildClient(path.join(ROOT, 'dist/client'));
  const staticDir = path.join(scratch, 'client');
  await buildClient(staticDir);
  const server = await startServer({ port: 0, host: '127.0.0.1', metricsPort: null, dataDir: path.join(scratch, 'data'), staticDir, logLevel: 'warn' });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // Playwright gives every launch a fresh temporary --user-data-dir of its own.
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
      '--no-first-run',
    ],
  });
  return {
    server,
    browser,
    async close() {
      await browser.close();
      await server.close();
      fs.rmSync(scratch, { recursive: true, force: true });
    },
  };
}

export interface UserPage {
  context: BrowserContext;
  page: Page;
  /** Uncaught page errors and console errors: a test fails if any appear. */
  errors: string[];
  /** Every WebSocket frame this page received, as raw bytes. */
  received: Buffer[];
}

/** A separate browser context (own storage, own socket) at 1280×800, signed in as a persona. */
export async function signedInPage(harness: Harness, persona: string): Promise<UserPage> {
  const context = await harness.browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const errors: string[] = [];
  const received: Buffer[] = [];
  page.on('pageerror', (error) => errors.push(`${persona}: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`${persona}: ${message.text()}`);
  });
  page.on('websocket', (socket) =>
    socket.on('framereceived', ({ payload }) => received.push(typeof payload === 'string' ? Buffer.from(payload) : payload)),
  );
  await page.goto(harness.server.url);
  await page.locator(`[data-persona="${persona}"]`).click();
  await page.getByRole('heading', { name: 'Workspaces' }).waitFor();
  return { context, page, errors, received };
}

/**
 * Everything a page received on its sockets, as bytes: the raw frames plus every base64 field in
 * them decoded (the client asks for `auth.encoding: 'base64'`, so Yjs updates arrive as base64
 * text). A leak check searches this, never the raw frames alone.
 */
export function receivedBytes(user: UserPage): Buffer {
  const decoded: Buffer[] = [];
  for (const frame of user.received) {
    for (const match of frame.toString('latin1').matchAll(/"([A-Za-z0-9+/]{8,}={0,2})"/g)) {
      decoded.push(Buffer.from(match[1]!, 'base64'));
    }
  }
  return Buffer.concat([...user.received, ...decoded]);
}

export async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: false });
}

/** Narrows a marking picker to REL TO the author's nation plus the given partners. */
export async function releaseTo(picker: Locator, partners: string[]): Promise<void> {
  await picker.getByRole('radio', { name: 'REL TO partners' }).check();
  for (const label of await picker.locator('fieldset.partners label').all()) {
    const box = label.getByRole('checkbox');
    if (partners.includes((await label.innerText()).trim())) await box.check();
    else await box.uncheck();
  }
}

/** Picks `item` from the actions menu of the object marked `portion` within `scope`. */
export async function chooseAction(scope: Locator, portion: string, item: string): Promise<void> {
  await scope.getByRole('button', { name: `Actions ${portion}`, exact: true }).click();
  await scope.getByRole('menu').getByRole('menuitem', { name: item, exact: true }).click();
}
