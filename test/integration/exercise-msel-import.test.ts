// EXCON imports an MSEL spreadsheet into a running exercise (exercise:msel:import): checked row by
// row, then all or nothing. A dry run describes it; applied, new ids are added and planned ones
// rewritten, audited as exercise.plan, and they fire at their times. Players are refused.
import { afterEach, expect, test } from 'vitest';
import type { MselRow } from '../../shared/protocol';
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
const HEADER = 'id,at,author,kind,marking,title,content';
const csv = (...rows: string[]) => `${[HEADER, ...rows].join('\n')}\n`;

test('EXCON imports an MSEL CSV: faults by row and column change nothing, settled injects refuse it, a dry run previews, applied injects fire at x60', async () => {
  server = await startTestServer({ dataDir: tempDir() });
  const cell = await createCell(server.url, await tokenFor(server.url, 'usa-analyst'), { name: 'CSV drill', template: 'adhoc', members: ['USA', 'GBR', 'JPN'], exercise: true });
  const [excon, usa] = await Promise.all(['usa-excon', 'usa-secret'].map((p) => connect(server!.url, p)));
  for (const c of [excon!, usa!]) await c.ok('workspace:join', { workspaceId: cell.id });
  await excon!.ok('exercise:inject:add', { workspaceId: cell.id, inject: { id: 'A-02', at: '+00:30', author: 'USA', kind: 'create', marking: GB, title: 'Old text', content: 'OLD' } });
  await excon!.ok('exercise:inject:add', { workspaceId: cell.id, inject: { id: 'GONE', at: '+00:40', author: 'USA', kind: 'create', marking: GB, title: 'Gone', content: 'GONE' } });
  await excon!.ok('exercise:inject', { workspaceId: cell.id, injectId: 'GONE', action: 'cancel', reason: 'Not needed' });
  const msel = async () => (await excon!.ok('exercise:msel', { workspaceId: cell.id })).msel.map((row: MselRow) => [row.id, row.title, row.state]);
  const before = await msel();
  const importing = (text: string, dryRun?: boolean) => excon!.call('exercise:msel:import', { workspaceId: cell.id, csv: text, ...(dryRun === undefined ? {} : { dryRun }) });

  const good = csv(`A-01,+00:02,USA,create,${JSON.stringify(GB)},First,CSV-ONE`, `A-02,+00:03,USA,create,SECRET//NOFORN,Second,CSV-TWO`);
  expect(await usa!.call('exercise:msel:import', { workspaceId: cell.id, csv: good })).toMatchObject({ ok: false, error: { code: 'forbidden' } });

  // A fault on line 3 is named by its row and column, and nothing is imported (not even line 2).
  const bad = await importing(csv(`A-01,+00:02,USA,create,${JSON.stringify(GB)},First,ONE`, 'A-03,+00:05,USA,create,"SECRET//REL TO USA, XXX",Bad,BAD'));
  expect(bad).toMatchObject({ ok: false, error: { code: 'bad_request' } });
  expect(!bad.ok && bad.error.message).toMatch(/^The MSEL file has 1 fault:\nRow 3, column marking \(E\): .*XXX/);
  // A cancelled inject is not rewritten: the import is refused, naming it.
  const settled = await importing(csv(`A-01,+00:02,USA,create,${JSON.stringify(GB)},First,ONE`, `GONE,+00:05,USA,create,${JSON.stringify(GB)},Back,BACK`));
  expect(settled).toMatchObject({ ok: false, error: { code: 'conflict' } });
  expect(!settled.ok && settled.error.message).toContain('GONE (cancelled)');

  // Two rows with one id, and a file with no injects, are refused too.
  const twice = await importing(csv(`A-01,+00:02,USA,create,${JSON.stringify(GB)},First,ONE`, `A-01,+00:03,USA,create,${JSON.stringify(GB)},Again,TWO`));
  expect(twice).toMatchObject({ ok: false, error: { code: 'bad_request', message: expect.stringMatching(/^The MSEL file has 1 fault:\nRow 3, column id \(A\): /) } });
  expect(await importing(csv())).toMatchObject({ ok: false, error: { code: 'bad_request', message: 'The MSEL file has no injects: only its header row.' } });

  const preview = await excon!.ok('exercise:msel:import', { workspaceId: cell.id, csv: good, dryRun: true });
  expect(preview).toEqual({
    ok: true,
    applied: false,
    injects: [
      { id: 'A-01', at: 120_000, title: 'First', change: 'added' },
      { id: 'A-02', at: 180_000, title: 'Second', change: 'changed' },
    ],
  });
  expect(await msel()).toEqual(before);

  expect((await excon!.ok('exercise:msel:import', { workspaceId: cell.id, csv: good })).applied).toBe(true);
  expect(await msel()).toEqual([
    ['A-02', 'Second', 'planned'],
    ['GONE', 'Gone', 'cancelled'],
    ['A-01', 'First', 'planned'],
  ]);
  const trail = await api<AuditTrailPage>(server.url, 'GET', `/api/workspaces/${cell.id}/audit`, undefined, await tokenFor(server.url, 'usa-excon'));
  expect(trail.body.entries.filter((e) => e.action === 'exercise.plan').map((e) => [e.detail.injectId, e.detail.change])).toEqual([
    ['A-02', 'added'],
    ['GONE', 'added'],
    ['A-01', 'added'],
    ['A-02', 'changed'],
  ]);

  await excon!.ok('exercise:clock', { workspaceId: cell.id, action: { type: 'speed', speed: 60 } });
  await excon!.ok('exercise:clock', { workspaceId: cell.id, action: { type: 'start' } });
  await eventually(async () => (await msel()).every(([, , state]: string[]) => state !== 'planned'), 30_000, 'imported injects released');
  expect(await msel()).toEqual([
    ['A-02', 'Second', 'released'],
    ['GONE', 'Gone', 'cancelled'],
    ['A-01', 'First', 'released'],
  ]);
  for (const c of [excon!, usa!]) c.close();
}, 90_000);
