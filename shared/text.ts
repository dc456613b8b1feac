// The one rule for text a client sends (socket payloads, REST bodies, token claims): what both
// storage engines keep exactly as sent. PostgreSQL's `text` and `jsonb` refuse U+0000 (SQLSTATE
// 22021 / 22P05), and a string that is not well-formed UTF-16 (a lone surrogate) is stored as
// U+FFFD on either engine, so what is stored would differ from what was checked, answered and
// hashed into the audit chain. Control characters have no business in anything a person types
// either, except tab and line breaks in prose. SQLite would store them all; the rule is the same
// on both engines, so one payload gets one answer whichever a deployment runs.
import { z } from 'zod';

/** A surrogate half without its other half (matched per UTF-16 code unit: no `u` flag). */
const UNPAIRED = String.raw`[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]`;
/** C0 control characters other than tab, line feed and carriage return, DEL, or an unpaired surrogate. */
const NOT_PROSE = new RegExp(String.raw`[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]|${UNPAIRED}`);
/** Every C0 control character and DEL (a one-line value holds no tab or line break either), or an unpaired surrogate. */
const NOT_LINE = new RegExp(String.raw`[\u0000-\u001F\u007F]|${UNPAIRED}`);

export const PROSE_RULE = 'text may not hold control characters other than tab and line breaks, nor unpaired surrogates';
export const LINE_RULE = 'a one-line value may not hold control characters (tab and line breaks included), nor unpaired surrogates';

/** Writes each character prose may not hold as a `\uXXXX` escape (plain text, storable anywhere). */
export function escapeUnstorable(text: string): string {
  return text.replace(new RegExp(NOT_PROSE.source, 'g'), (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Whether `text` is prose both engines store as it is: tab and line breaks allowed. */
export function isStorableProse(text: string): boolean {
  return !NOT_PROSE.test(text);
}

/** Whether `text` is a one-line value both engines store as it is: no control character at all. */
export function isStorableLine(text: string): boolean {
  return !NOT_LINE.test(text);
}

/**
 * A string of prose a client sends (a comment, a justification, a reason, a file's text): tab and
 * line breaks allowed. Chain `.min`, `.max`, `.trim`… on it as on `z.string()`.
 */
export function prose(): z.ZodString {
  return z.string().refine(isStorableProse, PROSE_RULE);
}

/** A one-line string a client sends (a name, a title, a marking, a level, a cursor): no control character. */
export function line(): z.ZodString {
  return z.string().refine(isStorableLine, LINE_RULE);
}

/** Whether every string inside a JSON-like value (keys too) is storable prose: for fields typed `unknown`. */
export function holdsStorableText(value: unknown): boolean {
  if (typeof value === 'string') return isStorableProse(value);
  if (Array.isArray(value)) return value.every(holdsStorableText);
  if (value && typeof value === 'object') return Object.entries(value).every(([key, field]) => isStorableProse(key) && holdsStorableText(field));
  return true;
}
