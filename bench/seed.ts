// The cold-open cell: objects of mixed kinds and markings, each with about 1 KB of text, built
// deterministically so every server and every run loads the same cell.
import { MIXED_MARKINGS } from './levels';
import type { SeedObject } from './targets/target';

const KINDS: readonly SeedObject['kind'][] = ['note', 'feature', 'report', 'event', 'rfi'];
const BODY_BYTES = 1000;
const WORDS = [
  'convoy', 'observed', 'moving', 'north', 'along', 'the', 'coastal', 'road', 'at', 'dawn', 'with',
  'three', 'vehicles', 'and', 'escort', 'reported', 'by', 'patrol', 'near', 'harbour', 'radar',
  'contact', 'lost', 'after', 'sector', 'assessment', 'pending', 'source', 'reliability', 'high',
];

export function seedObjects(count: number): SeedObject[] {
  return Array.from({ length: count }, (_, index) => {
    const kind = KINDS[index % KINDS.length]!;
    return {
      kind,
      marking: MIXED_MARKINGS[index % MIXED_MARKINGS.length]!.marking,
      fields: fieldsFor(kind, index),
      body: bodyText(index),
    };
  });
}

function fieldsFor(kind: SeedObject['kind'], index: number): Record<string, unknown> {
  const title = `${kind} ${index}`;
  switch (kind) {
    case 'feature':
      return { title, geometry: { type: 'Point', coordinates: [120 + (index % 50) / 10, 20 + (index % 30) / 10] } };
    case 'event':
      return { title, when: new Date(Date.UTC(2025, 0, 1) + index * 60_000).toISOString() };
    case 'rfi':
      return { title, status: 'open' };
    case 'note':
    case 'report':
      return { title };
  }
}

function bodyText(index: number): string {
  const words: string[] = [];
  let length = 0;
  for (let i = 0; length < BODY_BYTES; i++) {
    const word = WORDS[(index * 7 + i * 13) % WORDS.length]!;
    words.push(word);
    length += word.length + 1;
  }
  return words.join(' ').slice(0, BODY_BYTES);
}
