// A cell none of the node's sockets joined, with nothing under way on it, leaves memory after
// TEARLINE_CELL_IDLE_MS (index, docs, caches), and the next join loads it from the store with
// everything in it; an update still being written keeps it in memory. One node on SQLite.
import * as Y from 'yjs';
import { describe, expect, test, vi } from 'vitest';
import { bodyOf, buildContent } from '../../shared/content';
import type { RunningServer } from '../../server/app';
import type { PendingUpdate } from '../../server/store/types';
import { eventually } from '../helpers/cluster';
import { createCell, perTestServers, replica, tokenFor } from '../helpers/server';

/** The cells the node's gauge says it holds. */
async function loadedCells(server: RunningServer): Promise<number> {
  return (await server.ctx.metrics.loadedCells.get()).values[0]!.value;
}

describe('idle cells leave memory', () => {
  const servers = perTestServers();

  test('a cell left idle past the limit is unloaded; a rejoin sees everything, edits made before included', async () => {
    const server = await servers.start({ cellIdleMs: 300 });
    const cell = await createCell(server.url, await tokenFor(server.url, 'usa-analyst'), { name: 'Left alone', template: 'adhoc', members: ['USA', 'GBR'] });
    const writer = await servers.open(server, 'usa-analyst');
    await writer.ok('workspace:join', { workspaceId: cell.id });
    const { object } = await writer.ok('object:create', { workspaceId: cell.id, kind: 'note', marking: 'SECRET//REL TO USA, GBR', content: buildContent({ body: 'start ' }) });
    const edits = await replica(writer, cell.id, object);
    for (let i = 0; i < 5; i++) bodyOf(edits.doc).insert(0, `before${i} `);
    await Promise.all(edits.acks);
    expect(await loadedCells(server)).toBe(1);
    const info = vi.spyOn(server.ctx.log, 'info');
    await writer.ok('workspace:leave', { workspaceId: cell.id });

    await eventually(async () => server.ctx.cells.loaded(cell.id) === undefined, 10_000, 'the idle cell unloaded');
    expect(await loadedCells(server)).toBe(0);
    await eventually(() => server.ctx.docs.size === 0, 5_000, 'its live docs dropped');
    expect(info).toHaveBeenCalledWith(expect.objectContaining({ workspaceId: cell.id, objects: 1 }), expect.stringMatching(/^cell unloaded/));

    const reader = await servers.open(server, 'gbr-analyst');
    const { objects } = await reader.ok('workspace:join', { workspaceId: cell.id });
    expect(objects.map((envelope) => envelope.id)).toEqual([object.id]);
    expect(await loadedCells(server)).toBe(1);
    const read = await replica(reader, cell.id, object);
    expect(bodyOf(read.doc).toString()).toBe(bodyOf(edits.doc).toString());
    expect(bodyOf(read.doc).toString()).toContain('before4 ');
  });

  test('an update still being written keeps its cell in memory; once it is stored the cell unloads, and a rejoin has it', async () => {
    const server = await servers.start();
    const cell = await createCell(server.url, await tokenFor(server.url, 'usa-analyst'), { name: 'Writing', template: 'adhoc', members: ['USA'] });
    const writer = await servers.open(server, 'usa-analyst');
    await writer.ok('workspace:join', { workspaceId: cell.id });
    const { object } = await writer.ok('object:create', { workspaceId: cell.id, kind: 'note', marking: 'SECRET//NOFORN', content: buildContent({ body: 'start ' }) });
    await writer.ok('workspace:leave', { workspaceId: cell.id });
    await eventually(() => !server.ctx.presence.waiting(cell.id), 5_000, 'the leave sent to the cell');

    // The store holds the next commit until the test lets it through.
    const store = server.ctx.store as { appendUpdates(batch: readonly PendingUpdate[]): Promise<number[]> };
    const append = store.appendUpdates.bind(store);
    let letThrough!: () => void;
    const gate = new Promise<void>((resolve) => (letThrough = resolve));
    let queued = false;
    store.appendUpdates = async (batch) => {
      queued = true;
      await gate;
      return append(batch);
    };
    const doc = new Y.Doc();
    Y.applyUpdate(doc, (await server.ctx.docs.encodeState(object.id)).update);
    const before = Y.encodeStateVector(doc);
    bodyOf(doc).insert(0, 'queued ');
    const written = server.ctx.docs.update(object.id, object.epoch, Y.encodeStateAsUpdate(doc, before), 'usa-analyst');
    await eventually(() => queued, 5_000, 'the update queued in the writer');

    expect(await server.unloadIdleCells(0)).toBe(0);
    expect(server.ctx.cells.loaded(cell.id)).toBeDefined();
    letThrough();
    await written;
    expect(await server.unloadIdleCells(0)).toBe(1);
    expect(server.ctx.cells.loaded(cell.id)).toBeUndefined();

    const reader = await servers.open(server, 'usa-analyst');
    await reader.ok('workspace:join', { workspaceId: cell.id });
    expect(bodyOf((await replica(reader, cell.id, object)).doc).toString()).toBe('queued start ');
  });
  test('a REST read (an export) holds its cell: not unloaded while it runs, so no copy left unkept answers it; unloaded after', async () => {
    const server = await servers.start();
    const cell = await createCell(server.url, await tokenFor(server.url, 'usa-analyst'), { name: 'Reading', template: 'adhoc', members: ['USA'] });
    const writer = await servers.open(server, 'usa-analyst');
    await writer.ok('workspace:join', { workspaceId: cell.id });
    const { object } = await writer.ok('object:create', { workspaceId: cell.id, kind: 'note', marking: 'SECRET//NOFORN', content: buildContent({ body: 'start ' }) });
    await writer.ok('workspace:leave', { workspaceId: cell.id });
    await eventually(() => !server.ctx.presence.waiting(cell.id), 5_000, 'the leave sent to the cell');

    // The export's read of the doc waits until the test lets it through.
    const encodeState = server.ctx.docs.encodeState.bind(server.ctx.docs);
    let letThrough!: () => void;
    const gate = new Promise<void>((resolve) => (letThrough = resolve));
    let reading = false;
    vi.spyOn(server.ctx.docs, 'encodeState').mockImplementation(async (id, stateVector) => {
      reading = true;
      await gate;
      return encodeState(id, stateVector);
    });
    const exported = fetch(`${server.url}/api/workspaces/${cell.id}/objects/${object.id}/export`, { headers: { authorization: `Bearer ${await tokenFor(server.url, 'usa-analyst')}` } });
    await eventually(() => reading, 5_000, 'the export reading the doc');

    expect(await server.unloadIdleCells(0)).toBe(0);
    expect(server.ctx.cells.loaded(cell.id)).toBeDefined();
    letThrough();
    expect((await exported).status).toBe(200);
    expect(await server.unloadIdleCells(0)).toBe(1);
  });
});
