// A socket's messages are handled in the order they arrive, and session:refresh replaces the
// session's identity, participant and level in one step: messages sent after a refresh, without
// waiting for its answer, are handled as the refreshed participant, never with a mix of old and new.
import * as Y from 'yjs';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { bodyOf } from '../../shared/content';
import { bytesOf, type WorkspaceSummary } from '../../shared/protocol';
import type { RunningServer } from '../../server/app';
import { connect, createCell, startTestServer, tokenFor } from '../helpers/server';

let server: RunningServer;
let first: WorkspaceSummary;
let second: WorkspaceSummary;

beforeAll(async () => {
  server = await startTestServer();
  const token = await tokenFor(server.url, 'usa-analyst');
  first = await createCell(server.url, token, { name: 'Ordered one', template: 'adhoc', members: ['USA', 'GBR'] });
  second = await createCell(server.url, token, { name: 'Ordered two', template: 'adhoc', members: ['USA', 'GBR'] });
});
afterAll(async () => {
  await server.close();
});

test('messages sent behind a refresh see the refreshed session, whole', async () => {
  const usa = await connect(server.url, 'usa-analyst');
  const { level: before } = await usa.ok('workspace:join', { workspaceId: first.id });
  const { object } = await usa.ok('object:create', { workspaceId: first.id, kind: 'note', marking: 'TOP SECRET//NOFORN' });
  const { docs } = await usa.ok('doc:sync', { workspaceId: first.id, docs: [{ id: object.id }] });
  const doc = new Y.Doc();
  Y.applyUpdate(doc, bytesOf(docs[0]!.update));
  const vector = Y.encodeStateVector(doc);
  bodyOf(doc).insert(0, 'WRITTEN-AFTER-THE-REFRESH ');
  const update = Y.encodeStateAsUpdate(doc, vector);
  const lowered = await tokenFor(server.url, 'usa-analyst', { overrides: { clearance: 'SECRET' } });

  // Sent together: the refresh's token check takes a while, the others would be done before it.
  const [refreshed, edited, joined, synced] = await Promise.all([
    usa.call('session:refresh', { token: lowered }),
    usa.call('doc:update', { workspaceId: first.id, id: object.id, epoch: object.epoch, update }),
    usa.call('workspace:join', { workspaceId: second.id }),
    usa.call('doc:sync', { workspaceId: first.id, docs: [{ id: object.id }] }),
  ]);
  expect(refreshed).toMatchObject({ ok: true, level: 'USA|S|' });
  expect(before).not.toBe('USA|S|');
  // The edit is checked as the SECRET participant: the TOP SECRET note does not exist for them.
  expect(edited).toMatchObject({ ok: false, error: { code: 'not_found' } });
  // The join is at the new level, and so are the rooms it put the socket in.
  expect(joined).toMatchObject({ ok: true, level: 'USA|S|' });
  expect(synced).toMatchObject({ ok: true, docs: [], missing: [object.id] });
  const socketId = usa.socket.id!;
  const rooms = [...(server.ctx.io.of('/').sockets.get(socketId)?.rooms ?? [])];
  expect(rooms.filter((room) => room.includes(before))).toEqual([]);

  const fdo = await connect(server.url, 'usa-fdo');
  await fdo.ok('workspace:join', { workspaceId: first.id });
  const stored = await fdo.ok('doc:sync', { workspaceId: first.id, docs: [{ id: object.id }] });
  const kept = new Y.Doc();
  Y.applyUpdate(kept, bytesOf(stored.docs[0]!.update));
  expect(bodyOf(kept).toString()).not.toContain('WRITTEN-AFTER-THE-REFRESH');
  usa.close();
  fdo.close();
});
