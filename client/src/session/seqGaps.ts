// Which of each object's stored updates this client holds, by their sequence numbers (counted
// within the object's epoch, docs/protocol.md "Sequence numbers"), and so which objects miss one:
// a frame lost on the way, or one the server sent before this client's copy was read. Pure
// bookkeeping, no I/O: the session re-syncs an object that stays lacking (doc:sync with its state
// vector). Numbers may arrive out of order (with several nodes, another node's edit can come
// after a later one made here), so a missing number is only a gap once it has stayed missing a while.

interface Track {
  epoch: number;
  /** Every number through this one is held; null until a state of the epoch arrived (a sync answer, a reset). */
  through: number | null;
  /** Numbers held beyond `through`. */
  beyond: Set<number>;
  /** A number known to exist that this copy must come to hold (the join answer's, or a frame that arrived before the copy). */
  need: number;
}

export class SeqGaps {
  private readonly tracks = new Map<string, Track>();

  /** The object's copy now holds every update of `epoch` through `seq` (a doc:sync answer, a doc:reset). */
  anchor(id: string, epoch: number, seq: number): void {
    const track = this.track(id, epoch);
    if (!track) return;
    track.through = Math.max(track.through ?? seq, seq);
    this.absorb(track);
  }

  /** An update holding numbers `from` through `seq` of `epoch` was applied (a frame, or the ack of one's own edit). */
  saw(id: string, epoch: number, from: number, seq: number): void {
    const track = this.track(id, epoch);
    if (!track) return;
    if (track.through !== null && from <= track.through + 1) track.through = Math.max(track.through, seq);
    else for (let n = from; n <= seq; n++) track.beyond.add(n);
    this.absorb(track);
  }

  /** Number `seq` of `epoch` exists but is not in the copy (the join answer's, or a frame that came before the copy did). */
  expect(id: string, epoch: number, seq: number): void {
    const track = this.track(id, epoch);
    if (track) track.need = Math.max(track.need, seq);
  }

  /** Whether the object's copy misses a number below one it knows of (once it has a copy at all). */
  lacking(id: string): boolean {
    const track = this.tracks.get(id);
    if (!track || track.through === null) return false;
    return track.beyond.size > 0 || track.through < track.need;
  }

  /** The epoch and highest number held without a gap, for display and tests; undefined before a copy. */
  held(id: string): { epoch: number; through: number } | undefined {
    const track = this.tracks.get(id);
    return track && track.through !== null ? { epoch: track.epoch, through: track.through } : undefined;
  }

  forget(id: string): void {
    this.tracks.delete(id);
  }

  /** Everything forgotten: a rejoin starts again from its answers. */
  clear(): void {
    this.tracks.clear();
  }

  /** The object's track for `epoch`: a later epoch starts a new one; an earlier epoch's numbers are ignored (undefined). */
  private track(id: string, epoch: number): Track | undefined {
    const known = this.tracks.get(id);
    if (known && known.epoch === epoch) return known;
    if (known && known.epoch > epoch) return undefined;
    const fresh: Track = { epoch, through: null, beyond: new Set(), need: 0 };
    this.tracks.set(id, fresh);
    return fresh;
  }

  private absorb(track: Track): void {
    if (track.through === null) return;
    for (const n of track.beyond) if (n <= track.through) track.beyond.delete(n);
    while (track.beyond.delete(track.through + 1)) track.through++;
  }
}
