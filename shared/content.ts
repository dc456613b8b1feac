// The content model inside each object's Y.Doc. Every kind uses the same two roots, so the server
// can copy, measure and rebuild any object's content without knowing its kind:
//   - `fields` (Y.Map): scalar or nested values: title, geometry, when, status, assignedNation, …
//     Text people type (TEXT_FIELDS: title, name, answer) is a Y.Text there, so concurrent typing
//     merges; a plain string (content written before, or by another client) becomes one at its
//     first edit.
//   - `body`   (Y.Text): the free text (a portion's paragraph, a feature's description, a note).
// The envelope (marking, parent, order) is never in here: it is server-owned.
import * as Y from 'yjs';

export const FIELDS = 'fields';
export const BODY = 'body';

/** Fields people type in: stored as Y.Text so that what several people type at once merges. */
export const TEXT_FIELDS: ReadonlySet<string> = new Set(['title', 'name', 'answer']);

export function fieldsOf(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap(FIELDS);
}

export function bodyOf(doc: Y.Doc): Y.Text {
  return doc.getText(BODY);
}

/** A text field's value, whether still a plain string or already a Y.Text. */
export function fieldText(doc: Y.Doc, key: string): string | undefined {
  const value = fieldsOf(doc).get(key);
  if (value instanceof Y.Text) return value.toString();
  return typeof value === 'string' ? value : undefined;
}

/**
 * The field as a Y.Text to edit, turning a plain string (or nothing) into one first. Two people
 * doing that at the same moment is the one edit that does not merge: the map keeps one of them.
 */
export function editableFieldText(doc: Y.Doc, key: string): Y.Text {
  const fields = fieldsOf(doc);
  const value = fields.get(key);
  if (value instanceof Y.Text) return value;
  const text = new Y.Text(typeof value === 'string' ? value : '');
  fields.set(key, text);
  return text;
}

/**
 * What one update may carry and how deep a field's value may nest: the bound on the work one
 * update can cause the server (server/objects/updateCheck.ts refuses beyond it, naming the limit).
 */
export const CONTENT_LIMITS = {
  /** Separate items (runs of typed text, values, formats) in one update. */
  maxStructs: 10_000,
  /** Separate deleted ranges in one update. */
  maxDeleteRanges: 10_000,
  /** Nesting of lists and records inside one field's value. */
  maxJsonDepth: 16,
  /** Length of a field name or a formatting attribute's name. */
  maxKeyLength: 64,
} as const;

/** Plain JSON data (null, booleans, finite numbers, strings, lists, records) nested within the limit. */
export function isContentJson(value: unknown, depth = 0): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (typeof value !== 'object' || depth >= CONTENT_LIMITS.maxJsonDepth) return false;
  if (Array.isArray(value)) return value.every((item) => isContentJson(item, depth + 1));
  const prototype = Object.getPrototypeOf(value) as unknown;
  if (prototype !== Object.prototype && prototype !== null) return false;
  return Object.values(value).every((item) => isContentJson(item, depth + 1));
}

interface DeltaOp {
  insert?: unknown;
  attributes?: Record<string, unknown>;
}

/** Copies text with its formatting. An embed (only in content stored before embeds were refused) keeps its text, if any. */
function copyText(from: Y.Text, to: Y.Text): void {
  const ops = (from.toDelta() as DeltaOp[]).map((op) => ({
    insert: typeof op.insert === 'string' ? op.insert : op.insert instanceof Y.Text ? op.insert.toString() : '',
    ...(op.attributes ? { attributes: op.attributes } : {}),
  }));
  to.applyDelta(ops.filter((op) => op.insert.length > 0));
}

/**
 * A fresh doc holding only the current content: no deleted text, no history, new client ids.
 * Never throws: the update check admits only what this copies faithfully (fields' JSON values,
 * text fields and the body with formatting), and anything older that does not fit is flattened
 * to its plain value rather than lost.
 */
export function cloneContent(source: Y.Doc, guid = source.guid): Y.Doc {
  // Passing a guid also spares lib0 drawing a random uuid, which is slow (~200 µs).
  const target = new Y.Doc({ guid });
  target.transact(() => {
    const fields = fieldsOf(target);
    for (const [key, value] of fieldsOf(source).entries()) {
      if (value instanceof Y.Text && TEXT_FIELDS.has(key)) {
        const text = new Y.Text();
        fields.set(key, text);
        copyText(value, text);
      } else if (value instanceof Y.AbstractType) {
        fields.set(key, value instanceof Y.Text ? value.toString() : plainValue(value));
      } else {
        fields.set(key, value);
      }
    }
    copyText(bodyOf(source), bodyOf(target));
  });
  return target;
}

/** A shared type's plain value, or null when it nests too deeply to copy. */
function plainValue(value: Y.AbstractType<unknown>): unknown {
  try {
    const json: unknown = value.toJSON();
    return isContentJson(json) ? json : null;
  } catch {
    return null;
  }
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

/** Builds the `content` update for `object:create` from plain values (text fields as Y.Text). */
export function buildContent(init: { fields?: Record<string, unknown>; body?: string }): Uint8Array {
  const doc = new Y.Doc({ guid: 'content' });
  doc.transact(() => {
    const fields = fieldsOf(doc);
    for (const [key, value] of Object.entries(init.fields ?? {})) {
      fields.set(key, TEXT_FIELDS.has(key) && typeof value === 'string' ? new Y.Text(value) : value);
    }
    if (init.body) bodyOf(doc).insert(0, init.body);
  });
  const update = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  return update;
}
