// An audit entry the database refuses for what it holds must not hold up the log: left in the
// queue, it would be retried forever and every later entry of the node would wait behind it.
// Input validation (shared/text.ts) keeps such text out; this is the writer's own defence for
// whatever slips past it (groupedAppends.ts).
import type { Json } from '../../shared/rest';
import { escapeUnstorable } from '../../shared/text';
import type { AuditDraft } from './entry';

/**
 * Whether PostgreSQL refused a write for the data in it, which no retry changes: SQLSTATE class 22
 * (data exception: U+0000 in text is 22021, in jsonb 22P05) or 23 (integrity constraint) except a
 * unique violation (23505: two writers chained onto one seq, which a retry after the other's
 * commit resolves). Connection loss (08, 57P01), resources (53), serialization (40001) and
 * anything else are transient and retried as before. SQLite's errors have no SQLSTATE, so the
 * SQLite log keeps retrying everything (it stores every string the PostgreSQL log could refuse).
 */
export function refusesEntryData(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^(22...|23...)$/.test(code) && code !== '23505';
}

function escapedJson(value: Json): Json {
  if (typeof value === 'string') return escapeUnstorable(value);
  if (Array.isArray(value)) return value.map(escapedJson);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, field]) => [escapeUnstorable(key), escapedJson(field)]));
  return value;
}

/**
 * The draft with every unstorable character of its text written as a `\uXXXX` escape (the entry's
 * hash covers the escaped text, so the chain verifies); undefined when there is none to escape.
 */
export function storableDraft(draft: AuditDraft & { at: string }): (AuditDraft & { at: string }) | undefined {
  const copy = escapedJson(draft as unknown as Json) as unknown as AuditDraft & { at: string };
  return JSON.stringify(copy) === JSON.stringify(draft) ? undefined : copy;
}
