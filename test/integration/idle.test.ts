// An idle server must stay asleep: every wake-up of a quiet process costs tens of µs of CPU on a
// virtualised host (more than a quiet cell's traffic), so no timer may tick faster than the
// figures it serves need. prom-client's event-loop histogram, at its default 10 ms, woke the
// server 100 times a second; this counts the wake-ups of the real `npm start` process.
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { kill, spawnServer, type ChildServer } from '../helpers/process';
import { connect, createCell, tempDir, tokenFor, type TestClient } from '../helpers/server';

const onLinux = process.platform === 'linux';
let running: ChildServer;
let dataDir: string;
const clients: TestClient[] = [];

beforeAll(async () => {
  dataDir = tempDir();
  running = await spawnServer({ TEARLINE_DATA_DIR: dataDir });
});
afterAll(async () => {
  for (const client of clients) client.close();
  await kill(running);
  rmSync(dataDir, { recursive: true, force: true });
});

/** Times the process's threads went to sleep of their own accord (each one is a later wake-up). */
function sleepsSoFar(pid: number): number {
  let total = 0;
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    try {
      const status = readFileSync(`/proc/${pid}/task/${task}/status`, 'utf8');
      total += Number(/^voluntary_ctxt_switches:\s+(\d+)/m.exec(status)?.[1] ?? 0);
    } catch {
      // The thread ended between listing and reading: its count is gone with it.
    }
  }
  return total;
}

test.runIf(onLinux)('an idle server with connected members wakes up fewer than 30 times a second', async () => {
  const token = await tokenFor(running.url, 'usa-analyst');
  const cell = await createCell(running.url, token, { name: 'Quiet cell', template: 'fvey' });
  for (const persona of ['usa-analyst', 'gbr-analyst', 'aus-analyst']) {
    const client = await connect(running.url, persona);
    await client.ok('workspace:join', { workspaceId: cell.id });
    clients.push(client);
  }
  await sleep(1_000);
  const pid = running.child.pid!;
  const before = sleepsSoFar(pid);
  await sleep(3_000);
  const perSecond = (sleepsSoFar(pid) - before) / 3;
  expect(perSecond).toBeLessThan(30);
});
