// Where a paragraph goes when moved up, down or dropped before another: an order key between the
// two paragraphs this reader sees on either side of the new place. Pure; keys come from the
// reader's own view, so a move says nothing of paragraphs hidden from them (and needs none).
import { generateKeyBetween } from 'fractional-indexing';
import type { Envelope } from '../../../shared/protocol';

/** The drag-and-drop type of a dragged paragraph (its id). */
export const PARAGRAPH_DRAG_TYPE = 'text/x-tearline-paragraph';

/** The key that puts a paragraph between `before` and `after` (null: an end); undefined when there is no room (equal keys). */
export function keyBetween(before: string | null, after: string | null): string | undefined {
  if (before !== null && after !== null && before >= after) return undefined;
  return generateKeyBetween(before, after);
}

/** The key that moves `paragraphs[index]` one place up (-1) or down (+1); undefined at an end. */
export function stepKey(paragraphs: readonly Envelope[], index: number, step: -1 | 1): string | undefined {
  const target = index + step;
  if (target < 0 || target >= paragraphs.length) return undefined;
  const [before, after] = step < 0 ? [paragraphs[target - 1], paragraphs[target]] : [paragraphs[target], paragraphs[target + 1]];
  return keyBetween(before?.orderKey ?? null, after?.orderKey ?? null);
}

/** The key that drops paragraph `movedId` just before `targetId`; undefined when that is where it is. */
export function dropKey(paragraphs: readonly Envelope[], movedId: string, targetId: string): string | undefined {
  const rest = paragraphs.filter((paragraph) => paragraph.id !== movedId);
  const at = rest.findIndex((paragraph) => paragraph.id === targetId);
  if (at < 0 || paragraphs.findIndex((p) => p.id === movedId) === paragraphs.findIndex((p) => p.id === targetId) - 1) return undefined;
  return keyBetween(rest[at - 1]?.orderKey ?? null, rest[at]!.orderKey);
}
