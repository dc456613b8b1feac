// The web client's gap detector (client/src/session/seqGaps.ts): which objects miss an update
// number, from sync answers, resets, frames (single and merged ranges, out of order), acks of its
// own edits and the join answer's numbers.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { SeqGaps } from '../../client/src/session/seqGaps';

describe('the client gap detector', () => {
  test('numbers that follow on from the synced copy leave nothing lacking; a skipped one is a gap until it arrives', () => {
    const gaps = new SeqGaps();
    gaps.anchor('a', 0, 3);
    gaps.saw('a', 0, 4, 4);
    expect(gaps.lacking('a')).toBe(false);
    gaps.saw('a', 0, 6, 6);
    expect(gaps.lacking('a')).toBe(true);
    expect(gaps.held('a')).toEqual({ epoch: 0, through: 4 });
    // Late (from another node), not lost: the gap closes.
    gaps.saw('a', 0, 5, 5);
    expect(gaps.lacking('a')).toBe(false);
    expect(gaps.held('a')).toEqual({ epoch: 0, through: 6 });
  });

  test('a merged frame holds its whole range; a sync answer (doc:sync) closes every gap below its number', () => {
    const gaps = new SeqGaps();
    gaps.anchor('a', 0, 0);
    gaps.saw('a', 0, 1, 5);
    expect(gaps.held('a')).toEqual({ epoch: 0, through: 5 });
    gaps.saw('a', 0, 8, 9);
    expect(gaps.lacking('a')).toBe(true);
    gaps.anchor('a', 0, 9);
    expect(gaps.lacking('a')).toBe(false);
    expect(gaps.held('a')).toEqual({ epoch: 0, through: 9 });
    // An older answer never takes the copy back.
    gaps.anchor('a', 0, 2);
    expect(gaps.held('a')).toEqual({ epoch: 0, through: 9 });
  });

  test("the join answer's number, or a frame that came before the copy, must be reached by the copy", () => {
    const gaps = new SeqGaps();
    gaps.expect('a', 0, 7);
    // No copy yet: nothing is lacking, the sync answer is on its way.
    expect(gaps.lacking('a')).toBe(false);
    gaps.anchor('a', 0, 6);
    expect(gaps.lacking('a')).toBe(true);
    gaps.anchor('a', 0, 7);
    expect(gaps.lacking('a')).toBe(false);
    // A frame dropped while the copy was not there yet.
    gaps.expect('b', 0, 3);
    gaps.anchor('b', 0, 2);
    expect(gaps.lacking('b')).toBe(true);
  });

  test("a new epoch starts counting again (its reset is number 0); an old epoch's numbers are ignored", () => {
    const gaps = new SeqGaps();
    gaps.anchor('a', 0, 40);
    gaps.saw('a', 0, 42, 42);
    expect(gaps.lacking('a')).toBe(true);
    gaps.anchor('a', 1, 0);
    expect(gaps.lacking('a')).toBe(false);
    expect(gaps.held('a')).toEqual({ epoch: 1, through: 0 });
    gaps.saw('a', 0, 44, 44);
    expect(gaps.held('a')).toEqual({ epoch: 1, through: 0 });
    gaps.saw('a', 1, 2, 2);
    expect(gaps.lacking('a')).toBe(true);
  });

  test('objects are tracked apart; forgetting one, or clearing all at a rejoin, drops what was known', () => {
    const gaps = new SeqGaps();
    gaps.anchor('a', 0, 0);
    gaps.anchor('b', 0, 0);
    gaps.saw('a', 0, 2, 2);
    expect([gaps.lacking('a'), gaps.lacking('b')]).toEqual([true, false]);
    gaps.forget('a');
    expect(gaps.lacking('a')).toBe(false);
    gaps.saw('b', 0, 5, 5);
    gaps.clear();
    expect([gaps.lacking('b'), gaps.held('b')]).toEqual([false, undefined]);
  });

  test('property: whatever the order frames arrive in, it is lacking exactly when some number up to the highest known is not held', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: 5 }),
        fc.array(fc.record({ from: fc.integer({ min: 1, max: 30 }), length: fc.nat({ max: 4 }) }), { maxLength: 20 }),
        (start, frames) => {
          const gaps = new SeqGaps();
          gaps.anchor('a', 0, start);
          const held = new Set<number>(Array.from({ length: start + 1 }, (_, n) => n));
          for (const { from, length } of frames) {
            gaps.saw('a', 0, from, from + length);
            for (let n = from; n <= from + length; n++) held.add(n);
          }
          const highest = Math.max(...held);
          const missing = Array.from({ length: highest + 1 }, (_, n) => n).some((n) => !held.has(n));
          expect(gaps.lacking('a')).toBe(missing);
          let through = 0;
          while (held.has(through + 1)) through++;
          expect(gaps.held('a')).toEqual({ epoch: 0, through });
        },
      ),
      { numRuns: 300 },
    );
  });
});
