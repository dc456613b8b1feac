import { describe, expect, it } from 'vitest';
import type { Envelope } from '../../shared/protocol';
import { dropKey, keyBetween, stepKey } from '../../client/src/reports/placement';

const paragraph = (id: string, orderKey: string) => ({ id, orderKey }) as Envelope;
const [a, b, c] = [paragraph('a', 'a1'), paragraph('b', 'a2'), paragraph('c', 'a3')];
const seen = [a, b, c];

describe('where a moved paragraph goes, from what its reader sees', () => {
  it('one place up or down lands between the two neighbours of the new place', () => {
    expect(stepKey(seen, 0, -1)).toBeUndefined();
    expect(stepKey(seen, 2, 1)).toBeUndefined();
    const up = stepKey(seen, 2, -1)!;
    expect(up > a.orderKey && up < b.orderKey).toBe(true);
    const down = stepKey(seen, 0, 1)!;
    expect(down > b.orderKey && down < c.orderKey).toBe(true);
    expect(stepKey(seen, 1, -1)! < a.orderKey).toBe(true);
  });

  it('a drop puts the paragraph just before the one it is dropped on; onto its own next, nothing', () => {
    const key = dropKey(seen, 'c', 'a')!;
    expect(key < a.orderKey).toBe(true);
    expect(dropKey(seen, 'a', 'b')).toBeUndefined();
    const between = dropKey(seen, 'a', 'c')!;
    expect(between > b.orderKey && between < c.orderKey).toBe(true);
  });

  it('equal keys (siblings tie, ordered by id) leave no room: no key rather than a wrong one', () => {
    expect(keyBetween('a1', 'a1')).toBeUndefined();
  });
});
