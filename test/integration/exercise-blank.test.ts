// A cell created blank as an exercise (POST /api/workspaces with `exercise`) gets a runner with an
// empty MSEL: EXCON adds injects in the cell (checked as a scenario file's are, audited), rewrites
// or cancels planned ones, and runs the clock as in a scenario cell. An inject fires at its scenario
// time and reaches only the levels its marking allows. The added injects survive a restart.
import { afterEach, expect, test } from 'vitest';
import type { Envelope, MselRow } from '../../shared/protocol';
import type { AuditTrailPage } from '../../shared/rest';
import type { RunningServer } from '../../server/app';
import { eventually } from '../helpers/cluster';
import { api, connect, createCell, startTestServer, tempDir, tokenFor } from '../helpers/server';

let server: RunningServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const GB = 'SECRET//REL TO USA, GBR';

test('EXCON fills a blank exercise cell with injects; at x60 each fires at its time, only to the levels its marking allows', async () => {
  const dataDir = tempDir();
  server = await startTestServer({ dataDir });
  const cell = await createCell(server.url, await tokenFor(server.url, 'usa-analyst'), { name: 'Blank drill', template: 'adhoc', members: ['USA', 'GBR', 'JPN'], exercise: true });
  const [excon, usa, gbr, jpn] = await Promise.all(['usa-excon', 'usa-secret', 'gbr-analyst', 'jpn-analyst'].map((p) => connect(server!.url, p)));
  for (const c of [excon!, usa!, gbr!, jpn!]) await c.ok('workspace:join', { workspaceId: cell.id });
  expect((await excon!.ok('exercise:msel', { workspaceId: cell.id })).msel).toEqual([]);

  const add = (inject: Record<string, unknown>) => excon!.call('exercise:inject:add', { workspaceId: cell.id, inject });
  const shared = await add({ at: '+00:02', author: 'USA', kind: 'create', marking: GB, title: 'For the UK', content: 'GB-CANARY' });
  expect(shared).toMatchObject({ ok: true, inject: { id: 'X-01', state: 'planned', marking: GB } });
  const noforn = await excon!.ok('exercise:inject:add', { workspaceId: cell.id, inject: { id: 'US-ONLY', at: 1, author: 'USA', kind: 'create', marking: 'SECRET//NOFORN', title: 'Draft', content: 'DRAFT' } });
  expect(noforn.inject.id).toBe('US-ONLY');
  // Rewritten while planned: US eyes only still, new text, a minute later.
  await excon!.ok('exercise:inject:edit', { workspaceId: cell.id, injectId: 'US-ONLY', inject: { at: '+00:03', author: 'USA', kind: 'create', marking: 'SECRET//NOFORN', title: 'US only', content: 'NF-CANARY' } });
  await excon!.ok('exercise:inject:add', { workspaceId: cell.id, inject: { id: 'DROPPED', at: '+00:04', author: 'USA', kind: 'create', marking: GB, title: 'Dropped', content: 'DROPPED-CANARY' } });
  await excon!.ok('exercise:inject', { workspaceId: cell.id, injectId: 'DROPPED', action: 'cancel', reason: 'Not needed' });

  // Checked as a scenario's inject: a bad marking, an author who is no member, a duplicate id, a player.
  const bad = await add({ at: '+00:05', author: 'USA', kind: 'create', marking: 'SECRET//REL TO USA, XXX', title: 'Bad', content: 'x' });
  expect(bad).toMatchObject({ ok: false, error: { code: 'bad_request' } });
  expect(!bad.ok && bad.error.message).toMatch(/^The inject has 1 fault:\nmarking: .*XXX/);
  expect(await add({ at: '+00:05', author: 'KOR', kind: 'create', marking: 'UNCLASSIFIED', title: 'Korea' })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
  expect(await add({ id: 'X-01', at: '+00:05', author: 'USA', kind: 'create', marking: GB, title: 'Again' })).toMatchObject({ ok: false, error: { code: 'conflict' } });
  expect(await usa!.call('exercise:inject:add', { workspaceId: cell.id, inject: { at: 1, author: 'USA', kind: 'create', marking: GB, title: 'Mine' } })).toMatchObject({
    ok: false,
    error: { code: 'forbidden' },
  });

  await excon!.ok('exercise:clock', { workspaceId: cell.id, action: { type: 'speed', speed: 60 } });
  await excon!.ok('exercise:clock', { workspaceId: cell.id, action: { type: 'start' } });
  const states = async () => Object.fromEntries((await excon!.ok('exercise:msel', { workspaceId: cell.id })).msel.map((row: MselRow) => [row.id, row.state]));
  await eventually(async () => (await states())['US-ONLY'] === 'released', 30_000, 'US-ONLY released');
  await excon!.ok('exercise:clock', { workspaceId: cell.id, action: { type: 'pause' } });
  expect(await states()).toEqual({ 'X-01': 'released', 'US-ONLY': 'released', DROPPED: 'cancelled' });

  const sharedObject: Envelope = await gbr!.waitFor('object:added', (e: Envelope) => e.marking === GB);
  await usa!.waitFor('object:added', (e: Envelope) => e.marking === 'SECRET//NOFORN');
  const gbSync = await gbr!.ok('doc:sync', { workspaceId: cell.id, docs: [{ id: sharedObject.id }] });
  expect(Buffer.from(gbSync.docs[0]!.update).toString('latin1')).toContain('GB-CANARY');
  // Japan may see neither; the UK never learns of the NOFORN one.
  expect(jpn!.frames.filter((f) => f.event === 'object:added' || f.event === 'doc:update')).toEqual([]);
  expect(JSON.stringify(gbr!.frames)).not.toContain('SECRET//NOFORN');

  const trail = await api<AuditTrailPage>(server.url, 'GET', `/api/workspaces/${cell.id}/audit`, undefined, await tokenFor(server.url, 'usa-excon'));
  expect(trail.body.entries.filter((e) => e.action === 'exercise.plan').map((e) => [e.detail.injectId, e.detail.change])).toEqual([
    ['X-01', 'added'],
    ['US-ONLY', 'added'],
    ['US-ONLY', 'changed'],
    ['DROPPED', 'added'],
  ]);
  for (const c of [excon!, usa!, gbr!, jpn!]) c.close();

  // The MSEL EXCON wrote is kept with the runner over a restart.
  await server.close();
  server = await startTestServer({ dataDir });
  const again = await connect(server.url, 'usa-excon');
  await again.ok('workspace:join', { workspaceId: cell.id });
  expect((await again.ok('exercise:msel', { workspaceId: cell.id })).msel.map((row: MselRow) => [row.id, row.title, row.state])).toEqual([
    ['X-01', 'For the UK', 'released'],
    ['US-ONLY', 'US only', 'released'],
    ['DROPPED', 'Dropped', 'cancelled'],
  ]);
  again.close();
}, 90_000);
