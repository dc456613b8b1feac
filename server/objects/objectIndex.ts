// The envelopes of one cell, with their markings parsed once. Answers the access question for
// an object: its own marking and every ancestor's must be releasable (a portion of a report
// one cannot see would otherwise reveal the report through its parentId).
import { canSee, parseMarking, type Marking, type MarkingPolicy, type Participant } from '../../shared/markings';
import type { Envelope } from '../../shared/protocol';
import { compareSiblings, type SiblingPlace } from '../../shared/siblings';

export interface IndexedObject {
  envelope: Envelope;
  marking: Marking;
  /**
   * Its place in the index's order (`all()`): given when the object enters the index, kept while
   * it is changed, a new one when it comes back from deletion. Never sent: it counts every object.
   */
  seq: number;
}

/** A deleted object as the index keeps it: out of every answer but the audit trail's and an undo's. */
export interface DeletedObject extends IndexedObject {
  deletedAt: string;
  deletedBy: string;
}

export class ObjectIndex {
  private readonly objects = new Map<string, IndexedObject>();
  /** The children of each parent ('' for top-level objects) in document order. */
  private readonly siblings = new Map<string, IndexedObject[]>();
  private readonly parsed = new Map<string, Marking>();
  /** Deleted objects (tombstones): never an answer's, except to say who may read their audit trail. */
  private readonly deleted = new Map<string, DeletedObject>();
  private nextSeq = 0;

  constructor(
    readonly policy: MarkingPolicy,
    envelopes: Iterable<Envelope> = [],
  ) {
    for (const envelope of envelopes) this.put(envelope);
  }

  /** The marking of an envelope, originator included. Parsed once per (banner, originator). */
  markingOf(envelope: Pick<Envelope, 'marking' | 'originator'>): Marking {
    const key = `${envelope.originator}#${envelope.marking}`;
    let marking = this.parsed.get(key);
    if (!marking) {
      marking = { ...parseMarking(envelope.marking, this.policy), originator: envelope.originator };
      this.parsed.set(key, marking);
    }
    return marking;
  }

  put(envelope: Envelope): IndexedObject {
    const previous = this.objects.get(envelope.id);
    if (previous) {
      const list = this.siblings.get(previous.envelope.parentId ?? '')!;
      list.splice(positionIn(list, previous.envelope), 1);
    }
    // A Map keeps a key's first place when it is set again, so `seq` follows `all()`'s order.
    const entry = { envelope, marking: this.markingOf(envelope), seq: previous?.seq ?? this.nextSeq++ };
    this.objects.set(envelope.id, entry);
    const key = envelope.parentId ?? '';
    let list = this.siblings.get(key);
    if (!list) this.siblings.set(key, (list = []));
    list.splice(positionIn(list, envelope), 0, entry);
    return entry;
  }

  /** Takes an object out of every answer, keeping it as a tombstone. */
  markDeleted(id: string, tombstone: { deletedAt: string; deletedBy: string }): void {
    const entry = this.objects.get(id);
    if (!entry) return;
    const list = this.siblings.get(entry.envelope.parentId ?? '')!;
    list.splice(positionIn(list, entry.envelope), 1);
    this.objects.delete(id);
    this.deleted.set(id, { ...entry, ...tombstone });
  }

  /** A tombstoned object put back (an undo). */
  restore(id: string): IndexedObject | undefined {
    const entry = this.deleted.get(id);
    if (!entry) return undefined;
    this.deleted.delete(id);
    return this.put(entry.envelope);
  }

  deletedIds(): string[] {
    return [...this.deleted.keys()];
  }

  deletedEntry(id: string): DeletedObject | undefined {
    return this.deleted.get(id);
  }

  /** A tombstoned object's deleted children (a report deleted with its portions). */
  deletedChildrenOf(id: string): string[] {
    return [...this.deleted.values()].filter((entry) => entry.envelope.parentId === id).map((entry) => entry.envelope.id);
  }

  /**
   * Whether a participant could see a deleted object when it was deleted: its own marking and its
   * parents' (live or deleted with it). Only its audit trail and its undo ask.
   */
  couldSeeDeleted(participant: Participant, id: string): boolean {
    let entry: IndexedObject | undefined = this.deleted.get(id);
    if (!entry) return false;
    while (entry) {
      if (!canSee(participant, entry.marking, this.policy)) return false;
      const parentId: string | null = entry.envelope.parentId;
      entry = parentId === null ? undefined : (this.deleted.get(parentId) ?? this.objects.get(parentId));
    }
    return true;
  }

  /** The envelope of an object whose audit trail the participant may read: one they see, or saw when it was deleted. */
  auditedObject(participant: Participant, id: string): Envelope | undefined {
    if (this.canSee(participant, id)) return this.objects.get(id)!.envelope;
    return this.couldSeeDeleted(participant, id) ? this.deleted.get(id)!.envelope : undefined;
  }

  get(id: string): IndexedObject | undefined {
    return this.objects.get(id);
  }

  all(): IterableIterator<IndexedObject> {
    return this.objects.values();
  }

  /** The objects after the one whose `seq` is `seq`, in `all()`'s order (a listing resumed, server/workspaces/joinPages.ts). */
  *after(seq: number): Generator<IndexedObject> {
    for (const entry of this.objects.values()) if (entry.seq > seq) yield entry;
  }

  get size(): number {
    return this.objects.size;
  }

  /**
   * The order key of the last sibling under `parentId` (null: top level) that a participant may
   * see, so a new object is placed from what its creator sees alone. Usually the last sibling.
   */
  lastVisibleOrderKey(participant: Participant, parentId: string | null): string | null {
    const list = this.siblings.get(parentId ?? '') ?? [];
    for (let i = list.length - 1; i >= 0; i--) {
      if (this.canSee(participant, list[i]!.envelope.id)) return list[i]!.envelope.orderKey;
    }
    return null;
  }

  /** The order key of the first sibling after `envelope` that a participant may see (null: none). */
  nextVisibleOrderKey(participant: Participant, envelope: Envelope): string | null {
    const list = this.siblings.get(envelope.parentId ?? '') ?? [];
    for (let i = positionIn(list, envelope) + 1; i < list.length; i++) {
      if (this.canSee(participant, list[i]!.envelope.id)) return list[i]!.envelope.orderKey;
    }
    return null;
  }

  childrenOf(id: string): string[] {
    return (this.siblings.get(id) ?? []).map((child) => child.envelope.id);
  }

  /** The children a participant may see, in document order (compareSiblings). */
  visibleChildren(participant: Participant, id: string): IndexedObject[] {
    return (this.siblings.get(id) ?? []).filter((child) => this.canSee(participant, child.envelope.id));
  }

  /** The object and all its descendants, parents first. */
  subtree(id: string): string[] {
    const out = [id];
    for (let i = 0; i < out.length; i++) out.push(...this.childrenOf(out[i]!));
    return out;
  }

  /**
   * The markings that decide who sees an object: its own, then each ancestor's. `remarked` puts
   * one object's new marking in place of its current one: who would see it after a re-mark.
   */
  chain(id: string, remarked?: { id: string; marking: Marking }): Marking[] {
    const markings: Marking[] = [];
    let entry = this.objects.get(id);
    while (entry) {
      markings.push(entry.envelope.id === remarked?.id ? remarked.marking : entry.marking);
      entry = entry.envelope.parentId ? this.objects.get(entry.envelope.parentId) : undefined;
    }
    return markings;
  }

  /** Walks the chain in place: asked once per object of every doc:sync and every listing. */
  canSee(participant: Participant, id: string): boolean {
    let entry = this.objects.get(id);
    if (!entry) return false;
    while (entry) {
      if (!canSee(participant, entry.marking, this.policy)) return false;
      entry = entry.envelope.parentId ? this.objects.get(entry.envelope.parentId) : undefined;
    }
    return true;
  }
}

/** Where an envelope sits (or would sit) among siblings kept in compareSiblings order. */
function positionIn(list: readonly IndexedObject[], envelope: SiblingPlace): number {
  let low = 0;
  let high = list.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (compareSiblings(list[mid]!.envelope, envelope) < 0) low = mid + 1;
    else high = mid;
  }
  return low;
}
