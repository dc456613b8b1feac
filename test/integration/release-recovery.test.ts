// A release approved just before the server stopped, but not yet carried out, is finished when
// the server starts again; one carried out and re-marked by a person since is left alone.
import { expect, test, vi } from 'vitest';
import { finishInterruptedReleases } from '../../server/release/recovery';
import { buildContent } from '../../shared/content';
import type { ReleaseRequest } from '../../shared/release';
import { connect, createCell, startTestServer, tempDir, tokenFor } from '../helpers/server';

test('an approval stored without its re-mark is completed at start-up, exactly once', async () => {
  const dataDir = tempDir();
  let server = await startTestServer({ dataDir });
  const cell = await createCell(server.url, await tokenFor(server.url, 'usa-fdo'), { name: 'Recovery', template: 'adhoc', members: ['USA', 'JPN'] });
  const usa = await connect(server.url, 'usa-fdo');
  await usa.ok('workspace:join', { workspaceId: cell.id });
  const create = async (body: string) =>
    (await usa.ok('object:create', { workspaceId: cell.id, kind: 'note', marking: 'SECRET//NOFORN', content: buildContent({ body }) })).object;
  const interrupted = await create('approved, then the server stopped');
  const completed = await create('approved, released, narrowed again');
  const ask = async (id: string) =>
    (await usa.ok('release:request', { workspaceId: cell.id, id, marking: 'SECRET//REL TO USA, JPN', justification: 'Typhoon response.' })).request;
  const first = await ask(interrupted.id);
  const second = await ask(completed.id);
  await usa.ok('release:decide', { workspaceId: cell.id, requestId: second.id, decision: 'approve' });
  await usa.ok('object:remark', { workspaceId: cell.id, id: completed.id, marking: 'SECRET//NOFORN' });
  // The decision is stored, and the server stops before it re-marks (as a crash would leave it).
  const approved: ReleaseRequest = {
    ...first,
    state: 'approved',
    closedAt: new Date().toISOString(),
    decidedBy: { sub: 'usa-fdo', name: 'Jordan Blake (USA FDO)', nation: 'USA' },
  };
  expect(await server.ctx.releaseStore.update(approved, 'pending')).toBe(true);
  usa.close();
  await server.close();

  server = await startTestServer({ dataDir });
  const jpn = await connect(server.url, 'jpn-analyst');
  const { objects } = await jpn.ok('workspace:join', { workspaceId: cell.id });
  expect(objects.map((o) => [o.id, o.marking, o.epoch])).toEqual([[interrupted.id, 'SECRET//REL TO USA, JPN', 1]]);
  jpn.close();
  await server.close();

  // A second start finds the re-mark in the audit log and does nothing more.
  server = await startTestServer({ dataDir });
  const again = await connect(server.url, 'jpn-analyst');
  expect((await again.ok('workspace:join', { workspaceId: cell.id })).objects.map((o) => o.epoch)).toEqual([1]);
  again.close();

  // Recovery reads only the history of objects still at a released request's old marking (here the
  // one a person narrowed again), never a workspace's whole audit log: start-up stays quick as it grows.
  const wholeLog = vi.spyOn(server.ctx.audit, 'listForWorkspace');
  const oneObject = vi.spyOn(server.ctx.audit, 'listForObject');
  expect(await finishInterruptedReleases(server.ctx)).toBe(0);
  expect(wholeLog).not.toHaveBeenCalled();
  expect(oneObject.mock.calls).toEqual([[completed.id]]);
  await server.close();
});
