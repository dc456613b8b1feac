// One object that cannot be loaded never keeps the server from starting or from serving the
// others: a damaged marking row leaves that object (and what belongs to it) out of its cell, a
// damaged stored doc answers `unavailable` for that object alone, and an interrupted release of
// such an object ends as `failed` with its reason instead of stopping start-up.
import Database from 'better-sqlite3';
import path from 'node:path';
import { expect, test } from 'vitest';
import * as Y from 'yjs';
import { buildContent } from '../../shared/content';
import type { ReleaseRequest } from '../../shared/release';
import { connect, createCell, startTestServer, tempDir, tokenFor } from '../helpers/server';

test('a server with a damaged object and an interrupted release of it starts, and serves every other object', async () => {
  const dataDir = tempDir();
  let server = await startTestServer({ dataDir });
  const cell = await createCell(server.url, await tokenFor(server.url, 'usa-fdo'), { name: 'Damaged', template: 'adhoc', members: ['USA', 'JPN'] });
  const usa = await connect(server.url, 'usa-fdo');
  await usa.ok('workspace:join', { workspaceId: cell.id });
  const create = async (marking: string, body: string, extra: Record<string, unknown> = {}) =>
    (await usa.ok('object:create', { workspaceId: cell.id, kind: 'note', marking, content: buildContent({ body }), ...extra })).object;
  const unreadableMarking = await create('SECRET//REL TO USA, JPN', 'marking row damaged');
  const report = await create('SECRET//REL TO USA, JPN', '', { kind: 'report', content: buildContent({ fields: { title: 'Harbour' } }) });
  const paragraph = await create('SECRET//REL TO USA, JPN', 'paragraph of a damaged report', { kind: 'portion', parentId: report.id });
  const unreadableContent = await create('SECRET//NOFORN', 'stored doc damaged');
  const healthy = await create('SECRET//REL TO USA, JPN', 'healthy');
  const { request } = await usa.ok('release:request', { workspaceId: cell.id, id: unreadableContent.id, marking: 'SECRET//REL TO USA, JPN', justification: 'Typhoon response.' });
  // Approved, and the server stopped before the re-mark (as a crash would leave it).
  const approved: ReleaseRequest = { ...request, state: 'approved', closedAt: new Date().toISOString(), decidedBy: { sub: 'usa-fdo', name: 'Jordan Blake (USA FDO)', nation: 'USA' } };
  expect(await server.ctx.releaseStore.update(approved, 'pending')).toBe(true);
  usa.close();
  await server.close();

  const db = new Database(path.join(dataDir, 'tearline.db'));
  for (const id of [unreadableMarking.id, report.id]) db.prepare('UPDATE objects SET marking = ? WHERE id = ?').run('SECRET//REL TO USA, XYZ', id);
  db.prepare('UPDATE doc_snapshots SET data = ? WHERE object_id = ?').run(Buffer.from('not a yjs update at all'), unreadableContent.id);
  db.close();

  server = await startTestServer({ dataDir });
  try {
    const fdo = await connect(server.url, 'usa-fdo');
    const { objects } = await fdo.ok('workspace:join', { workspaceId: cell.id });
    // The damaged markings (and the paragraph of the damaged report) are left out; the rest is there.
    expect(objects.map((o) => o.id)).toEqual([unreadableContent.id, healthy.id]);
    expect(objects.find((o) => o.id === unreadableContent.id)?.marking).toBe('SECRET//NOFORN');
    const stateVector = Y.encodeStateVector(new Y.Doc());
    const synced = await fdo.ok('doc:sync', { workspaceId: cell.id, docs: [{ id: unreadableContent.id, stateVector }, { id: healthy.id, stateVector }, { id: paragraph.id }] });
    expect(synced.docs.map((d) => d.id)).toEqual([healthy.id]);
    expect(synced.missing).toEqual([paragraph.id]);
    expect(synced.unavailable).toEqual([
      { id: unreadableContent.id, error: { code: 'unavailable', message: expect.stringMatching(/cannot read this item's stored content/) } },
    ]);
    const edit = await fdo.call('doc:update', { workspaceId: cell.id, id: unreadableContent.id, epoch: 0, update: buildContent({ body: 'x' }) });
    expect(edit).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    expect(await fdo.call('doc:update', { workspaceId: cell.id, id: healthy.id, epoch: 0, update: new Uint8Array([0, 0]) })).toMatchObject({ ok: true });

    // The interrupted release could not be carried out: visible, with its reason, to the FDO and the requester.
    const { failed, mine } = await fdo.ok('release:list', { workspaceId: cell.id });
    expect(failed).toEqual([
      expect.objectContaining({ id: request.id, state: 'failed', failure: expect.stringMatching(/^The item is still marked SECRET\/\/NOFORN\. The server cannot read/) }),
    ]);
    expect(mine).toEqual(failed);
    expect((await server.ctx.audit.listForObject(unreadableContent.id)).map((e) => e.action)).toEqual(['object.create', 'release.request', 'release.fail']);
    fdo.close();
  } finally {
    await server.close();
  }
});
