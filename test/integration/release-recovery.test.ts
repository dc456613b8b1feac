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

test('recovery records a release it cannot finish as failed, with its reason, and finishes the others', async () => {
  const dataDir = tempDir();
  let server = await startTestServer({ dataDir });
  const cell = await createCell(server.url, await tokenFor(server.url, 'usa-fdo'), { name: 'Recovery', template: 'adhoc', members: ['USA', 'JPN'] });
  const usa = await connect(server.url, 'usa-fdo');
  await usa.ok('workspace:join', { workspaceId: cell.id });
  const approvedWithoutRemark = async (body: string) => {
    const { object } = await usa.ok('object:create', { workspaceId: cell.id, kind: 'note', marking: 'SECRET//NOFORN', content: buildContent({ body }) });
    const { request } = await usa.ok('release:request', { workspaceId: cell.id, id: object.id, marking: 'SECRET//REL TO USA, JPN', justification: 'Typhoon response.' });
    const approved: ReleaseRequest = { ...request, state: 'approved', closedAt: new Date().toISOString(), decidedBy: { sub: 'usa-fdo', name: 'Jordan Blake (USA FDO)', nation: 'USA' } };
    expect(await server.ctx.releaseStore.update(approved, 'pending')).toBe(true);
    return { object, approved };
  };
  const stuck = await approvedWithoutRemark('cannot be copied');
  const fine = await approvedWithoutRemark('copies fine');
  usa.close();

  // Recovery as at start-up; the stuck object's copy fails (as cloneContent would on content it cannot copy).
  const startEpochs = server.ctx.docs.startEpochs.bind(server.ctx.docs);
  vi.spyOn(server.ctx.docs, 'startEpochs').mockImplementation((epochs, persist) =>
    epochs.has(stuck.object.id) ? Promise.reject(new RangeError('Maximum call stack size exceeded')) : startEpochs(epochs, persist),
  );
  expect(await finishInterruptedReleases(server.ctx)).toBe(1);
  expect(await server.ctx.releaseStore.get(stuck.approved.id)).toMatchObject({
    state: 'failed',
    decidedBy: { sub: 'usa-fdo' },
    failure: `The item is still marked SECRET//NOFORN. The server could not re-mark it; the details are in the server log under request ${stuck.approved.id}.`,
  });
  expect((await server.ctx.releaseStore.get(fine.approved.id))?.state).toBe('approved');
  expect((await server.ctx.audit.listForObject(stuck.object.id)).map((e) => e.action)).toEqual(['object.create', 'release.request', 'release.fail']);

  await server.close();

  // After a restart: the stuck object is served as it was, and not tried again; the other was released.
  server = await startTestServer({ dataDir });
  const fdo = await connect(server.url, 'usa-fdo');
  const { objects } = await fdo.ok('workspace:join', { workspaceId: cell.id });
  expect(objects.map((o) => [o.id, o.marking, o.epoch])).toEqual([
    [stuck.object.id, 'SECRET//NOFORN', 0],
    [fine.object.id, 'SECRET//REL TO USA, JPN', 1],
  ]);
  const synced = await fdo.ok('doc:sync', { workspaceId: cell.id, docs: [{ id: stuck.object.id }] });
  expect(synced.docs.map((d) => [d.id, d.epoch])).toEqual([[stuck.object.id, 0]]);
  const { failed, mine } = await fdo.ok('release:list', { workspaceId: cell.id });
  expect(failed.map((r) => r.id)).toEqual([stuck.approved.id]);
  expect(mine.map((r) => r.state)).toEqual(['failed', 'approved']);
  fdo.close();
  await server.close();
});
