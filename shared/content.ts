// The content model inside each object's Y.Doc. Every kind uses the same two roots, so the server
// can copy, measure and rebuild any object's content without knowing its kind:
//   - `fields` (Y.Map): scalar or nested values: title, geometry, when, status, assignedNation, …
//   - `body`   (Y.Text): the free text (a portion's paragraph, a feature's description, a note).
// The envelope (marking, parent, order) is never in here: it is server-owned.
import * as Y from 'yjs';

export const FIELDS = 'fields';
export const BODY = 'body';

export function fieldsOf(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap(FIELDS);
}

export function bodyOf(doc: Y.Doc): Y.Text {
  return doc.getText(BODY);
}

/** A fresh doc holding only the current content: no deleted text, no history, new client ids. */
export function cloneContent(source: Y.Doc, guid = source.guid): Y.Doc {
  // Passing a guid also spares lib0 drawing a random uuid, which is slow (~200 µs).
  const target = new Y.Doc({ guid });
  target.transact(() => {
    const fields = fieldsOf(target);
    for (const [key, value] of fieldsOf(source).entries()) {
      fields.set(key, value instanceof Y.AbstractType ? value.clone() : value);
    }
    bodyOf(target).applyDelta(bodyOf(source).toDelta());
  });
  return target;
}

/** The current content as one update for a new doc (used for new epochs and tearlines). */
export function encodeFreshContent(source: Y.Doc): Uint8Array {
  const copy = cloneContent(source);
  const update = Y.encodeStateAsUpdate(copy);
  copy.destroy();
  return update;
}

/** All visible text of an object (body plus string fields): for text-volume figures. */
export function visibleText(doc: Y.Doc): string {
  const parts: string[] = [];
  for (const value of fieldsOf(doc).values()) {
    if (typeof value === 'string') parts.push(value);
    else if (value instanceof Y.Text) parts.push(value.toString());
  }
  parts.push(bodyOf(doc).toString());
  return parts.join('\n');
}

/** Builds the `content` update for `object:create` from plain values. */
export function buildContent(init: { fields?: Record<string, unknown>; body?: string }): Uint8Array {
  const doc = new Y.Doc({ guid: 'content' });
  doc.transact(() => {
    const fields = fieldsOf(doc);
    for (const [key, value] of Object.entries(init.fields ?? {})) fields.set(key, value);
    if (init.body) bodyOf(doc).insert(0, init.body);
  });
  const update = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  return update;
}
