// Automatic release at the deadline survives a server restart (real clock, real process).
import { afterEach, expect, test } from 'vitest';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { buildContent } from '../../shared/content';
import type { Envelope } from '../../shared/protocol';
import { connect, createCell, tempDir, tokenFor } from '../helpers/server';
import { kill, spawnServer, type ChildServer } from '../helpers/process';

let running: ChildServer | undefined;
afterEach(async () => {
  if (running) await kill(running);
});

test('a request whose deadline passes while the server is down is released when it comes back', async () => {
  const dataDir = tempDir();
  running = await spawnServer({ TEARLINE_DATA_DIR: dataDir });
  const cell = await createCell(running.url, await tokenFor(running.url, 'usa-analyst'), {
    name: 'Crisis cell',
    template: 'adhoc',
    members: ['USA', 'JPN'],
    // Six seconds: a crisis drill.
    releasePolicy: { deadlineMinutes: 0.1, autoRelease: true },
  });
  const usa = await connect(running.url, 'usa-analyst');
  await usa.ok('workspace:join', { workspaceId: cell.id });
  const { object } = await usa.ok('object:create', {
    workspaceId: cell.id,
    kind: 'note',
    marking: 'SECRET//NOFORN',
    content: buildContent({ body: 'Typhoon track' }),
  });
  const orcon = (await usa.ok('object:create', { workspaceId: cell.id, kind: 'note', marking: 'SECRET//NOFORN//ORCON' })).object;
  const { request } = await usa.ok('release:request', { workspaceId: cell.id, id: object.id, marking: 'SECRET//REL TO USA, JPN', justification: 'Crisis.' });
  await usa.ok('release:request', { workspaceId: cell.id, id: orcon.id, marking: 'SECRET//REL TO USA, JPN//ORCON', justification: 'Crisis.' });
  usa.close();
  await kill(running);

  await new Promise((r) => setTimeout(r, Date.parse(request.deadline) - Date.now() + 500));
  running = await spawnServer({ TEARLINE_DATA_DIR: dataDir });
  const jpn = await connect(running.url, 'jpn-analyst');
  let objects: Envelope[] = [];
  for (let i = 0; i < 50 && objects.length === 0; i++) {
    objects = (await jpn.ok('workspace:join', { workspaceId: cell.id })).objects;
    if (objects.length === 0) await new Promise((r) => setTimeout(r, 100));
  }
  // Released automatically; the ORCON object never is.
  expect(objects.map((o) => [o.id, o.marking])).toEqual([[object.id, 'SECRET//REL TO USA, JPN']]);
  jpn.close();
  await kill(running);
  running = undefined;

  const verify = execFileSync(process.execPath, [path.resolve('bin/tearline.mjs'), 'audit', 'verify', '--data-dir', dataDir]).toString();
  expect(verify).toMatch(/^OK \(\d+ entries\)/);
});
