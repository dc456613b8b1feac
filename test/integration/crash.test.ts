// Invariant 2: an acknowledged edit survives SIGKILL right after its ack. And the audit log
// explains the joins the kill left without a leave.
import { afterEach, expect, test } from 'vitest';
import { bytesOf } from '../../shared/protocol';
import * as Y from 'yjs';
import { bodyOf, buildContent } from '../../shared/content';
import { api, connect, createCell, tempDir, tokenFor } from '../helpers/server';
import { kill, spawnServer, type ChildServer } from '../helpers/process';

let running: ChildServer | undefined;
afterEach(async () => {
  if (running) await kill(running);
});

test('every acknowledged edit is there after SIGKILL and restart on the same data dir; the audit log records the restart', async () => {
  const dataDir = tempDir();
  running = await spawnServer({ TEARLINE_DATA_DIR: dataDir, TEARLINE_COMPACT_AFTER: '25' });
  const cell = await createCell(running.url, await tokenFor(running.url, 'usa-analyst'), { name: 'Crash', template: 'fvey' });
  const usa = await connect(running.url, 'usa-analyst');
  await usa.ok('workspace:join', { workspaceId: cell.id });
  const { object } = await usa.ok('object:create', {
    workspaceId: cell.id,
    kind: 'note',
    marking: 'SECRET//REL TO USA, FVEY',
    content: buildContent({ body: '' }),
  });
  const doc = new Y.Doc();
  const acked: string[] = [];
  // Fire edits without waiting, as a fast typist does; crash as soon as the last ack arrives.
  const pending: Promise<void>[] = [];
  for (let i = 0; i < 60; i++) {
    const before = Y.encodeStateVector(doc);
    const word = `w${i};`;
    bodyOf(doc).insert(bodyOf(doc).length, word);
    const update = Y.encodeStateAsUpdate(doc, before);
    pending.push(
      usa.ok('doc:update', { workspaceId: cell.id, id: object.id, epoch: 0, update }).then(() => {
        acked.push(word);
      }),
    );
  }
  await Promise.all(pending);
  await kill(running);
  usa.close();

  running = await spawnServer({ TEARLINE_DATA_DIR: dataDir });
  const again = await connect(running.url, 'usa-analyst');
  const { objects } = await again.ok('workspace:join', { workspaceId: cell.id });
  expect(objects.map((o) => o.id)).toEqual([object.id]);
  const { docs } = await again.ok('doc:sync', { workspaceId: cell.id, docs: [{ id: object.id }] });
  const restored = new Y.Doc();
  Y.applyUpdate(restored, bytesOf(docs[0]!.update));
  const text = bodyOf(restored).toString();
  expect(acked).toHaveLength(60);
  for (const word of acked) expect(text).toContain(word);
  expect(text).toBe(bodyOf(doc).toString());

  const audit = await api<{ entries: { action: string; actor: { sub: string }; detail: Record<string, unknown> }[] }>(
    running.url,
    'GET',
    `/api/workspaces/${cell.id}/audit`,
    undefined,
    await tokenFor(running.url, 'usa-fdo'),
  );
  const sessions = audit.body.entries.filter((e) => e.action.startsWith('workspace.') || e.action === 'server.restart');
  expect(sessions.map(({ action, actor, detail }) => [action, actor.sub, detail.reason ?? detail.sessionsClosed ?? null])).toEqual([
    ['workspace.create', 'usa-analyst', null],
    ['workspace.join', 'usa-analyst', null],
    ['workspace.leave', 'usa-analyst', 'server restarted'],
    ['server.restart', 'system', 1],
    ['workspace.join', 'usa-analyst', null],
  ]);
  again.close();
});
