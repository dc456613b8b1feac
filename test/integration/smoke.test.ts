import { afterAll, beforeAll, expect, test } from 'vitest';
import { bytesOf } from '../../shared/protocol';
import * as Y from 'yjs';
import { buildContent, bodyOf } from '../../shared/content';
import type { RunningServer } from '../../server/app';
import { connect, createCell, startTestServer, tokenFor } from '../helpers/server';

let server: RunningServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

test('a US analyst creates a note and a GBR analyst in the FVEY cell receives it', async () => {
  const cell = await createCell(server.url, await tokenFor(server.url, 'usa-analyst'), { name: 'Smoke', template: 'fvey' });
  const usa = await connect(server.url, 'usa-analyst');
  const gbr = await connect(server.url, 'gbr-analyst');
  await usa.ok('workspace:join', { workspaceId: cell.id });
  await gbr.ok('workspace:join', { workspaceId: cell.id });
  const { object } = await usa.ok('object:create', {
    workspaceId: cell.id,
    kind: 'note',
    marking: 'S//REL TO USA, GBR',
    content: buildContent({ body: 'hello' }),
  });
  expect(object.marking).toBe('SECRET//REL TO USA, GBR');
  await gbr.waitFor('object:added', (e) => e.id === object.id);
  const { docs } = await gbr.ok('doc:sync', { workspaceId: cell.id, docs: [{ id: object.id }] });
  const doc = new Y.Doc();
  Y.applyUpdate(doc, bytesOf(docs[0]!.update));
  expect(bodyOf(doc).toString()).toBe('hello');
  usa.close();
  gbr.close();
});
