// The fence's memory of which marking version a node read of each object is bounded: the least
// recently used is forgotten first, and a forgotten object's updates are refused (fail closed)
// until its envelope is read again, since the node can no longer tell which version its cell
// index holds. The refused write answers `conflict` once the envelope was read again, so the
// client's replay is stored.
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import { bodyOf, buildContent } from '../../shared/content';
import { HeldMarkings } from '../../server/store/fence';
import { SqliteStore } from '../../server/store/sqliteStore';
import { UpdateWriter } from '../../server/store/updateWriter';
import { noteEnvelope } from '../helpers/envelopes';
import { tempDir } from '../helpers/server';

const row = { epoch: 0, markingVersion: 3 };

describe('HeldMarkings', () => {
  test('keeps at most its capacity, forgetting the least recently used first', () => {
    const held = new HeldMarkings(2);
    held.hold('a', 3);
    held.hold('b', 3);
    // Using `a` makes `b` the least recently used.
    expect(held.admits('a', 0, row)).toBe(true);
    held.hold('c', 3);
    expect(['a', 'b', 'c'].map((id) => held.version(id))).toEqual([3, undefined, 3]);
    expect(held.unheld(['a', 'b', 'c'])).toEqual(['b']);
  });

  test('a forgotten object is refused even when the row matches, until its version is read again', () => {
    const held = new HeldMarkings(1);
    held.hold('a', 3);
    held.hold('b', 3);
    expect(held.admits('a', 0, row)).toBe(false);
    held.hold('a', 3);
    expect(held.admits('a', 0, row)).toBe(true);
    expect(held.admits('a', 0, { epoch: 0, markingVersion: 4 })).toBe(false);
    expect(held.admits('a', 1, row)).toBe(false);
  });
});

test('a store that forgot an object refuses its update with conflict, reads its envelope again, then stores the replay', async () => {
  const store = new SqliteStore(path.join(tempDir(), 'held.db'), { sync: 'normal', heldMarkings: 2 });
  const envelope = (id: string) =>
    noteEnvelope(id, { workspaceId: 'cell-1', marking: 'SECRET//REL TO USA, GBR', portion: '(S//REL TO USA, GBR)', orderKey: `a${id}`, createdBy: 'usa-analyst', createdAt: '2026-11-30T12:00:00Z' });
  // Three objects, room for two: the first is forgotten.
  await store.createObjects(['n1', 'n2', 'n3'].map((id) => ({ envelope: envelope(id), content: buildContent({ body: 'start' }), author: 'usa-analyst', clients: [] })));
  const writer = new UpdateWriter(store, { maxWindowMs: 0, framesPerSecond: 0 });
  const reread: string[][] = [];
  writer.onUnheld(async (ids) => {
    reread.push([...ids]);
    for (const id of ids) await store.getObject(id);
  });
  const doc = new Y.Doc();
  bodyOf(doc).insert(0, 'edit');
  const update = { objectId: 'n1', epoch: 0, update: Y.encodeStateAsUpdate(doc), author: 'usa-analyst', newClients: [doc.clientID] };

  await expect(writer.write(update)).rejects.toMatchObject({ code: 'conflict' });
  expect(reread).toEqual([['n1']]);
  expect((await store.loadDoc('n1')).lastSeq).toBe(0);
  expect(await writer.write(update)).toBe(1);
  await store.close();
});
