// Restoring an earlier version: the change that makes an object's current content equal a
// version's, made as a new edit on top of what is there (nothing is rewound, so nobody's
// acknowledged edit is lost, and the restore itself is attributed to whoever made it).
import * as Y from 'yjs';
import { bodyOf, editableFieldText, fieldsOf } from '../../shared/content';
import { textsOf, valuesOf } from './versions';
import { BODY } from '../../shared/content';

/** Edits `doc` (in one transaction) so its texts and field values equal `target`'s. */
export function restoreContent(doc: Y.Doc, target: Y.Doc): void {
  doc.transact(() => {
    const fields = fieldsOf(doc);
    const texts = new Map(textsOf(target).map(({ name, text }) => [name, text.toString()]));
    const values = valuesOf(target);
    for (const key of [...fields.keys()]) if (!texts.has(key) && !(key in values)) fields.delete(key);
    for (const [name, text] of texts) replaceText(name === BODY ? bodyOf(doc) : editableFieldText(doc, name), text);
    for (const [key, value] of Object.entries(values)) {
      const current = fields.get(key);
      const plain = current instanceof Y.AbstractType ? current.toJSON() : current;
      if (JSON.stringify(plain) !== JSON.stringify(value)) fields.set(key, value);
    }
  });
}

/** Makes `text` read `wanted`, touching only what lies between their common start and end. */
export function replaceText(text: Y.Text, wanted: string): void {
  const current = text.toString();
  let start = 0;
  while (start < current.length && start < wanted.length && current[start] === wanted[start]) start++;
  let end = 0;
  while (end < current.length - start && end < wanted.length - start && current[current.length - 1 - end] === wanted[wanted.length - 1 - end]) end++;
  const removed = current.length - start - end;
  if (removed > 0) text.delete(start, removed);
  const inserted = wanted.slice(start, wanted.length - end);
  if (inserted) text.insert(start, inserted);
}
