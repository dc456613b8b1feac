// Automatic release at the deadline survives a server restart (real clock, real process), and
// releases only the material of nations whose own FDOs opted in.
import { afterEach, expect, test } from 'vitest';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { buildContent } from '../../shared/content';
import type { Envelope, ReleaseRequest, WorkspaceSummary } from '../../shared/protocol';
import { api, connect, createCell, settle, startTestServer, tempDir, tokenFor } from '../helpers/server';
import { kill, spawnServer, type ChildServer } from '../helpers/process';

let running: ChildServer | undefined;
afterEach(async () => {
  if (running) await kill(running);
});

test('a request whose deadline passes while the server is down is released when it comes back', async () => {
  const dataDir = tempDir();
  running = await spawnServer({ TEARLINE_DATA_DIR: dataDir });
  const cell = await createCell(running.url, await tokenFor(running.url, 'usa-fdo'), {
    name: 'Crisis cell',
    template: 'adhoc',
    members: ['USA', 'JPN'],
    // Six seconds: a crisis drill. The creator, a USA FDO, opts USA material in.
    releasePolicy: { deadlineMinutes: 0.1, autoRelease: true, autoReleaseNations: ['USA'] },
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

test('a partner’s cell setting never releases USA material: only the originator’s own FDOs opt its material in', async () => {
  const server = await startTestServer();
  try {
    const gbrToken = await tokenFor(server.url, 'gbr-analyst');
    const policy = { deadlineMinutes: 0.1, autoRelease: true };
    // A GBR editor may turn the cell's automatic release on, but may not speak for USA material.
    const refused = await api<{ error: { code: string; message: string } }>(server.url, 'POST', '/api/workspaces', {
      name: 'Strait watch',
      template: 'adhoc',
      members: ['USA', 'GBR', 'JPN'],
      releasePolicy: { ...policy, autoReleaseNations: ['USA'] },
    }, gbrToken);
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toMatch(/Only a foreign disclosure officer of USA/);
    const cell = await createCell(server.url, gbrToken, { name: 'Strait watch', template: 'adhoc', members: ['USA', 'GBR', 'JPN'], releasePolicy: policy });
    expect(cell.releasePolicy).toEqual({ ...policy, autoReleaseNations: [] });

    const usa = await connect(server.url, 'usa-analyst');
    const gbr = await connect(server.url, 'gbr-analyst');
    const gbrFdo = await connect(server.url, 'gbr-fdo');
    for (const client of [usa, gbr, gbrFdo]) await client.ok('workspace:join', { workspaceId: cell.id });
    const usaNote = (await usa.ok('object:create', { workspaceId: cell.id, kind: 'note', marking: 'SECRET//REL TO USA, GBR', content: buildContent({ body: 'US tasking' }) })).object;
    const gbrNote = (await gbr.ok('object:create', { workspaceId: cell.id, kind: 'note', marking: 'SECRET//REL TO USA, GBR', content: buildContent({ body: 'UK patrol' }) })).object;

    // Opting in is for an FDO, and only ever for their own nation.
    const notFdo = await usa.call('release:policy', { workspaceId: cell.id, autoRelease: true });
    expect(notFdo).toMatchObject({ ok: false, error: { code: 'forbidden', message: expect.stringMatching(/Only a foreign disclosure officer of USA/) } });
    const optedIn = await gbrFdo.ok('release:policy', { workspaceId: cell.id, autoRelease: true });
    expect(optedIn.workspace.releasePolicy.autoReleaseNations).toEqual(['GBR']);
    const changed: WorkspaceSummary = await usa.waitFor('workspace:changed');
    expect(changed.releasePolicy).toEqual({ ...policy, autoReleaseNations: ['GBR'] });

    const ask = async (id: string) =>
      (await gbr.ok('release:request', { workspaceId: cell.id, id, marking: 'SECRET//REL TO USA, GBR, JPN', justification: 'JPN patrols the strait.' })).request;
    const usaRequest = await ask(usaNote.id);
    const gbrRequest = await ask(gbrNote.id);
    const outcome = (request: ReleaseRequest): Promise<ReleaseRequest> =>
      gbr.waitFor('release:changed', (r: ReleaseRequest) => r.id === request.id && r.state !== 'pending', Date.parse(request.deadline) - Date.now() + 10_000);
    expect(await outcome(usaRequest)).toMatchObject({ state: 'expired', cause: 'originator_not_opted_in' });
    expect(await outcome(gbrRequest)).toMatchObject({ state: 'auto_released' });

    const jpn = await connect(server.url, 'jpn-analyst');
    const { objects } = await jpn.ok('workspace:join', { workspaceId: cell.id });
    expect(objects.map((o) => o.id)).toEqual([gbrNote.id]);
    const trail = await api<{ entries: { action: string; actor: { sub: string }; detail: Record<string, unknown> }[] }>(
      server.url, 'GET', `/api/workspaces/${cell.id}/audit`, undefined, await tokenFor(server.url, 'gbr-fdo'),
    );
    expect(trail.body.entries.filter((e) => e.action === 'release.policy')).toEqual([
      expect.objectContaining({ actor: expect.objectContaining({ sub: 'gbr-fdo' }), detail: { nation: 'GBR', autoRelease: true } }),
    ]);
    await settle(usa, gbr, gbrFdo, jpn);
    for (const client of [usa, gbr, gbrFdo, jpn]) client.close();
  } finally {
    await server.close();
  }
});
