// Suggestions' pure logic (shared/suggestions.ts): a word diff becomes insert/delete ops anchored
// with Yjs relative positions; they apply where they were meant while others type elsewhere, and
// conflict (never misapply) when the text they touch changed since, or when applied twice.
import fc from 'fast-check';
import { expect, test } from 'vitest';
import * as Y from 'yjs';
import { applySteps, diffWords, opsForEdit, resolveOps, segmentsOf, type SuggestionOp } from '../../shared/suggestions';

function paragraph(text: string): { doc: Y.Doc; body: Y.Text } {
  const doc = new Y.Doc();
  const body = doc.getText('body');
  body.insert(0, text);
  return { doc, body };
}

/** A second replica of `doc` (someone else's), kept in step both ways. */
function peerOf(doc: Y.Doc): Y.Doc {
  const peer = new Y.Doc();
  Y.applyUpdate(peer, Y.encodeStateAsUpdate(doc));
  return peer;
}

function sync(a: Y.Doc, b: Y.Doc): void {
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)));
  Y.applyUpdate(a, Y.encodeStateAsUpdate(b, Y.encodeStateVector(a)));
}

function apply(body: Y.Text, ops: readonly SuggestionOp[]): void {
  const resolved = resolveOps(body, ops);
  if (!resolved.ok) throw new Error(resolved.reason);
  applySteps(body, resolved.steps);
}

test('an edit becomes word-level ops that turn the text into the edited one', () => {
  const { body } = paragraph('Two vessels left the harbour at dawn.');
  const ops = opsForEdit(body, 'Three vessels left the northern harbour at dawn.');
  expect(ops.map((op) => [op.kind, op.text])).toEqual([
    ['delete', 'Two'],
    ['insert', 'Three'],
    ['insert', ' northern'],
  ]);
  apply(body, ops);
  expect(body.toString()).toBe('Three vessels left the northern harbour at dawn.');
});

test('the ops land where they were meant while someone else typed elsewhere', () => {
  const { doc, body } = paragraph('Two vessels left the harbour at dawn.');
  const ops = opsForEdit(body, 'Two vessels left the harbour before dawn.');
  const peer = peerOf(doc);
  peer.getText('body').insert(0, 'UPDATE: ');
  sync(doc, peer);
  apply(body, ops);
  expect(body.toString()).toBe('UPDATE: Two vessels left the harbour before dawn.');
});

test('a deletion whose text was changed since conflicts and changes nothing', () => {
  const { body } = paragraph('Two vessels left the harbour at dawn.');
  const ops = opsForEdit(body, 'Two vessels left at dawn.');
  body.insert(body.toString().indexOf('harbour'), 'inner ');
  const resolved = resolveOps(body, ops);
  expect(resolved).toEqual({ ok: false, reason: expect.stringContaining('no longer reads the same') });
});

test('an insertion where someone has written since conflicts', () => {
  const { body } = paragraph('left the harbour');
  const ops = opsForEdit(body, 'left the old harbour');
  body.insert('left the '.length, 'new ');
  expect(resolveOps(body, ops)).toMatchObject({ ok: false, reason: expect.stringContaining('text was written where') });
});

test('a suggestion applied twice conflicts the second time (an accept cannot be repeated)', () => {
  const { body } = paragraph('alpha beta gamma');
  const ops = opsForEdit(body, 'alpha delta gamma epsilon');
  apply(body, ops);
  expect(body.toString()).toBe('alpha delta gamma epsilon');
  expect(resolveOps(body, ops).ok).toBe(false);
  const insertOnly = opsForEdit(body, 'alpha delta zeta gamma epsilon');
  apply(body, insertOnly);
  expect(resolveOps(body, insertOnly).ok).toBe(false);
});

test('positions into another text, malformed positions and overlapping changes are refused', () => {
  const { doc, body } = paragraph('alpha beta');
  const other = doc.getText('other');
  other.insert(0, 'elsewhere');
  const foreign = opsForEdit(other, 'somewhere else');
  expect(resolveOps(body, foreign)).toMatchObject({ ok: false, reason: expect.stringContaining('outside this paragraph') });
  expect(resolveOps(body, [{ kind: 'insert', at: 'AAAA', after: '!!', text: 'x' }])).toMatchObject({ ok: false });
  const [del] = opsForEdit(body, 'alpha');
  const twice = resolveOps(body, [del!, del!]);
  expect(twice).toMatchObject({ ok: false, reason: expect.stringContaining('overlap') });
});

test('segments show the paragraph with the changes in place', () => {
  const { body } = paragraph('Two vessels left.');
  const resolved = resolveOps(body, opsForEdit(body, 'Three vessels left today.'));
  if (!resolved.ok) throw new Error(resolved.reason);
  expect(segmentsOf(body.toString(), resolved.steps)).toEqual([
    { kind: 'delete', text: 'Two' },
    { kind: 'insert', text: 'Three' },
    { kind: 'same', text: ' vessels left' },
    { kind: 'insert', text: ' today' },
    { kind: 'same', text: '.' },
  ]);
});

test('property: for any edit, applying its ops gives the edited text, and the shown text is the same', () => {
  const words = fc.array(fc.constantFrom('a', 'b', 'c', ' ', '.', 'dd', 'é'), { maxLength: 20 }).map((parts) => parts.join(''));
  fc.assert(
    fc.property(words, words, (before, after) => {
      const { body } = paragraph(before);
      const ops = opsForEdit(body, after);
      const resolved = resolveOps(body, ops);
      if (!resolved.ok) return false;
      const shown = segmentsOf(before, resolved.steps).filter((segment) => segment.kind !== 'delete');
      expect(shown.map((segment) => segment.text).join('')).toBe(after);
      applySteps(body, resolved.steps);
      expect(body.toString()).toBe(after);
      return true;
    }),
    { numRuns: 300 },
  );
});

test('the word diff reports contiguous changes with their place in the original', () => {
  expect(diffWords('a b c', 'a x c')).toEqual([{ index: 2, removed: 'b', inserted: 'x' }]);
  expect(diffWords('', 'new')).toEqual([{ index: 0, removed: '', inserted: 'new' }]);
  expect(diffWords('same', 'same')).toEqual([]);
});
