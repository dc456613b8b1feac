import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { paragraphName } from '../../shared/paragraphName';

describe('stable paragraph names', () => {
  test('a name depends on the id alone: the same for every reader, whatever else they see', () => {
    fc.assert(
      fc.property(fc.uuid(), fc.array(fc.uuid(), { maxLength: 20 }), (id, others) => {
        const alone = paragraphName(id);
        // Whatever siblings a reader sees (hidden ones included or not), the name does not change.
        others.forEach(paragraphName);
        expect(paragraphName(id)).toBe(alone);
        expect(alone).toMatch(/^[A-Z][a-z]+-[0-9A-HJKMNP-TV-Z]{3}$/);
      }),
    );
  });

  test('names spread: a report of 50 paragraphs rarely has two of one name', () => {
    const ids = Array.from({ length: 2000 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
    const names = new Set(ids.map(paragraphName));
    expect(names.size).toBeGreaterThan(1990);
  });
});
