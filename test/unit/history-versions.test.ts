// The pure parts of history (server/history/): versions numbered within their epoch, runs of
// text by writer, summaries, and the edit that restores an earlier version's content.
import { describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import { bodyOf, buildContent, editableFieldText, fieldsOf } from '../../shared/content';
import { replaceText, restoreContent } from '../../server/history/restore';
import { attributedRuns, firstVisibleEpoch, rebuild, storedVersions, summarise, textsOf } from '../../server/history/versions';
import type { HistoryEntry } from '../../server/store/types';

function entry(partial: Partial<HistoryEntry> & Pick<HistoryEntry, 'data'>): HistoryEntry {
  return { epoch: 0, kind: 'update', seq: 0, at: '2026-11-30T12:00:00.000Z', author: 'usa', before: null, ...partial };
}

/** An edit by a fresh client on top of `state`. */
function editOn(state: Uint8Array, change: (doc: Y.Doc) => void): Uint8Array {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, state);
  const before = Y.encodeStateVector(doc);
  change(doc);
  return Y.encodeStateAsUpdate(doc, before);
}

describe('versions', () => {
  const base = buildContent({ body: 'Convoy at dawn.' });
  const gbrEdit = editOn(base, (doc) => bodyOf(doc).insert(15, ' Two escorts.'));
  const released = buildContent({ body: 'Convoy at dawn. Two escorts.' });
  const entries = [
    entry({ kind: 'base', data: base, author: 'usa' }),
    entry({ seq: 1, data: gbrEdit, author: 'gbr' }),
    entry({ epoch: 1, kind: 'base', seq: 1, author: '', data: released, before: [{ marking: 'SECRET//REL TO USA, GBR', originator: 'USA' }] }),
  ];

  test('are numbered from 0 within each epoch, and an epoch without its first content has none', () => {
    expect(storedVersions(entries, 0, 1).map((v) => v.id)).toEqual(['0.0', '0.1', '1.0']);
    expect(storedVersions(entries, 1, 1).map((v) => v.id)).toEqual(['1.0']);
    expect(storedVersions(entries.slice(1), 0, 0)).toEqual([]);
  });

  test('summaries tell created, edited and released apart, with the characters changed', () => {
    expect(storedVersions(entries, 0, 1).map(summarise).map(({ id, change, inserted, deleted }) => ({ id, change, inserted, deleted }))).toEqual([
      { id: '0.0', change: 'created', inserted: 15, deleted: 0 },
      { id: '0.1', change: 'edited', inserted: 13, deleted: 0 },
      { id: '1.0', change: 'released', inserted: 28, deleted: 0 },
    ]);
  });

  test('the first visible epoch stops at a release whose earlier chain the reader could not see', () => {
    const seesGbr = () => true;
    expect(firstVisibleEpoch(entries, 1, seesGbr)).toBe(0);
    expect(firstVisibleEpoch(entries, 1, () => false)).toBe(1);
    // A new epoch whose start is not recorded is a boundary too.
    expect(firstVisibleEpoch(entries.slice(0, 2), 1, seesGbr)).toBe(1);
  });

  test('runs of text name the writer of each character, deleted text left out', () => {
    const usaDelete = editOn(Y.mergeUpdates([base, gbrEdit]), (doc) => bodyOf(doc).delete(0, 7));
    const version = storedVersions([...entries.slice(0, 2), entry({ seq: 2, data: usaDelete, author: 'usa' })], 0, 0)[2]!;
    const { doc, writers } = rebuild(version);
    expect(attributedRuns(textsOf(doc)[0]!.text, writers)).toEqual([
      { text: 'at dawn.', writer: 'usa' },
      { text: ' Two escorts.', writer: 'gbr' },
    ]);
  });
});

describe('restore', () => {
  test('replaceText changes only what lies between the common start and end', () => {
    const doc = new Y.Doc();
    const text = bodyOf(doc);
    text.insert(0, 'Bridge destroyed at noon.');
    const deltas: unknown[] = [];
    text.observe((event) => deltas.push(event.delta));
    doc.transact(() => replaceText(text, 'Bridge intact at noon.'));
    expect(text.toString()).toBe('Bridge intact at noon.');
    expect(deltas).toEqual([[{ retain: 7 }, { delete: 9 }, { insert: 'intact' }]]);
  });

  test('restoreContent makes texts and values equal the version, dropping fields it did not have', () => {
    const target = new Y.Doc();
    Y.applyUpdate(target, buildContent({ fields: { title: 'Old title', status: 'open' }, body: 'Old body' }));
    const doc = new Y.Doc();
    Y.applyUpdate(doc, buildContent({ body: 'New body' }));
    editableFieldText(doc, 'title').insert(0, 'New title');
    fieldsOf(doc).set('status', 'closed');
    fieldsOf(doc).set('assignedNation', 'GBR');
    restoreContent(doc, target);
    expect(bodyOf(doc).toString()).toBe('Old body');
    expect(fieldsOf(doc).get('title')!.toString()).toBe('Old title');
    expect(fieldsOf(doc).toJSON()).toEqual({ title: 'Old title', status: 'open' });
  });
});
