// The one gate every Yjs update passes before anything is applied (doc:update, and the content of
// object:create and tearlines), so a bad update changes nothing and whatever is accepted the server
// can copy, release, tearline, export and restore. It checks that the update:
//   - decodes completely and stays within the work one update may cause (CONTENT_LIMITS);
//   - references only items the server has or the update carries (no gaps, no pending structs);
//   - writes only what the content model allows where it allows it (shared/content.ts): JSON
//     values in `fields`, a Y.Text only under a text field, and nothing but text and formatting
//     inside `body` and those texts. No other Yjs type is accepted anywhere, so no nesting deeper
//     than a field's text can exist (deep nesting made one update block the server for seconds).
import * as decoding from 'lib0/decoding';
import * as Y from 'yjs';
import { BODY, CONTENT_LIMITS, FIELDS, isContentJson, TEXT_FIELDS } from '../../shared/content';
import { geometryRefusal } from '../../shared/geo/geometry';
import { TearlineError } from '../errors';

function badUpdate(message: string): TearlineError {
  return new TearlineError('bad_update', message);
}

const RESYNC = 'The edit refers to content the server does not have; re-sync and try again.';

/** Where an item lives in the content model. `gone`: beside garbage-collected content, which Yjs discards. */
type Place = { kind: 'field'; key: string } | { kind: 'text' } | { kind: 'gone' };

type Struct = Y.Item | Y.GC | Y.Skip;

export interface CheckedUpdate {
  /** The Yjs client ids whose new structs the update carries: who wrote it (see clientOwners). */
  clients: number[];
  /** The update as decoded, for checking the updates that follow it while it is not yet in the doc. */
  structs: readonly Struct[];
  /** The plain values the update sets on `fields` keys (the last one per key): e.g. a feature's new geometry. */
  values: ReadonlyMap<string, unknown>;
}

function refuseGeometry(value: unknown): void {
  const reason = geometryRefusal(value);
  if (reason) throw badUpdate(`The map position was not saved: ${reason}`);
}

/**
 * Checks `update` against `doc` (null for a new object's first content) followed by `pending`:
 * updates accepted before this one but not yet applied (their write is still in progress), which
 * this one may build on. Throws `bad_update` or `too_large` with a sentence naming what is wrong;
 * returns who wrote it.
 */
export function checkUpdate(doc: Y.Doc | null, update: Uint8Array, pending: readonly CheckedUpdate[] = []): CheckedUpdate {
  refuseManyStructs(firstClientStructs(update));
  let decoded: ReturnType<typeof Y.decodeUpdate>;
  try {
    decoded = Y.decodeUpdate(update);
  } catch {
    throw badUpdate('The edit could not be read: it is malformed, truncated or nested too deeply. Nothing was changed.');
  }
  checkSize(decoded);
  const meta = clockRanges(decoded.structs as Struct[]);
  const earlier = pending.flatMap((checked) => checked.structs);
  const known = new KnownClocks(doc, earlier);
  const carried = new UpdateStructs([...earlier, ...(decoded.structs as Struct[])]);
  for (const [client, clock] of meta.from) {
    if (clock > known.clock(client)) {
      throw badUpdate('The edit depends on earlier edits the server does not have; re-sync and try again.');
    }
  }
  for (const struct of decoded.structs as Struct[]) {
    if (struct instanceof Y.Skip) throw badUpdate('The edit has gaps in it; re-sync and try again. Nothing was changed.');
    if (!(struct instanceof Y.Item)) continue;
    if (struct.parent instanceof Y.ID && !has(known, carried, struct.parent)) throw badUpdate(RESYNC);
    if (!has(known, carried, struct.origin) || !has(known, carried, struct.rightOrigin)) throw badUpdate(RESYNC);
  }
  for (const [client, ranges] of decoded.ds.clients) {
    const end = Math.max(known.clock(client), meta.to.get(client) ?? 0);
    for (const range of ranges) {
      if (range.clock + range.len > end) {
        throw badUpdate('The edit deletes content the server does not have; re-sync and try again.');
      }
    }
  }
  const places = new Places(doc, carried);
  const values = new Map<string, unknown>();
  for (const struct of decoded.structs as Struct[]) {
    if (!(struct instanceof Y.Item)) continue;
    const place = places.of(struct);
    checkContent(struct, place);
    if (place.kind === 'field' && struct.content instanceof Y.ContentAny) {
      const written = struct.content.getContent();
      // Every value written to it, not only the last: concurrent writers' values may win later.
      if (place.key === 'geometry') for (const value of written) refuseGeometry(value);
      values.set(place.key, written.at(-1));
    }
  }
  return { clients: [...meta.from.keys()], structs: decoded.structs as Struct[], values };
}

/**
 * Each client's next clock in the doc followed by the pending updates (each was checked against
 * everything before it, so together they extend the doc without gaps). Read per client the update
 * names, from the doc's struct store: not the whole state vector, whose size is every client that
 * ever wrote to the object, on every edit.
 */
class KnownClocks {
  private readonly pending = new Map<number, number>();

  constructor(
    private readonly doc: Y.Doc | null,
    earlier: readonly Struct[],
  ) {
    for (const { id, length } of earlier) this.pending.set(id.client, Math.max(this.clock(id.client), id.clock + length));
  }

  clock(client: number): number {
    return this.pending.get(client) ?? (this.doc ? Y.getState(this.doc.store, client) : 0);
  }
}

/** Whether `id` is in the doc, the pending updates or this update. */
function has(known: KnownClocks, carried: UpdateStructs, id: Y.ID | null): boolean {
  if (!id) return true;
  return id.clock < known.clock(id.client) || carried.find(id) !== undefined;
}

/**
 * The number of structs the update declares for its first client, read from its header without
 * decoding anything: refuses the commonest oversized update (one client's long chain) before the
 * decoding work it would cost.
 */
function firstClientStructs(update: Uint8Array): number {
  try {
    const decoder = decoding.createDecoder(update);
    return decoding.readVarUint(decoder) > 0 ? decoding.readVarUint(decoder) : 0;
  } catch {
    return 0; // decodeUpdate reports the malformed update
  }
}

function refuseManyStructs(count: number): void {
  if (count > CONTENT_LIMITS.maxStructs) {
    throw new TearlineError(
      'too_large',
      `This edit has ${count} separate pieces; the limit is ${CONTENT_LIMITS.maxStructs} per edit. Send it in smaller edits.`,
    );
  }
}

/** Each client's first and next-unwritten clock in the update (Y.parseUpdateMeta without decoding twice). */
function clockRanges(structs: Struct[]): { from: Map<number, number>; to: Map<number, number> } {
  const from = new Map<number, number>();
  const to = new Map<number, number>();
  for (const { id, length } of structs) {
    from.set(id.client, Math.min(from.get(id.client) ?? Infinity, id.clock));
    to.set(id.client, Math.max(to.get(id.client) ?? 0, id.clock + length));
  }
  return { from, to };
}

function checkSize(decoded: ReturnType<typeof Y.decodeUpdate>): void {
  refuseManyStructs(decoded.structs.length);
  let ranges = 0;
  for (const list of decoded.ds.clients.values()) ranges += list.length;
  if (ranges > CONTENT_LIMITS.maxDeleteRanges) {
    throw new TearlineError(
      'too_large',
      `This edit deletes ${ranges} separate ranges; the limit is ${CONTENT_LIMITS.maxDeleteRanges} per edit. Send it in smaller edits.`,
    );
  }
}

const TEXT_ONLY = 'An object’s text holds only text and its formatting; embedded objects, maps and lists are not supported.';

function checkContent(item: Y.Item, place: Place): void {
  const content = item.content;
  if (content instanceof Y.ContentDeleted) return;
  if (place.kind === 'field') {
    if (place.key.length === 0 || place.key.length > CONTENT_LIMITS.maxKeyLength) {
      throw badUpdate(`A field name must be 1 to ${CONTENT_LIMITS.maxKeyLength} characters long.`);
    }
    if (content instanceof Y.ContentType) {
      if (TEXT_FIELDS.has(place.key) && content.type.constructor === Y.Text) return;
      throw badUpdate(`The field "${place.key.slice(0, 40)}" cannot hold a shared type; only ${[...TEXT_FIELDS].join(', ')} may be text, other fields hold plain values.`);
    }
    if (!(content instanceof Y.ContentAny) || content.arr.length !== 1) {
      throw badUpdate(`The field "${place.key.slice(0, 40)}" must hold one plain value (text, number, true/false, a list or a record).`);
    }
    const value = content.arr[0];
    if (TEXT_FIELDS.has(place.key) && typeof value !== 'string') {
      throw badUpdate(`The field "${place.key}" holds text.`);
    }
    if (!isContentJson(value)) {
      throw badUpdate(
        `The field "${place.key.slice(0, 40)}" holds a value that is not plain data or nests deeper than ${CONTENT_LIMITS.maxJsonDepth} levels.`,
      );
    }
    return;
  }
  // Text, or beside collected content (Yjs discards it): text and formatting only.
  if (content instanceof Y.ContentString) return;
  if (content instanceof Y.ContentFormat) {
    if (content.key.length === 0 || content.key.length > CONTENT_LIMITS.maxKeyLength || !isContentJson(content.value)) {
      throw badUpdate(`Text formatting needs a name of 1 to ${CONTENT_LIMITS.maxKeyLength} characters and a plain value.`);
    }
    return;
  }
  if (place.kind === 'gone' && content instanceof Y.ContentAny && content.arr.every(isContentJson)) return;
  throw badUpdate(TEXT_ONLY);
}

/** A run of clocks [start, end) of one client, and a struct that holds it. */
interface Span {
  start: number;
  end: number;
  struct: Struct;
}

/**
 * The structs an update carries (and those of the pending updates before it), found by id. Two
 * updates may hold the same clocks (one resends what the other sent, split or merged differently;
 * the same id is always the same content), so each struct covers only the clocks no earlier one
 * covered: the spans never overlap and a binary search finds any id.
 */
class UpdateStructs {
  private readonly byClient = new Map<number, Span[]>();

  constructor(structs: readonly Struct[]) {
    const grouped = new Map<number, Struct[]>();
    for (const struct of structs) {
      let list = grouped.get(struct.id.client);
      if (!list) grouped.set(struct.id.client, (list = []));
      list.push(struct);
    }
    for (const [client, list] of grouped) {
      list.sort((a, b) => a.id.clock - b.id.clock);
      const spans: Span[] = [];
      let covered = 0;
      for (const struct of list) {
        const end = struct.id.clock + struct.length;
        if (end <= covered) continue;
        spans.push({ start: Math.max(struct.id.clock, covered), end, struct });
        covered = end;
      }
      this.byClient.set(client, spans);
    }
  }

  find(id: Y.ID): Struct | undefined {
    const spans = this.byClient.get(id.client);
    if (!spans) return undefined;
    let low = 0;
    let high = spans.length - 1;
    while (low <= high) {
      const mid = (low + high) >> 1;
      const span = spans[mid]!;
      if (id.clock < span.start) high = mid - 1;
      else if (id.clock >= span.end) low = mid + 1;
      else return span.struct;
    }
    return undefined;
  }
}

/** Resolves where each item of an update will land, from its parent or (as Yjs does) its neighbours. */
class Places {
  private readonly known = new Map<Y.Item, Place>();

  constructor(
    private readonly doc: Y.Doc | null,
    private readonly carried: UpdateStructs,
  ) {}

  of(item: Y.Item): Place {
    // Items without a parent take their neighbour's: follow the chain (iteratively: chains are long).
    const chain: Y.Item[] = [];
    const seen = new Set<Y.Item>();
    let current: Y.Item = item;
    let place: Place | undefined;
    for (;;) {
      place = this.known.get(current);
      if (place) break;
      if (seen.has(current)) throw badUpdate('The edit’s items refer to one another in a loop. Nothing was changed.');
      seen.add(current);
      chain.push(current);
      if (current.parent !== null) {
        place = this.ownPlace(current);
        break;
      }
      const neighbour = current.origin ?? current.rightOrigin;
      if (!neighbour) throw badUpdate('The edit has an item with no place in the object. Nothing was changed.');
      const next = this.carried.find(neighbour);
      if (next instanceof Y.Item) {
        current = next;
        continue;
      }
      place = next ? { kind: 'gone' } : this.docPlace(neighbour);
      break;
    }
    for (const link of chain) this.known.set(link, place);
    return place;
  }

  /** An item whose parent the update names: a root, or a type by id. */
  private ownPlace(item: Y.Item): Place {
    const parent = item.parent as unknown;
    if (typeof parent === 'string') {
      if (parent === FIELDS && typeof item.parentSub === 'string') return { kind: 'field', key: item.parentSub };
      if (parent === BODY && item.parentSub === null) return { kind: 'text' };
      throw badUpdate(`The edit writes to "${parent.slice(0, 40)}", which is not part of a Tearline object.`);
    }
    if (item.parentSub !== null) throw badUpdate(TEXT_ONLY);
    const id = parent as Y.ID;
    const container = this.carried.find(id);
    if (container instanceof Y.Item) return this.insideType(container, this.of(container));
    if (container) return { kind: 'gone' };
    const stored = this.docStruct(id);
    return stored instanceof Y.Item ? this.insideType(stored, this.docItemPlace(stored)) : { kind: 'gone' };
  }

  /** Inside a type: only a text field's Y.Text may contain anything. */
  private insideType(container: Y.Item, place: Place): Place {
    const content = container.content;
    if (place.kind === 'field' && TEXT_FIELDS.has(place.key) && content instanceof Y.ContentType && content.type.constructor === Y.Text) {
      return { kind: 'text' };
    }
    if (place.kind === 'gone') return place;
    throw badUpdate(TEXT_ONLY);
  }

  private docStruct(id: Y.ID): Y.Item | Y.GC | undefined {
    if (!this.doc || id.clock >= Y.getState(this.doc.store, id.client)) return undefined;
    return Y.getItem(this.doc.store, id) as Y.Item | Y.GC;
  }

  private docPlace(id: Y.ID): Place {
    const stored = this.docStruct(id);
    if (!stored) throw badUpdate(RESYNC);
    return stored instanceof Y.Item ? this.docItemPlace(stored) : { kind: 'gone' };
  }

  /** Where an item already in the doc lives. Content stored before these rules may sit elsewhere: nothing may be added there. */
  private docItemPlace(item: Y.Item): Place {
    const parent = item.parent as Y.AbstractType<unknown> | null;
    if (!parent) return { kind: 'gone' };
    if (parent._item === null) {
      const root = this.rootName(parent);
      if (root === FIELDS && typeof item.parentSub === 'string') return { kind: 'field', key: item.parentSub };
      if (root === BODY && item.parentSub === null) return { kind: 'text' };
      throw badUpdate(TEXT_ONLY);
    }
    const container = parent._item;
    const containerParent = container.parent as Y.AbstractType<unknown> | null;
    if (item.parentSub !== null || !containerParent || containerParent._item !== null || this.rootName(containerParent) !== FIELDS) {
      throw badUpdate(TEXT_ONLY);
    }
    return this.insideType(container, { kind: 'field', key: container.parentSub ?? '' });
  }

  private rootName(type: Y.AbstractType<unknown>): string | undefined {
    for (const [name, root] of this.doc?.share ?? []) if (root === type) return name;
    return undefined;
  }
}
