// Audit entries whose text the stores cannot keep as it is, and entries the database refuses for
// what they hold. Input validation (shared/text.ts) keeps such text out; this is the audit log's
// own defence for whatever slips past it (groupedAppends.ts): U+0000 in an entry would be refused
// by PostgreSQL forever, and every later entry of the node would wait behind it; an unpaired
// surrogate is stored as U+FFFD on either engine, so the stored entry no longer matches its hash
// and verification reports it altered.
import type { Json } from '../../shared/rest';
import { escapeUnstorable, holdsStorableText } from '../../shared/text';

/**
 * Whether PostgreSQL refused a write for the data in it, which no retry changes: SQLSTATE class 22
 * (data exception) or 23 (integrity constraint) except a unique violation (23505: two writers
 * chained onto one seq, which a retry after the other's commit resolves). Connection loss (08,
 * 57P01), resources (53), serialization (40001) and anything else are transient and retried.
 * SQLite's errors carry no SQLSTATE: the SQLite log retries every refusal.
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
 * The draft with every control character (but tab and line breaks) and unpaired surrogate of its
 * text written as a `\uXXXX` escape, so both engines store it as hashed; undefined when it holds none.
 */
export function storableDraft<D extends object>(draft: D): D | undefined {
  return holdsStorableText(draft) ? undefined : (escapedJson(draft as unknown as Json) as unknown as D);
}
