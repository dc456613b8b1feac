// Full-text search over this participant's own picture: the envelopes and replicas the server
// sent them, which hold only what they may see. So the index cannot return, count or suggest
// anything hidden (docs/client.md, "Search"): there is nothing hidden in it to find. The index is
// kept across searches (PictureIndex) and brought up to date before each: only objects whose
// content or marking changed are indexed again, and objects that left the picture leave it.
import MiniSearch from 'minisearch';
import type * as Y from 'yjs';
import { bodyOf, fieldsOf, fieldText } from '../../../shared/content';
import type { Envelope, ObjectKind } from '../../../shared/protocol';

export interface SearchDoc {
  id: string;
  kind: ObjectKind;
  marking: string;
  originator: string;
  createdAt: string;
  title: string;
  text: string;
}

export interface SearchFilters {
  kind?: ObjectKind;
  /** Banner marking, exactly. */
  marking?: string;
  /** Originator nation. */
  nation?: string;
  /** ISO 8601: created at or after. */
  since?: string;
}

export interface SearchHit {
  id: string;
  kind: ObjectKind;
  marking: string;
  title: string;
  /** The words of the query found in it, to highlight. */
  terms: string[];
  /** A short passage around the first hit. */
  snippet: string;
}

/** What one object contributes: its title or name, body, and other text fields (an RFI's answer, say). */
export function searchDoc(envelope: Envelope, doc: Y.Doc | undefined): SearchDoc {
  const title = doc ? (fieldText(doc, 'title') ?? fieldText(doc, 'name') ?? '') : '';
  const extra = doc ? [...fieldsOf(doc).keys()].filter((key) => key !== 'title' && key !== 'name').map((key) => fieldText(doc, key) ?? '') : [];
  const text = [doc ? bodyOf(doc).toString() : '', ...extra].filter(Boolean).join('\n');
  return { id: envelope.id, kind: envelope.kind, marking: envelope.marking, originator: envelope.originator, createdAt: envelope.createdAt, title, text };
}

export function buildIndex(docs: readonly SearchDoc[]): MiniSearch<SearchDoc> {
  const index = new MiniSearch<SearchDoc>({
    fields: ['title', 'text'],
    storeFields: ['kind', 'marking', 'originator', 'createdAt', 'title', 'text'],
    searchOptions: { boost: { title: 2 }, prefix: true, fuzzy: 0.15 },
  });
  index.addAll(docs);
  return index;
}

/** What the index needs of a replica: its doc, and what tells a changed one from an unchanged one. */
export interface IndexedReplica {
  serial: number;
  version: number;
  doc: Y.Doc;
}

/** One picture's index, kept up to date incrementally. */
export class PictureIndex {
  readonly index = buildIndex([]);
  /** Object id → what it was indexed from (marking, replica and its version). */
  private readonly seen = new Map<string, string>();

  /** Indexes what is new or changed, drops what left; answers how many documents were (re)indexed and dropped. */
  refresh(objects: readonly Envelope[], replicaOf: (id: string) => IndexedReplica | undefined): { indexed: number; dropped: number } {
    let indexed = 0;
    const present = new Set<string>();
    for (const envelope of objects) {
      present.add(envelope.id);
      const replica = replicaOf(envelope.id);
      const key = `${envelope.marking}|${envelope.createdAt}|${replica ? `${replica.serial}:${replica.version}` : '-'}`;
      if (this.seen.get(envelope.id) === key) continue;
      const doc = searchDoc(envelope, replica?.doc);
      if (this.seen.has(envelope.id)) this.index.replace(doc);
      else this.index.add(doc);
      this.seen.set(envelope.id, key);
      indexed++;
    }
    let dropped = 0;
    for (const id of [...this.seen.keys()]) {
      if (present.has(id)) continue;
      this.index.discard(id);
      this.seen.delete(id);
      dropped++;
    }
    return { indexed, dropped };
  }
}

export function search(index: MiniSearch<SearchDoc>, query: string, filters: SearchFilters = {}, limit = 50): SearchHit[] {
  if (!query.trim()) return [];
  const results = index.search(query, {
    filter: (r) =>
      (!filters.kind || r.kind === filters.kind) &&
      (!filters.marking || r.marking === filters.marking) &&
      (!filters.nation || r.originator === filters.nation) &&
      (!filters.since || (r.createdAt as string) >= filters.since),
  });
  return results.slice(0, limit).map((r) => ({
    id: r.id as string,
    kind: r.kind as ObjectKind,
    marking: r.marking as string,
    title: r.title as string,
    terms: r.terms,
    snippet: snippetOf(`${r.title as string}\n${r.text as string}`, r.terms),
  }));
}

/** About 120 characters around the first term found. */
function snippetOf(text: string, terms: readonly string[]): string {
  const lower = text.toLowerCase();
  const at = Math.min(...terms.map((t) => lower.indexOf(t.toLowerCase())).filter((i) => i >= 0), text.length);
  const start = Math.max(0, at - 40);
  return `${start > 0 ? '…' : ''}${text.slice(start, start + 120).replace(/\s+/g, ' ')}${start + 120 < text.length ? '…' : ''}`;
}

/** The snippet cut into plain and highlighted parts. */
export function highlighted(snippet: string, terms: readonly string[]): { text: string; hit: boolean }[] {
  if (terms.length === 0) return [{ text: snippet, hit: false }];
  const pattern = new RegExp(`(${terms.map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})`, 'gi');
  return snippet
    .split(pattern)
    .filter(Boolean)
    .map((text) => ({ text, hit: terms.some((t) => t.toLowerCase() === text.toLowerCase()) }));
}
