// The fence on stored updates. Every object row carries its epoch and a marking version (bumped by
// each stored re-mark of it); an update commits only if both are still what the writing node
// holds, checked in the same transaction as the insert. A node holding a stale marking, because
// another node re-marked the object meanwhile, so cannot store (nor then fan out) under it.
//
// What a node "holds" is the marking version of the envelope it last read or wrote through its
// store (cell load, getObject, create, re-mark): the envelopes its cell index was built from.
import { notFound, TearlineError } from '../errors';
import type { AuditRecord, AuditTurns, EnvelopeChange, RemarkBasis } from './types';

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
    /** Those of `objectIds` refused because this node no longer remembers the marking version it read (evicted): their envelopes are to be read again. */
    readonly unheld: readonly string[] = [],
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

/**
 * Whether a re-mark's new epoch copy misses updates stored under the old epoch (another node's,
 * not applied yet where the copy was made). `lastSeq`: the object's last number, read under the
 * lock that keeps further updates out until the re-mark commits.
 */
export function copyMisses(change: EnvelopeChange, lastSeq: number): boolean {
  return change.content !== undefined && change.copied !== undefined && lastSeq > change.copied.through;
}

/**
 * The objects of a re-mark's basis whose stored marking or epoch is no longer the one it was
 * decided from (`stored`: the object as stored, read under the re-mark's lock; undefined: gone).
 */
export function changedSince(basis: readonly RemarkBasis[], stored: (id: string) => { marking: string; epoch: number } | undefined): string[] {
  return basis
    .filter(({ id, marking, epoch }) => {
      const now = stored(id);
      return now?.marking !== marking || Number(now.epoch) !== epoch;
    })
    .map(({ id }) => id);
}

/** A re-mark decided from envelopes that changed meanwhile (another node's re-mark): nothing is stored. */
export function staleRemark(objectIds: readonly string[]): FencedWriteError {
  return new FencedWriteError(
    objectIds,
    new TearlineError('conflict', "This object's marking was changed elsewhere meanwhile (or that of something it belongs to); it has been reloaded: check its marking and decide again."),
  );
}

/** A store asked to audit in its transaction without an audit chain set: a wiring fault, never silently unaudited. */
function noAuditChain(): Error {
  return new Error('This store was given an audit entry to write but no audit chain (openStorage sets it).');
}

/**
 * Runs a store's `write` that may chain an audit entry in its transaction: with one (`record`), in
 * the audit log's turn (AuditTurns), `write` getting the chain; without one, at once.
 */
export function auditedWrite<Chain, T>(audit: AuditTurns<Chain> | undefined, record: AuditRecord | undefined, write: (chain?: Chain) => Promise<T>): Promise<T> {
  if (!record) return write();
  if (!audit) return Promise.reject(noAuditChain());
  return audit.inTurn(write);
}

/** Objects whose marking version a node remembers, at most (about 100 bytes each). */
export const HELD_MARKINGS_MAX = 100_000;

/**
 * The marking version of each envelope this store instance (this node) last read or wrote, for at
 * most `capacity` objects: the least recently used is forgotten first. A forgotten object's
 * updates are refused (fail closed) until its envelope is read again, since the node can no longer
 * tell which version its cell index holds.
 */
export class HeldMarkings {
  private readonly held = new Map<string, number>();

  constructor(private readonly capacity = HELD_MARKINGS_MAX) {}

  version(objectId: string): number | undefined {
    const version = this.held.get(objectId);
    if (version !== undefined) this.touch(objectId, version);
    return version;
  }

  hold(objectId: string, markingVersion: number): void {
    this.touch(objectId, markingVersion);
    if (this.held.size > this.capacity) this.held.delete(this.held.keys().next().value!);
  }

  /** Whether an update for `epoch` may be stored over the object row `current` (undefined: no such object). */
  admits(objectId: string, epoch: number, current: ObjectFence | undefined): boolean {
    if (!current || current.epoch !== epoch) return false;
    return this.version(objectId) === current.markingVersion;
  }

  /** The objects of `ids` whose marking version is not remembered (never read, or forgotten). */
  unheld(ids: readonly string[]): string[] {
    return ids.filter((id) => !this.held.has(id));
  }

  /** Forgets the objects (their cell left this node's memory): their next updates wait for a read of the envelope. */
  forget(ids: Iterable<string>): void {
    for (const id of ids) this.held.delete(id);
  }

  /** Most recently used last: a Map keeps insertion order. */
  private touch(objectId: string, version: number): void {
    this.held.delete(objectId);
    this.held.set(objectId, version);
  }
}
