// One node writes a SQLite file (server/store/dataDirLock.ts): a second Tearline started on the
// same data directory stops at start with a sentence naming TEARLINE_DATA_DIR, rather than serve
// beside the first with its own memory of the file. The lock goes with the process that held it,
// closed or killed.
import { afterEach, expect, test } from 'vitest';
import type { RunningServer } from '../../server/app';
import { kill, spawnServer, type ChildServer } from '../helpers/process';
import { createCell, startTestServer, tempDir, tokenFor } from '../helpers/server';

const running: RunningServer[] = [];
let child: ChildServer | undefined;
afterEach(async () => {
  for (const server of running.splice(0)) await server.close();
  if (child) await kill(child);
});

async function start(dataDir: string): Promise<RunningServer> {
  const server = await startTestServer({ dataDir });
  running.push(server);
  return server;
}

const refused = expect.objectContaining({
  code: 'bad_config',
  message: expect.stringMatching(/^Another Tearline process is serving TEARLINE_DATA_DIR \(.+\): one node writes a SQLite file\./),
});

test('a second node on the same data directory stops at start; the first goes on; once it is closed, a node starts there', async () => {
  const dataDir = tempDir();
  const first = await start(dataDir);
  await expect(startTestServer({ dataDir })).rejects.toEqual(refused);
  const cell = await createCell(first.url, await tokenFor(first.url, 'usa-fdo'), { name: 'One writer', template: 'fvey' });
  await running.pop()!.close();
  const next = await start(dataDir);
  expect((await next.ctx.store.getWorkspace(cell.id))?.name).toBe('One writer');
});

test('the lock of a node killed with SIGKILL is gone with it', async () => {
  const dataDir = tempDir();
  child = await spawnServer({ TEARLINE_DATA_DIR: dataDir });
  await expect(startTestServer({ dataDir })).rejects.toEqual(refused);
  await kill(child);
  child = undefined;
  await start(dataDir);
});
