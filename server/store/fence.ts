// The fence on stored updates. Every object row carries its epoch and a marking version (bumped by
// each stored re-mark of it); an update commits only if both are still what the writing node
// holds, checked in the same transaction as the insert. A node holding a stale marking, because
// another node re-marked the object meanwhile, so cannot store (nor then fan out) under it.
//
// What a node "holds" is the marking version of the envelope it last read or wrote through its
// store (cell load, getObject, create, re-mark): the envelopes its cell index was built from.
import { notFound, TearlineError } from '../errors';

/** What an object row says a write must match. */
export interface ObjectFence {
  epoch: number;
  markingVersion: number;
}

/** An update refused by the fence. `conflict`: the client re-syncs and replays (as for a new epoch). */
export class FencedWriteError extends TearlineError {
  constructor(
    readonly objectIds: readonly string[],
    refusal: TearlineError = new TearlineError('conflict', 'This object was re-marked or moved to a new version meanwhile; it has been reloaded, apply your edit again.'),
  ) {
    super(refusal.code, refusal.message);
    this.name = 'FencedWriteError';
  }
}

/**
 * An update to an object deleted meanwhile (a tombstone, checked in the storing transaction): a
 * node that has not heard of the deletion yet cannot store it. `not_found`, as the object is now.
 */
export function deletedWrite(objectIds: readonly string[]): FencedWriteError {
  return new FencedWriteError(objectIds, notFound());
}

/** The marking version of each envelope this store instance (this node) last read or wrote. */
export class HeldMarkings {
  private readonly held = new Map<string, number>();

  version(objectId: string): number | undefined {
    return this.held.get(objectId);
  }

  hold(objectId: string, markingVersion: number): void {
    this.held.set(objectId, markingVersion);
  }

  /**
   * Whether an update for `epoch` may be stored over the object row `current` (undefined: no such
   * object). An object this node never read an envelope of holds no stale marking: the row decides.
   */
  admits(objectId: string, epoch: number, current: ObjectFence | undefined): boolean {
    if (!current || current.epoch !== epoch) return false;
    const held = this.held.get(objectId);
    return held === undefined || held === current.markingVersion;
  }
}
