// One object's Y.Doc as this client holds it: the epoch it belongs to, and the local updates the
// server has not acknowledged yet (kept until acked, resent after a reconnect, replayed onto a
// new epoch's doc after a reset). Views subscribe to `version` to re-render on any change.
//
// While there are unacknowledged updates the replica also keeps `confirmed`: a shadow doc of what
// the server has confirmed (the doc as it was before the first unacknowledged local transaction,
// plus every remote update and every acknowledged local update since). A reset replays only the
// changes confirmed→doc onto the new epoch's doc (a three-way merge, contentDiff.ts), so what
// others did that this replica had not received yet survives the reset.
//
// The Y.Doc is built on first need (`doc`): until something shows or edits the object, the
// replica keeps the server's updates as bytes, merged now and then. A cell of 20,000 objects
// loads without building 20,000 docs, most of which no panel shows. A replica that has no doc yet
// has no local edit, so the epoch, sync and offline-queue rules above hold unchanged.
import * as Y from 'yjs';
import { fieldsOf } from '../../../shared/content';
import { replayChanges } from './contentDiff';
import { fieldFromUpdate, UNSETTLED } from './fieldFromUpdate';

/**
 * At most this many local updates (each typically one run of typing) and bytes go into one
 * resent update: well within the pieces and bytes the server accepts in one update.
 */
const MERGE_MAX_UPDATES = 200;
const MERGE_MAX_BYTES = 256 * 1024;
/** Updates kept as bytes before a doc exists are merged into one past this many. */
const PENDING_MERGE_AT = 32;

/** An update with no structs and an empty delete set (Yjs's encoding of "nothing new"). */
function isEmptyUpdate(update: Uint8Array): boolean {
  return update.byteLength === 2 && update[0] === 0 && update[1] === 0;
}

/** Transaction origin of everything that came from the server: never sent back. */
export const REMOTE_ORIGIN = Symbol('remote');

export type LocalUpdateSink = (replica: ObjectReplica, update: Uint8Array) => void;

let replicaCount = 0;

export class ObjectReplica {
  /** Distinguishes a replica from an earlier one of the same object (purged, then released again). */
  readonly serial = ++replicaCount;
  epoch: number;
  /** The doc once built; until then `pending` holds the server's updates, in order. */
  private built: Y.Doc | null = null;
  private pending: Uint8Array[];
  /** Local updates sent or waiting, not yet acknowledged as durable. */
  unacked: Uint8Array[] = [];
  /** What the server has confirmed, kept only while `unacked` is not empty (the merge base of a reset). */
  private confirmed: Y.Doc | null = null;
  /** `confirmed` as one update, kept until it changes: each keystroke writes it to disk with the edits (offlineStore.ts). */
  private confirmedBytes: Uint8Array | null = null;
  version = 0;
  private readonly listeners = new Set<() => void>();
  /** Fields read from the bytes while no doc is built (`field`), forgotten on any change. */
  private fieldsRead = new Map<string, unknown>();

  constructor(
    readonly id: string,
    epoch: number,
    update: Uint8Array,
    private readonly sink: LocalUpdateSink | null,
  ) {
    this.epoch = epoch;
    this.pending = [update];
  }

  /** The object's doc (replaced on a new epoch), built from the server's updates on first need. */
  get doc(): Y.Doc {
    if (!this.built) {
      this.built = this.openDoc(this.pendingUpdate());
      this.pending = [];
    }
    return this.built;
  }

  /** False until something needed the doc. */
  get hasDoc(): boolean {
    return this.built !== null;
  }

  /**
   * One plain field of the content, read without building the doc when none is built yet (a panel
   * sorting thousands of items by a field shows a few dozen of them). Read from the bytes once per
   * change; a value the bytes do not settle on their own is read from the doc.
   */
  field(name: string): unknown {
    if (this.built) return fieldsOf(this.built).get(name);
    if (!this.fieldsRead.has(name)) {
      const value = fieldFromUpdate(this.pendingUpdate(), name);
      if (value === UNSETTLED) return fieldsOf(this.doc).get(name);
      this.fieldsRead.set(name, value);
    }
    return this.fieldsRead.get(name);
  }

  /** What this replica holds, as the state vector a sync request sends (no doc is built for it). */
  stateVector(): Uint8Array {
    return this.built ? Y.encodeStateVector(this.built) : Y.encodeStateVectorFromUpdate(this.pendingUpdate());
  }

  /** Everything this replica holds, as one update (no doc is built for it). */
  stateAsUpdate(): Uint8Array {
    return this.built ? Y.encodeStateAsUpdate(this.built) : this.pendingUpdate();
  }

  private pendingUpdate(): Uint8Array {
    if (this.pending.length > 1) this.pending = [Y.mergeUpdates(this.pending)];
    return this.pending[0] ?? Y.encodeStateAsUpdate(new Y.Doc({ guid: this.id }));
  }

  private openDoc(update: Uint8Array): Y.Doc {
    // The object id as guid: a doc without one draws a random uuid, 30 % of a large cell's load.
    const doc = new Y.Doc({ guid: this.id });
    Y.applyUpdate(doc, update, REMOTE_ORIGIN);
    // The base is taken just before the first local transaction with nothing unacknowledged, and
    // dropped after any transaction that left nothing unacknowledged (one that changed nothing).
    doc.on('beforeTransaction', (transaction: Y.Transaction) => {
      if (this.sink && !this.confirmed && this.built === doc && transaction.origin !== REMOTE_ORIGIN) {
        this.confirmed = new Y.Doc({ guid: this.id });
        this.confirmedBytes = Y.encodeStateAsUpdate(doc);
        Y.applyUpdate(this.confirmed, this.confirmedBytes);
      }
    });
    doc.on('afterAllTransactions', () => {
      if (this.built === doc && this.unacked.length === 0) this.dropConfirmed();
    });
    doc.on('update', (change: Uint8Array, origin: unknown) => {
      if (origin !== REMOTE_ORIGIN && this.sink) {
        this.unacked.push(change);
        this.sink(this, change);
      }
      this.changed();
    });
    return doc;
  }

  applyRemote(update: Uint8Array): void {
    // A rejoin resyncs every object; most answers are empty, and change nothing here (not the version views and the disk follow).
    if (isEmptyUpdate(update)) return;
    if (!this.built) {
      this.pending.push(update);
      if (this.pending.length > PENDING_MERGE_AT) this.pendingUpdate();
      this.changed();
      return;
    }
    if (this.confirmed) this.confirm(update, REMOTE_ORIGIN);
    Y.applyUpdate(this.built, update, REMOTE_ORIGIN);
  }

  /**
   * Replaces the doc with a new epoch's. Unacknowledged local edits are replayed onto it as the
   * changes they made to the confirmed content, rebased over the new epoch's (contentDiff.ts): what
   * others did meanwhile is kept, and the replay is sent as new updates on the new epoch.
   */
  reset(epoch: number, update: Uint8Array): void {
    const previous = this.built;
    const base = this.unacked.length > 0 ? this.confirmed : null;
    this.confirmed = null;
    this.confirmedBytes = null;
    this.unacked = [];
    this.epoch = epoch;
    if (previous) {
      this.built = this.openDoc(update);
      if (base) replayChanges(base, previous, this.built);
      previous.destroy();
    } else {
      this.pending = [update];
    }
    base?.destroy();
    this.changed();
  }

  /** What the server has confirmed, as one update (all of it while nothing is unacknowledged). */
  confirmedState(): Uint8Array {
    if (!this.confirmed) return this.stateAsUpdate();
    this.confirmedBytes ??= Y.encodeStateAsUpdate(this.confirmed);
    return this.confirmedBytes;
  }

  /**
   * Takes back edits kept from an earlier page (offlineStore.ts) as fresh local edits, sent like
   * any other. Onto the same epoch they apply as they are (what the server already has changes
   * nothing); onto another, the changes they made to `confirmed` are replayed, as a reset does.
   */
  restoreUnsent(epoch: number, confirmed: Uint8Array, unacked: Uint8Array[]): void {
    const doc = this.doc;
    if (epoch === this.epoch) {
      doc.transact(() => {
        for (const update of unacked) Y.applyUpdate(doc, update);
      });
      return;
    }
    const base = new Y.Doc({ guid: this.id });
    Y.applyUpdate(base, confirmed);
    const edited = new Y.Doc({ guid: this.id });
    Y.applyUpdate(edited, confirmed);
    for (const update of unacked) Y.applyUpdate(edited, update);
    replayChanges(base, edited, doc);
    base.destroy();
    edited.destroy();
  }

  acknowledge(update: Uint8Array): void {
    const index = this.unacked.indexOf(update);
    // An update of an earlier epoch (acknowledged after a reset) is no longer pending here.
    if (index < 0) return;
    this.unacked.splice(index, 1);
    if (this.unacked.length === 0) this.dropConfirmed();
    else if (this.confirmed) this.confirm(update);
  }

  private confirm(update: Uint8Array, origin?: unknown): void {
    Y.applyUpdate(this.confirmed!, update, origin);
    this.confirmedBytes = null;
  }

  /** Forgets the unacknowledged edits (the server refused one: the doc is reloaded from the server). */
  discardUnacked(): void {
    this.unacked = [];
    this.dropConfirmed();
  }

  private dropConfirmed(): void {
    this.confirmed?.destroy();
    this.confirmed = null;
    this.confirmedBytes = null;
  }

  /**
   * Folds what is unacknowledged into as few updates as the server accepts (to resend after a
   * reconnect), in order. A long offline session is not folded into one: merged, its edits could
   * exceed the pieces one update may carry (CONTENT_LIMITS) and be refused whole.
   */
  mergeUnacked(): Uint8Array[] {
    const groups: Uint8Array[][] = [];
    let bytes = 0;
    for (const update of this.unacked) {
      const group = groups.at(-1);
      if (group && group.length < MERGE_MAX_UPDATES && bytes + update.byteLength <= MERGE_MAX_BYTES) {
        group.push(update);
        bytes += update.byteLength;
      } else {
        groups.push([update]);
        bytes = update.byteLength;
      }
    }
    this.unacked = groups.map((group) => (group.length === 1 ? group[0]! : Y.mergeUpdates(group)));
    return [...this.unacked];
  }

  // Methods, not arrow-function fields: a cell of 50,000 objects holds a replica each, and fields
  // would be two closures per replica (and, under tsx, two `__name` calls each: a quarter of the
  // bench's load CPU at 5,000 objects). Views bind them (hooks.ts).
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  getVersion(): number {
    return this.version;
  }

  private changed(): void {
    this.version += 1;
    if (this.fieldsRead.size > 0) this.fieldsRead = new Map();
    for (const listener of this.listeners) listener();
  }

  destroy(): void {
    this.discardUnacked();
    this.built?.destroy();
    this.pending = [];
    this.listeners.clear();
  }
}
