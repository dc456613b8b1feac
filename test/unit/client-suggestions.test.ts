// The web client's suggestion model (client/src/suggestions/model.ts): whose typing suggests, which
// suggestions a paragraph has, and how one reads against the paragraph as it is now.
import { expect, test } from 'vitest';
import * as Y from 'yjs';
import { opsForEdit } from '../../shared/suggestions';
import { suggestionsOn, suggestsIn, viewOf } from '../../client/src/suggestions/model';
import { envelope } from '../helpers/fakeSocket';

const paragraph = envelope('p1', 'SECRET//REL TO USA, GBR', { kind: 'portion', originator: 'USA' });

test('a partner suggests in another nation’s paragraph unless the cell allows direct editing; the originator never does', () => {
  expect(suggestsIn({ crossNationEditing: 'suggest' }, paragraph, 'GBR')).toBe(true);
  expect(suggestsIn({ crossNationEditing: 'direct' }, paragraph, 'GBR')).toBe(false);
  expect(suggestsIn({ crossNationEditing: 'suggest' }, paragraph, 'USA')).toBe(false);
  expect(suggestsIn({ crossNationEditing: 'suggest' }, { ...paragraph, kind: 'note' }, 'GBR')).toBe(false);
});

test('a paragraph’s suggestions are its own, oldest first', () => {
  const later = envelope('s2', paragraph.marking, { kind: 'suggestion', parentId: 'p1', orderKey: 'a2' });
  const earlier = envelope('s1', paragraph.marking, { kind: 'suggestion', parentId: 'p1', orderKey: 'a1' });
  const elsewhere = envelope('s3', paragraph.marking, { kind: 'suggestion', parentId: 'p2', orderKey: 'a0' });
  const comment = envelope('c1', paragraph.marking, { kind: 'comment', parentId: 'p1', orderKey: 'a0' });
  expect(suggestionsOn([later, elsewhere, comment, earlier], 'p1').map((s) => s.id)).toEqual(['s1', 's2']);
});

test('a suggestion reads as tracked changes, or says why it no longer fits the paragraph', () => {
  const doc = new Y.Doc();
  const body = doc.getText('body');
  body.insert(0, 'Convoy leaves at dawn.');
  const ops = opsForEdit(body, 'Convoy leaves at noon.');
  expect(viewOf(body, ops)).toEqual({
    ok: true,
    segments: [
      { kind: 'same', text: 'Convoy leaves at ' },
      { kind: 'delete', text: 'dawn' },
      { kind: 'insert', text: 'noon' },
      { kind: 'same', text: '.' },
    ],
  });
  body.delete(body.toString().indexOf('dawn'), 4);
  expect(viewOf(body, ops)).toMatchObject({ ok: false, reason: expect.stringContaining('no longer reads the same') });
});
