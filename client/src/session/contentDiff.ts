// Carries unacknowledged local edits from an old epoch's doc onto the new epoch's doc (a widening
// re-mark rebuilt the doc from its current content). The docs share no Yjs history, so the edits
// are replayed as a content diff: changed fields are set, text fields and the body get a minimal splice.
import * as Y from 'yjs';
import { bodyOf, editableFieldText, fieldsOf } from '../../../shared/content';

export interface TextSplice {
  index: number;
  remove: number;
  insert: string;
}

/** The single splice turning `before` into `after` (common prefix and suffix kept). */
export function textSplice(before: string, after: string): TextSplice | null {
  if (before === after) return null;
  let prefix = 0;
  const shorter = Math.min(before.length, after.length);
  while (prefix < shorter && before[prefix] === after[prefix]) prefix += 1;
  let suffix = 0;
  while (
    suffix < shorter - prefix &&
    before[before.length - 1 - suffix] === after[after.length - 1 - suffix]
  ) {
    suffix += 1;
  }
  return {
    index: prefix,
    remove: before.length - prefix - suffix,
    insert: after.slice(prefix, after.length - suffix),
  };
}

export function applySplice(text: Y.Text, splice: TextSplice | null): void {
  if (!splice) return;
  if (splice.remove > 0) text.delete(splice.index, splice.remove);
  if (splice.insert) text.insert(splice.index, splice.insert);
}

function plain(value: unknown): unknown {
  return value instanceof Y.AbstractType ? value.toJSON() : value;
}

/** Makes `target`'s content equal `source`'s, in one transaction on `target`. */
export function replayContent(source: Y.Doc, target: Y.Doc): void {
  const from = fieldsOf(source);
  const to = fieldsOf(target);
  target.transact(() => {
    for (const [key, value] of from.entries()) {
      if (JSON.stringify(plain(value)) === JSON.stringify(plain(to.get(key)))) continue;
      // A text field stays a Y.Text, so typing in it keeps merging in the new epoch.
      if (value instanceof Y.Text) {
        const text = editableFieldText(target, key);
        applySplice(text, textSplice(text.toString(), value.toString()));
      } else {
        to.set(key, plain(value));
      }
    }
    for (const key of Array.from(to.keys())) if (!from.has(key)) to.delete(key);
    applySplice(bodyOf(target), textSplice(bodyOf(target).toString(), bodyOf(source).toString()));
  });
}
