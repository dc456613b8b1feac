// An object's history read for one reader: which epochs their level may see, the versions in them,
// and a version's content with who wrote each run of text. Pure: the entries come from the store
// (doc_history), who may see a chain of markings from the caller.
import * as Y from 'yjs';
import { BODY, bodyOf, fieldsOf } from '../../shared/content';
import type { VersionSummary } from '../../shared/history';
import type { HistoryEntry, StoredChain } from '../store/types';

/**
 * The first epoch whose versions a reader may see, who may see the object now (checked before).
 * Within an epoch an object's audience only narrows (a widening starts a new epoch), so a reader
 * who could see the chain an epoch ended with could see it all along; going back stops at the
 * first epoch boundary where they could not (they joined the audience by that release), or whose
 * start is not recorded.
 */
export function firstVisibleEpoch(entries: readonly HistoryEntry[], currentEpoch: number, canSee: (chain: StoredChain) => boolean): number {
  let first = currentEpoch;
  while (first > 0) {
    const start = entries.find((entry) => entry.kind === 'base' && entry.epoch === first);
    if (!start?.before || !canSee(start.before)) break;
    first--;
  }
  return first;
}

/** One version: the entry that made it, and every entry its content is built from (its epoch's, through it). */
export interface StoredVersion {
  id: string;
  epoch: number;
  entry: HistoryEntry;
  entries: readonly HistoryEntry[];
}

/**
 * The versions of the epochs from `fromEpoch` through `toEpoch`, oldest first, numbered from 0
 * within each epoch. An epoch whose first content is not recorded (stored before history was
 * kept) has no versions: they could not be rebuilt.
 */
export function storedVersions(entries: readonly HistoryEntry[], fromEpoch: number, toEpoch: number): StoredVersion[] {
  const versions: StoredVersion[] = [];
  for (let epoch = fromEpoch; epoch <= toEpoch; epoch++) {
    const own = entries.filter((entry) => entry.epoch === epoch);
    const base = own.findIndex((entry) => entry.kind === 'base');
    if (base < 0) continue;
    const ordered = [own[base]!, ...own.filter((entry) => entry.kind === 'update').sort((a, b) => a.seq - b.seq)];
    ordered.forEach((entry, n) => versions.push({ id: `${epoch}.${n}`, epoch, entry, entries: ordered.slice(0, n + 1) }));
  }
  return versions;
}

/** The version's list line, without its actor (the caller resolves who `entry.author` is). */
export function summarise(version: StoredVersion): Omit<VersionSummary, 'actor'> {
  const { entry } = version;
  const change = entry.kind === 'update' ? 'edited' : entry.before ? 'released' : 'created';
  const { inserted, deleted } = entry.kind === 'base' ? { inserted: textLength(version), deleted: 0 } : changedCharacters(entry.data);
  return { id: version.id, epoch: version.epoch, at: entry.at, change, inserted, deleted };
}

/** Characters an update inserts (strings of text) and deletes (its delete set's lengths). */
function changedCharacters(update: Uint8Array): { inserted: number; deleted: number } {
  const { structs, ds } = Y.decodeUpdate(update);
  let inserted = 0;
  for (const struct of structs) if (struct instanceof Y.Item && struct.content instanceof Y.ContentString) inserted += struct.length;
  let deleted = 0;
  for (const ranges of ds.clients.values()) for (const range of ranges) deleted += range.len;
  return { inserted, deleted };
}

function textLength(version: StoredVersion): number {
  const { doc } = rebuild(version);
  const length = textsOf(doc).reduce((sum, { text }) => sum + text.length, 0);
  doc.destroy();
  return length;
}

/** The version's content, and which writer (`sub`) each Yjs client id of it belongs to. */
export function rebuild(version: StoredVersion): { doc: Y.Doc; writers: Map<number, string> } {
  const doc = new Y.Doc({ gc: false });
  const writers = new Map<number, string>();
  for (const entry of version.entries) {
    for (const struct of Y.decodeUpdate(entry.data).structs) if (!writers.has(struct.id.client)) writers.set(struct.id.client, entry.author);
    Y.applyUpdate(doc, entry.data);
  }
  return { doc, writers };
}

/** The body, then each text field by name. */
export function textsOf(doc: Y.Doc): { name: string; text: Y.Text }[] {
  const texts = [{ name: BODY, text: bodyOf(doc) }];
  for (const [key, value] of [...fieldsOf(doc).entries()].sort(([a], [b]) => a.localeCompare(b))) {
    if (value instanceof Y.Text) texts.push({ name: key, text: value });
  }
  return texts;
}

/** The fields that are not text, as plain values. */
export function valuesOf(doc: Y.Doc): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const [key, value] of fieldsOf(doc).entries()) {
    if (value instanceof Y.Text) continue;
    values[key] = value instanceof Y.AbstractType ? value.toJSON() : value;
  }
  return values;
}

/** A text's runs by writer (`sub`): consecutive characters of one writer are one run. */
export function attributedRuns(text: Y.Text, writers: ReadonlyMap<number, string>): { text: string; writer: string }[] {
  const runs: { text: string; writer: string }[] = [];
  for (let item = text._start; item; item = item.right) {
    if (item.deleted || !(item.content instanceof Y.ContentString)) continue;
    const writer = writers.get(item.id.client) ?? '';
    const last = runs[runs.length - 1];
    if (last && last.writer === writer) last.text += item.content.str;
    else runs.push({ text: item.content.str, writer });
  }
  return runs;
}
