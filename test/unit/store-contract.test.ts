// One contract suite for every Store implementation (SQLite today; a shared store for several nodes would join the list).
import { describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import path from 'node:path';
import { bodyOf, buildContent } from '../../shared/content';
import type { Envelope } from '../../shared/protocol';
import { SqliteStore } from '../../server/store/sqliteStore';
import type { Store } from '../../server/store/types';
import { tempDir } from '../helpers/server';

const factories: Record<string, () => Promise<Store>> = {
  sqlite: async () => new SqliteStore(path.join(tempDir(), 'store.db'), { sync: 'normal' }),
};

const envelope = (id: string, extra: Partial<Envelope> = {}): Envelope => ({
  id,
  workspaceId: 'w1',
  kind: 'note',
  marking: 'UNCLASSIFIED',
  portion: '(U)',
  originator: 'USA',
  parentId: null,
  orderKey: 'a0',
  createdBy: 'usa-analyst',
  createdAt: new Date().toISOString(),
  epoch: 0,
  ...extra,
});

function textOf(parts: Uint8Array[]): string {
  const doc = new Y.Doc();
  for (const part of parts) Y.applyUpdate(doc, part);
  return bodyOf(doc).toString();
}

for (const [name, make] of Object.entries(factories)) {
  describe(`${name} store`, () => {
    test('objects round-trip with their first snapshot; a tearline keeps its source', async () => {
      const store = await make();
      await store.createObjects([{ envelope: envelope('o1', { sourceId: 'o0' }), content: buildContent({ body: 'hi' }), author: 'usa-analyst', clients: [] }]);
      expect(await store.getObject('o1')).toEqual(envelope('o1', { sourceId: 'o0', createdAt: (await store.getObject('o1'))!.createdAt }));
      const doc = await store.loadDoc('o1');
      expect(doc.epoch).toBe(0);
      expect(textOf([doc.snapshot!, ...doc.updates])).toBe('hi');
      expect((await store.listObjects('w1')).map((e) => e.id)).toEqual(['o1']);
      await store.close();
    });

    test('objects created together are stored all or none', async () => {
      const store = await make();
      await store.createObjects([{ envelope: envelope('r1', { kind: 'report' }), content: buildContent({ body: '' }), author: 'usa-analyst', clients: [] }]);
      const batch = [
        { envelope: envelope('r2', { kind: 'report' }), content: buildContent({ body: 'report' }), author: 'usa-analyst', clients: [] },
        { envelope: envelope('p1', { kind: 'portion', parentId: 'r2' }), content: buildContent({ body: 'first' }), author: 'usa-analyst', clients: [] },
        // Already stored: the whole batch must fail and leave nothing of r2 or p1 behind.
        { envelope: envelope('r1', { kind: 'report' }), content: buildContent({ body: 'again' }), author: 'usa-analyst', clients: [] },
      ];
      await expect(store.createObjects(batch)).rejects.toThrow();
      expect((await store.listObjects('w1')).map((e) => e.id)).toEqual(['r1']);
      expect(await store.getObject('p1')).toBeUndefined();
      await store.createObjects(batch.slice(0, 2));
      expect((await store.listObjects('w1')).map((e) => e.id).sort()).toEqual(['p1', 'r1', 'r2']);
      expect(textOf([(await store.loadDoc('p1')).snapshot!])).toBe('first');
      await store.close();
    });

    test('appended updates come back in order with increasing sequence numbers; compaction folds them', async () => {
      const store = await make();
      const source = new Y.Doc();
      await store.createObjects([{ envelope: envelope('o2'), content: Y.encodeStateAsUpdate(source), author: 'usa-analyst', clients: [] }]);
      const updates: Uint8Array[] = [];
      source.on('update', (u: Uint8Array) => updates.push(u));
      for (const word of ['a', 'b', 'c']) bodyOf(source).insert(bodyOf(source).length, word);
      const seqs = await store.appendUpdates(updates.map((update) => ({ objectId: 'o2', epoch: 0, update, author: 'usa-analyst', newClients: [] })));
      expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
      let stored = await store.loadDoc('o2');
      expect(stored.updates).toHaveLength(3);
      expect(stored.lastSeq).toBe(seqs[2]);
      expect(textOf([stored.snapshot!, ...stored.updates])).toBe('abc');
      await store.compact('o2', 0, Y.encodeStateAsUpdate(source), seqs[1]!);
      stored = await store.loadDoc('o2');
      expect(stored.updates).toHaveLength(1);
      expect(textOf([stored.snapshot!, ...stored.updates])).toBe('abc');
      await store.close();
    });

    test('a new epoch replaces earlier history but keeps updates already written for the new epoch', async () => {
      const store = await make();
      await store.createObjects([{ envelope: envelope('o3'), content: buildContent({ body: 'old' }), author: 'usa-analyst', clients: [] }]);
      const oldEdit = buildContent({ body: 'SECRET-HISTORY' });
      await store.appendUpdates([{ objectId: 'o3', epoch: 0, update: oldEdit, author: 'usa-analyst', newClients: [] }]);
      const fresh = buildContent({ body: 'fresh' });
      const next = new Y.Doc();
      Y.applyUpdate(next, fresh);
      const sv = Y.encodeStateVector(next);
      bodyOf(next).insert(5, '!');
      await store.appendUpdates([{ objectId: 'o3', epoch: 1, update: Y.encodeStateAsUpdate(next, sv), author: 'usa-analyst', newClients: [] }]);
      await store.remark([{ envelope: envelope('o3', { epoch: 1, marking: 'SECRET//REL TO USA, GBR' }), content: fresh }]);
      const stored = await store.loadDoc('o3');
      expect(stored.epoch).toBe(1);
      expect(textOf([stored.snapshot!, ...stored.updates])).toBe('fresh!');
      expect((await store.getObject('o3'))!.epoch).toBe(1);
      await store.close();
    });

    test('each Yjs client id is bound to the first participant who wrote with it, durably', async () => {
      const store = await make();
      await store.createObjects([{ envelope: envelope('o4'), content: buildContent({ body: 'x' }), author: 'usa-analyst', clients: [11] }]);
      await store.appendUpdates([
        { objectId: 'o4', epoch: 0, update: buildContent({ body: 'y' }), author: 'gbr-analyst', newClients: [22] },
        // A second claim of a bound id never re-binds it.
        { objectId: 'o4', epoch: 0, update: buildContent({ body: 'z' }), author: 'gbr-analyst', newClients: [11] },
      ]);
      expect((await store.loadDoc('o4')).owners).toEqual(
        new Map([
          [11, 'usa-analyst'],
          [22, 'gbr-analyst'],
        ]),
      );
      expect((await store.loadDoc('o1')).owners.size).toBe(0);
      await store.close();
    });

    test('a re-mark stores each envelope, and a new epoch where content is given; a late write for an old epoch is never read', async () => {
      const store = await make();
      const report = envelope('r5', { kind: 'report', marking: 'SECRET//NOFORN' });
      const portion = envelope('p5', { kind: 'portion', parentId: 'r5', marking: 'SECRET//REL TO USA, GBR' });
      await store.createObjects([
        { envelope: report, content: buildContent({ body: '' }), author: 'usa-analyst', clients: [] },
        { envelope: portion, content: buildContent({ body: 'kept' }), author: 'usa-analyst', clients: [] },
      ]);
      await store.appendUpdates([{ objectId: 'p5', epoch: 0, update: buildContent({ body: 'DELETED-HISTORY' }), author: 'usa-analyst', newClients: [] }]);
      await store.remark([
        { envelope: { ...report, marking: 'SECRET//REL TO USA, GBR' } },
        { envelope: { ...portion, epoch: 1 }, content: buildContent({ body: 'kept' }) },
      ]);
      // A write applied in memory before the new epoch began, landing after it: its content is
      // in the new snapshot already, and the row written under the old audience stays unread.
      await store.appendUpdates([{ objectId: 'p5', epoch: 0, update: buildContent({ body: 'LATE-OLD-EPOCH' }), author: 'usa-analyst', newClients: [] }]);
      expect((await store.getObject('r5'))!).toMatchObject({ marking: 'SECRET//REL TO USA, GBR', epoch: 0 });
      expect((await store.getObject('p5'))!.epoch).toBe(1);
      const stored = await store.loadDoc('p5');
      expect(stored).toMatchObject({ epoch: 1, updates: [] });
      expect(textOf([stored.snapshot!])).toBe('kept');
      expect((await store.loadDoc('r5')).epoch).toBe(0);
      await store.close();
    });

    test('workspaces and levels', async () => {
      const store = await make();
      const ws = {
        id: 'w9',
        name: 'Cell',
        members: ['FVEY'],
        defaultMarking: 'SECRET//REL TO USA, FVEY',
        systemHigh: 'TOP SECRET',
        groups: {},
        exercise: false,
        releasePolicy: { deadlineMinutes: 60, autoRelease: true, autoReleaseNations: [] as string[] },
        createdAt: new Date().toISOString(),
        createdBy: 'usa-analyst',
      };
      await store.createWorkspace(ws);
      expect(await store.getWorkspace('w9')).toEqual(ws);
      // Two changes each read what the other wrote: neither is lost.
      const optIn = (nation: string) =>
        store.updateWorkspace('w9', (w) => ({ ...w, releasePolicy: { ...w.releasePolicy, autoReleaseNations: [...w.releasePolicy.autoReleaseNations, nation] } }));
      await Promise.all([optIn('USA'), optIn('GBR')]);
      expect((await store.getWorkspace('w9'))?.releasePolicy.autoReleaseNations.sort()).toEqual(['GBR', 'USA']);
      expect(await store.updateWorkspace('nope', (w) => w)).toBeUndefined();
      expect(await store.addLevel('w9', 'USA|TS|')).toBe(true);
      expect(await store.addLevel('w9', 'USA|TS|')).toBe(false);
      expect(await store.listLevels('w9')).toEqual(['USA|TS|']);
      await store.close();
    });
  });
}

test('a cell stored before per-nation automatic release reads with no nation opted in', async () => {
  const store = new SqliteStore(path.join(tempDir(), 'store.db'), { sync: 'normal' });
  const old = { id: 'w0', name: 'Old', members: ['USA'], defaultMarking: 'UNCLASSIFIED', systemHigh: 'SECRET', groups: {}, exercise: false, createdAt: '2025-01-01T00:00:00.000Z', createdBy: 'usa-analyst' };
  store.db.prepare('INSERT INTO workspaces (id, record, created_at) VALUES (?, ?, ?)').run('w0', JSON.stringify({ ...old, releasePolicy: { deadlineMinutes: 5, autoRelease: true } }), old.createdAt);
  expect((await store.getWorkspace('w0'))?.releasePolicy).toEqual({ deadlineMinutes: 5, autoRelease: true, autoReleaseNations: [] });
  expect((await store.listWorkspaces()).map((w) => w.releasePolicy.autoReleaseNations)).toEqual([[]]);
  await store.close();
});
