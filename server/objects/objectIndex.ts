// The envelopes of one cell, with their markings parsed once. Answers the access question for
// an object: its own marking and every ancestor's must be releasable (a portion of a report
// one cannot see would otherwise reveal the report through its parentId).
import { canSee, parseMarking, type Marking, type MarkingPolicy, type Participant } from '../../shared/markings';
import type { Envelope } from '../../shared/protocol';

export interface IndexedObject {
  envelope: Envelope;
  marking: Marking;
}

export class ObjectIndex {
  private readonly objects = new Map<string, IndexedObject>();
  private readonly children = new Map<string, Set<string>>();
  private readonly parsed = new Map<string, Marking>();
  /** Highest order key among the children of each parent ('' for top-level objects). */
  private readonly lastOrderKey = new Map<string, string>();

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
    if (previous?.envelope.parentId) this.children.get(previous.envelope.parentId)?.delete(envelope.id);
    const entry = { envelope, marking: this.markingOf(envelope) };
    this.objects.set(envelope.id, entry);
    const siblingsOf = envelope.parentId ?? '';
    const last = this.lastOrderKey.get(siblingsOf);
    if (last === undefined || envelope.orderKey > last) this.lastOrderKey.set(siblingsOf, envelope.orderKey);
    if (envelope.parentId) {
      let siblings = this.children.get(envelope.parentId);
      if (!siblings) this.children.set(envelope.parentId, (siblings = new Set()));
      siblings.add(envelope.id);
    }
    return entry;
  }

  get(id: string): IndexedObject | undefined {
    return this.objects.get(id);
  }

  all(): IterableIterator<IndexedObject> {
    return this.objects.values();
  }

  get size(): number {
    return this.objects.size;
  }

  /** The highest order key among an object's siblings, to append after them without a scan. */
  lastOrderKeyUnder(parentId: string | null): string | null {
    return this.lastOrderKey.get(parentId ?? '') ?? null;
  }

  childrenOf(id: string): string[] {
    return [...(this.children.get(id) ?? [])];
  }

  /** The children a participant may see, in document order (order key, then id for ties). */
  visibleChildren(participant: Participant, id: string): IndexedObject[] {
    return this.childrenOf(id)
      .filter((child) => this.canSee(participant, child))
      .map((child) => this.objects.get(child)!)
      .sort((a, b) => (a.envelope.orderKey < b.envelope.orderKey ? -1 : a.envelope.orderKey > b.envelope.orderKey ? 1 : a.envelope.id < b.envelope.id ? -1 : 1));
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

  canSee(participant: Participant, id: string): boolean {
    if (!this.objects.has(id)) return false;
    return this.chain(id).every((marking) => canSee(participant, marking, this.policy));
  }
}
