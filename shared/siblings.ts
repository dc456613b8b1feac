// Order among an object's children (a report's paragraphs), the one rule the server (its index,
// exports, tearlines) and the web client both apply, so a paragraph sits at the same place on
// every screen and in every export.
import type { Envelope } from './protocol';

export type SiblingPlace = Pick<Envelope, 'orderKey' | 'id'>;

/**
 * By fractional `orderKey` in plain code-unit order (as fractional-indexing builds keys), then by
 * id. Keys need not be unique: two people inserting at one spot pick equal keys. The id breaks the
 * tie because every reader holds it and it never changes; the creation time would add nothing
 * (the server's default key already starts with it) and two objects can share a millisecond.
 */
export function compareSiblings(a: SiblingPlace, b: SiblingPlace): number {
  if (a.orderKey !== b.orderKey) return a.orderKey < b.orderKey ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
