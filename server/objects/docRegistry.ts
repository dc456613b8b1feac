// Live Y.Docs, one per object being edited: loaded from the store on demand, fed each checked
// update once it is durable, compacted into snapshots off the edit path, evicted when idle. A live
// doc holds durable content only, so whoever reads it (doc:sync, tearlines, exports, a new epoch's
// copy) never sees an edit that could still be lost. Readers that only need bytes (doc:sync) of a
// doc not in memory are served from the store without loading it, its log merged once and kept
// (./stateCache.ts).
import * as Y from 'yjs';
import { formatSize } from '../../shared/sizes';
import { cloneContent } from '../../shared/content';
import type { CopiedFrom, Store, StoredDoc } from '../store/types';
import type { UpdateWriter } from '../store/updateWriter';
import { isOutcomeUnknown, TearlineError } from '../errors';
import { SeqTracker } from './seqTracker';
import { StateCache } from './stateCache';
import { checkUpdate, type CheckedUpdate } from './updateCheck';

/** An update accepted for a doc and being written: not in the doc yet, but the next updates may build on it. */
interface StagedUpdate {
  update: Uint8Array;
  author: string;
  checked: CheckedUpdate;
  /** The Yjs client ids it is the first to write with (claimed at once, released if its write fails). */
  newClients: readonly number[];
  /** Its sequence number, once durable. */
  seq?: number;
}

export interface LiveDoc {
  id: string;
  epoch: number;
  /** Durable content only: the snapshot and every stored update of this epoch up to `lastSeq`. */
  doc: Y.Doc;
  /** Stored updates not yet folded into a snapshot. */
  sinceSnapshot: number;
  /** Every update through this number is in `doc` (compaction replaces no further than it). */
  lastSeq: number;
  /** The update numbers in `doc`: with several nodes, they may arrive out of order. */
  seen: SeqTracker;
  /** The object's last number when `epoch` began: clients are given numbers counted from it (`seq - epochSeq`). */
  epochSeq: number;
  lastUsed: number;
  /** Updates accepted, in the order they were checked, whose write has not finished: such a doc is not evicted. */
  staged: StagedUpdate[];
  /** Who each Yjs client id that wrote here belongs to, staged updates' claims included (see claimClients). */
  owners: Map<number, string>;
  /** Stored bytes: the snapshot plus the updates since. With the staged bytes, bounds how large one object may grow. */
  storedBytes: number;
  /** Set while a new epoch is being made: updates wait for it, then meet the new epoch. */
  replacing?: Promise<void>;
  /** Called when `staged` empties (a new epoch waits for the writes in progress). */
  onSettled: (() => void)[];
  compaction: { running: boolean; failures: number; retryAt: number };
}

/** A new epoch's first content, and what it was copied from (Store.remark makes it again when that missed updates). */
export interface NewEpochCopy {
  content: Uint8Array;
  copied: CopiedFrom;
}

/** A doc's durable state as a reader gets it. */
export interface DocStateRead {
  epoch: number;
  update: Uint8Array;
  /** The epoch's number (counted within it, as clients see them) through which every update is in `update`. */
  seq: number;
  /** The very bytes kept in the cache of stored states (the same array for every reader while cached): an encoding of them may be kept with them. */
  shared: boolean;
}

export interface DocRegistryOptions {
  compactAfter: number;
  idleMs: number;
  /** Refuse updates that would grow one object's stored content beyond this many bytes. */
  maxDocBytes: number;
  /** A compaction failed; it is retried after the doc's next update once a backoff has passed. */
  onCompactionError(error: unknown, objectId: string): void;
  /** Bytes of merged stored state kept for readers of docs not in memory (none when absent). */
  syncCacheBytes?: number;
  /**
   * Whether an object's whole update log must be kept (an exercise cell's, for replay): such a doc
   * is never compacted. Asked once per load, when compaction would first run.
   */
  keepsHistory?(objectId: string): Promise<boolean>;
}

/** The first retry of a failed compaction waits this long, each further one twice as long, up to the maximum. */
const COMPACTION_RETRY_MS = 1000;
const COMPACTION_RETRY_MAX_MS = 5 * 60_000;

export class DocRegistry {
  private readonly docs = new Map<string, Promise<LiveDoc>>();
  /** Each loaded entry of `docs` with its doc: an update to a doc in memory reads it without awaiting (a microtask per edit). */
  private readonly loaded = new WeakMap<Promise<LiveDoc>, LiveDoc>();
  private readonly storedStates: StateCache;

  constructor(
    private readonly store: Store,
    private readonly writer: UpdateWriter,
    private readonly options: DocRegistryOptions,
  ) {
    this.storedStates = new StateCache(options.syncCacheBytes ?? 0);
  }

  get size(): number {
    return this.docs.size;
  }

  /** Whether the object's doc is in memory (loaded or loading). */
  has(id: string): boolean {
    return this.docs.has(id);
  }

  open(id: string): Promise<LiveDoc> {
    let live = this.docs.get(id);
    if (!live) {
      // Writes go through the loaded doc from now on: the cached stored state may fall behind.
      this.storedStates.drop(id);
      const loading = this.load(id);
      live = loading;
      this.docs.set(id, loading);
      loading.then(
        (doc) => this.loaded.set(loading, doc),
        () => this.docs.delete(id),
      );
    }
    return live;
  }

  private async load(id: string): Promise<LiveDoc> {
    const stored = await this.store.loadDoc(id);
    return {
      id,
      epoch: stored.epoch,
      doc: docOf(id, stored),
      sinceSnapshot: stored.updates.length,
      lastSeq: stored.lastSeq,
      seen: new SeqTracker(stored.lastSeq),
      epochSeq: stored.epochSeq,
      lastUsed: Date.now(),
      staged: [],
      owners: stored.owners,
      storedBytes: (stored.snapshot?.byteLength ?? 0) + stored.updates.reduce((sum, update) => sum + update.byteLength, 0),
      onSettled: [],
      compaction: { running: false, failures: 0, retryAt: 0 },
    };
  }

  /**
   * The one durable apply: checks `author`'s update against the doc and the updates accepted before
   * it, writes it (group commit with every other doc's), and applies it once durable, in the order
   * the doc's updates were checked. `onStaged` is told once the update has its place in that order
   * (or was refused). Resolves once it is durable and applied, with what the check read of it;
   * rejects with the check's error, or the write's (nothing of the update is kept then). `seq`: the
   * update's number within its epoch, as clients are given it.
   */
  async update(id: string, epoch: number, update: Uint8Array, author: string, onStaged?: () => void): Promise<CheckedUpdate & { seq: number }> {
    const entry = this.open(id);
    let live = this.loaded.get(entry) ?? (await entry);
    while (live.replacing) {
      await live.replacing;
      live = await this.open(id);
    }
    // From here until the update is staged nothing awaits, so a new epoch cannot start in between.
    if (epoch !== live.epoch) {
      throw new TearlineError(
        'conflict',
        `This object moved to a new version (epoch ${live.epoch}) after a release; reload it and reapply your edit.`,
      );
    }
    const stagedBytes = live.staged.reduce((sum, staged) => sum + staged.update.byteLength, 0);
    if (live.storedBytes + stagedBytes + update.byteLength > this.options.maxDocBytes) {
      throw new TearlineError(
        'too_large',
        `This object has reached its size limit (${formatSize(this.options.maxDocBytes)}); put further text in a new object.`,
      );
    }
    const checked = checkUpdate(live.doc, update, live.staged.map((staged) => staged.checked));
    const newClients = claimClients(live, checked.clients, author);
    const staged: StagedUpdate = { update, author, checked, newClients };
    live.staged.push(staged);
    live.lastUsed = Date.now();
    onStaged?.();
    try {
      staged.seq = await this.writer.write({ objectId: id, epoch, update, author, newClients });
    } catch (error) {
      // The writer also fails every later update of this doc that was queued behind this one,
      // so none stays staged on top of an update that is not there.
      live.staged.splice(live.staged.indexOf(staged), 1);
      for (const client of newClients) live.owners.delete(client);
      this.applyDurable(live);
      // No answer from the database, or a commit cut off (a reset connection): it may have landed,
      // or may still land when the database resumes. The doc is read again from the store, so this
      // node does not go on serving it without that update.
      if (isOutcomeUnknown(error)) this.drop(id);
      throw error;
    }
    // Before anything can await: a new epoch starts only once this update is applied.
    const seq = staged.seq - live.epochSeq;
    this.applyDurable(live);
    return { ...checked, seq };
  }

  /** Applies the durable updates at the head of the doc's queue, in order; schedules compaction. */
  private applyDurable(live: LiveDoc): void {
    for (let head = live.staged[0]; head?.seq !== undefined; head = live.staged[0]) {
      live.staged.shift();
      // No transaction origin: nothing observes the live doc's changes.
      Y.applyUpdate(live.doc, head.update);
      live.seen.see(head.seq);
      live.lastSeq = live.seen.contiguous;
      live.sinceSnapshot++;
      live.storedBytes += head.update.byteLength;
    }
    // Nearly always nobody waits: no array is spliced out per edit then.
    if (live.staged.length === 0 && live.onSettled.length > 0) for (const settled of live.onSettled.splice(0)) settled();
    this.compactIfDue(live);
  }

  private compactIfDue(live: LiveDoc): void {
    if (live.sinceSnapshot >= this.options.compactAfter && !live.compaction.running && Date.now() >= live.compaction.retryAt) {
      live.compaction.running = true;
      // Off the edit path: the edit that triggered it is acknowledged and fanned out first.
      setImmediate(() => void this.compact(live));
    }
  }

  /**
   * The loaded docs that were keeping their history ask `keepsHistory` again (an exercise was
   * closed), and those no longer keeping it are compacted when due, without waiting for an edit.
   */
  async reconsiderHistory(): Promise<void> {
    const loaded = await Promise.allSettled(this.docs.values());
    for (const result of loaded) {
      if (result.status !== 'fulfilled' || result.value.compaction.retryAt !== Infinity) continue;
      result.value.compaction.retryAt = 0;
      this.compactIfDue(result.value);
    }
  }

  /** Writes the doc as a snapshot replacing the log through `lastSeq`. Never throws: a failure is reported and retried later. */
  private async compact(live: LiveDoc): Promise<void> {
    if (!this.docs.has(live.id)) {
      // Evicted, or the server is closing: the log is compacted after the doc's next load.
      live.compaction.running = false;
      return;
    }
    try {
      if (await this.options.keepsHistory?.(live.id)) {
        // Not while this doc stays loaded: its log is the history.
        live.compaction.retryAt = Infinity;
        return;
      }
      // Read after that wait: the snapshot holds exactly the updates through `lastSeq`.
      const { epoch, lastSeq, sinceSnapshot, storedBytes } = live;
      const snapshot = Y.encodeStateAsUpdate(live.doc);
      await this.store.compact(live.id, epoch, snapshot, lastSeq);
      live.compaction.failures = 0;
      live.compaction.retryAt = 0;
      if (live.epoch === epoch) {
        live.sinceSnapshot -= sinceSnapshot;
        live.storedBytes += snapshot.byteLength - storedBytes;
      }
    } catch (error) {
      live.compaction.failures++;
      live.compaction.retryAt = Date.now() + Math.min(COMPACTION_RETRY_MAX_MS, COMPACTION_RETRY_MS * 2 ** (live.compaction.failures - 1));
      this.options.onCompactionError(error, live.id);
    } finally {
      live.compaction.running = false;
    }
  }

  /** Resolves once none of the doc's updates is being written. */
  private settled(live: LiveDoc): Promise<void> {
    if (live.staged.length === 0) return Promise.resolve();
    return new Promise((resolve) => live.onSettled.push(resolve));
  }

  /**
   * New epochs (object id → its new epoch): each doc, loaded first when not in memory, is
   * replaced by a copy of its current content only (no deleted text, no history, new client ids).
   * Updates already accepted for these docs are written first: every one that is acknowledged is
   * in the copy, and one whose write fails is answered with that failure. Updates arriving
   * meanwhile wait, then answer `conflict` (the client replays them on the new epoch). Updates
   * another node stored that this one has not applied yet are taken from the store by `persist`
   * (Store.remark makes the copy again when it misses any), so they are in the copy too. The copies
   * are stored by `persist` before any doc is replaced, so a copy that cannot be made or stored
   * changes nothing in memory: the stored epoch stays what is served.
   */
  async startEpochs(
    epochs: ReadonlyMap<string, number>,
    /** Stores the copies; answers where each new epoch's numbers start (Store.remark). */
    persist: (copies: ReadonlyMap<string, NewEpochCopy>) => Promise<ReadonlyMap<string, number>>,
  ): Promise<ReadonlyMap<string, Uint8Array>> {
    const docs = await Promise.all([...epochs.keys()].map((id) => this.open(id)));
    let replaced!: () => void;
    const replacing = new Promise<void>((resolve) => (replaced = resolve));
    for (const live of docs) live.replacing = replacing;
    const fresh = new Map<string, Y.Doc>();
    const copies = new Map<string, Uint8Array>();
    const copy = (live: LiveDoc) => {
      fresh.get(live.id)?.destroy();
      const doc = cloneContent(live.doc, live.id);
      fresh.set(live.id, doc);
      copies.set(live.id, Y.encodeStateAsUpdate(doc));
      return copies.get(live.id)!;
    };
    try {
      await Promise.all(docs.map((live) => this.settled(live)));
      const made = new Map(
        docs.map((live): [string, NewEpochCopy] => [
          live.id,
          {
            content: copy(live),
            copied: {
              through: live.lastSeq,
              again: (stored) => {
                if (stored.epoch !== live.epoch) {
                  throw new TearlineError('conflict', 'This object was re-marked elsewhere meanwhile; reload it and decide its marking again.');
                }
                // Durable updates of this epoch (another node's): the live doc takes them as a relay would have brought them.
                takeStored(live, stored);
                return copy(live);
              },
            },
          },
        ]),
      );
      let starts: ReadonlyMap<string, number>;
      try {
        starts = await persist(made);
      } catch (error) {
        for (const doc of fresh.values()) doc.destroy();
        throw error;
      }
      for (const live of docs) {
        live.doc.destroy();
        live.doc = fresh.get(live.id)!;
        live.epoch = epochs.get(live.id)!;
        // Numbers of the old epoch this node had not applied yet no longer matter: the copy holds them.
        live.epochSeq = starts.get(live.id) ?? live.lastSeq;
        live.seen.settle(live.epochSeq);
        live.lastSeq = live.seen.contiguous;
        live.sinceSnapshot = 0;
        live.storedBytes = copies.get(live.id)!.byteLength;
        live.lastUsed = Date.now();
      }
      return copies;
    } finally {
      for (const live of docs) live.replacing = undefined;
      replaced();
    }
  }

  /**
   * An update another node stored (durable already: applied, never written again). Applied to the
   * live doc when it is in memory at that epoch; a doc not in memory is read from the store next
   * time. `owners`: the Yjs client ids it is the first to write with, and whose they are.
   */
  async applyRemote(id: string, epoch: number, seq: number, update: Uint8Array, owners: readonly (readonly [number, string])[]): Promise<void> {
    this.storedStates.drop(id);
    const entry = this.docs.get(id);
    const live = entry && (await entry.catch(() => undefined));
    if (!live || live.epoch !== epoch || live.replacing || !live.seen.see(seq)) return;
    for (const [client, author] of owners) if (!live.owners.has(client)) live.owners.set(client, author);
    Y.applyUpdate(live.doc, update);
    live.lastSeq = live.seen.contiguous;
    live.sinceSnapshot++;
    live.storedBytes += update.byteLength;
  }

  /**
   * Brings the live doc up to what the store holds (after a gap in what the relay delivered, or
   * another node's new epoch), and answers what this node's readers may lack: a new epoch (`reset`)
   * whole; otherwise every stored update after `deliveredThrough` (the number through which they
   * were all delivered), or the whole stored state when the snapshot folded some of those in. Not
   * only what the doc lacked: a socket served from stored data before the doc loaded lacks what
   * the load read. Undefined when the doc is not in memory (its next reader loads it from the store).
   */
  async catchUp(id: string, deliveredThrough: number): Promise<CaughtUp | undefined> {
    this.storedStates.drop(id);
    const entry = this.docs.get(id);
    let live = entry && (await entry.catch(() => undefined));
    if (!live) return undefined;
    while (live.replacing) await live.replacing;
    const stored = await this.store.loadDoc(id);
    const fresh = docOf(id, stored);
    if (this.docs.get(id) !== entry) {
      fresh.destroy();
      return undefined;
    }
    live = await entry!;
    const storedBytes = (stored.snapshot?.byteLength ?? 0) + stored.updates.reduce((sum, update) => sum + update.byteLength, 0);
    if (stored.epoch !== live.epoch) {
      // Another node started a new epoch: this doc becomes it (its own updates still being
      // written were made for the old one; the fence refuses them, and they answer `conflict`).
      for (const [client, author] of stored.owners) live.owners.set(client, author);
      live.doc.destroy();
      Object.assign(live, {
        doc: fresh,
        epoch: stored.epoch,
        seen: new SeqTracker(stored.lastSeq),
        epochSeq: stored.epochSeq,
        lastSeq: stored.lastSeq,
        sinceSnapshot: stored.updates.length,
        storedBytes,
      });
      const seq = stored.lastSeq - stored.epochSeq;
      return { epoch: stored.epoch, update: Y.encodeStateAsUpdate(fresh), reset: true, from: 1, seq };
    }
    takeStored(live, stored, fresh);
    const logged = deliveredThrough >= (stored.seqs[0] ?? stored.lastSeq + 1) - 1;
    const lacking = logged ? mergedOrEmpty(stored.updates.filter((_, i) => stored.seqs[i]! > deliveredThrough)) : Y.encodeStateAsUpdate(fresh);
    fresh.destroy();
    const from = logged ? Math.max(1, deliveredThrough + 1 - stored.epochSeq) : 1;
    return { epoch: live.epoch, update: lacking, reset: false, from, seq: stored.lastSeq - stored.epochSeq };
  }

  /**
   * For each object whose doc is in memory at the epoch given: the highest number (within that
   * epoch, as clients see them) it holds. A joining client's copy must come to hold at least that much.
   */
  async heldSeqs(objects: Iterable<{ id: string; epoch: number }>): Promise<Map<string, number>> {
    const held = new Map<string, number>();
    for (const { id, epoch } of objects) {
      const entry = this.docs.get(id);
      const live = entry && (await entry.catch(() => undefined));
      if (live && live.epoch === epoch && !live.replacing) held.set(id, live.seen.highest - live.epochSeq);
    }
    return held;
  }

  /**
   * Whether a reader's state vector holds more of some Yjs client than this node's live doc: the
   * reader wrote through another node (or holds edits it has not sent yet) and this node may be
   * behind on the object (the relay has not brought the update yet); its caller then catches the doc
   * up from the store. A cached stored state that lacks it is dropped instead, so the read goes to
   * the store. False for a doc read from the store anyway, and for a state vector that cannot be read.
   */
  async readerAhead(id: string, stateVector: Uint8Array): Promise<boolean> {
    let wanted: Map<number, number>;
    try {
      wanted = Y.decodeStateVector(stateVector);
    } catch {
      return false;
    }
    const entry = this.docs.get(id);
    if (entry) {
      const live = await entry.catch(() => undefined);
      return live !== undefined && holdsMore(wanted, (client) => Y.getState(live.doc.store, client));
    }
    const cached = await this.storedStates.peek(id)?.catch(() => undefined);
    if (cached) {
      const held = Y.decodeStateVector(Y.encodeStateVectorFromUpdate(cached.update));
      if (holdsMore(wanted, (client) => held.get(client) ?? 0)) this.storedStates.drop(id);
    }
    return false;
  }

  /** The doc's durable state for a reader, from memory when live, else straight from the store. */
  async encodeState(id: string, stateVector?: Uint8Array): Promise<{ epoch: number; update: Uint8Array; seq: number }> {
    return this.readState(id, stateVector, () => this.store.loadDoc(id));
  }

  /**
   * Several docs' durable states for a reader (doc:sync): live docs from memory, cached ones from
   * the cache, and all the others in one store read. One answer per request, in order, each
   * settling on its own: a doc whose stored content cannot be read fails alone.
   */
  encodeStates(requests: readonly { id: string; stateVector?: Uint8Array }[]): Promise<DocStateRead>[] {
    const cold = requests.filter(({ id }) => !this.docs.has(id) && !this.storedStates.has(id)).map(({ id }) => id);
    let batch: Promise<Map<string, StoredDoc>> | undefined;
    const readCold = async (id: string) => (await (batch ??= this.store.loadDocs(cold))).get(id) ?? this.store.loadDoc(id);
    return requests.map(({ id, stateVector }) => this.readState(id, stateVector, () => readCold(id)));
  }

  private async readState(id: string, stateVector: Uint8Array | undefined, read: () => Promise<StoredDoc>): Promise<DocStateRead> {
    const live = this.docs.get(id);
    if (live) {
      const loaded = await live;
      loaded.lastUsed = Date.now();
      return { epoch: loaded.epoch, update: Y.encodeStateAsUpdate(loaded.doc, stateVector), shared: false, seq: loaded.lastSeq - loaded.epochSeq };
    }
    const { epoch, update, seq } = await this.storedStates.get(id, async () => {
      const stored = await read();
      const parts = stored.snapshot ? [stored.snapshot, ...stored.updates] : stored.updates;
      return { epoch: stored.epoch, update: parts.length === 1 ? parts[0]! : Y.mergeUpdates(parts), seq: stored.lastSeq - stored.epochSeq };
    });
    return stateVector ? { epoch, update: Y.diffUpdate(update, stateVector), shared: false, seq } : { epoch, update, shared: true, seq };
  }

  /**
   * Forgets the in-memory doc, so the next reader loads it from the store. Updates to it being
   * written are waited for (they are applied to it when durable, and a reload could miss them).
   */
  drop(id: string): void {
    this.storedStates.drop(id);
    const entry = this.docs.get(id);
    void entry?.then(
      (live) => {
        if (this.docs.get(id) !== entry) return;
        if (live.replacing) {
          void live.replacing.then(() => this.drop(id));
          return;
        }
        if (live.staged.length > 0) {
          live.onSettled.push(() => this.drop(id));
          return;
        }
        this.docs.delete(id);
        live.doc.destroy();
      },
      () => undefined,
    );
  }

  /** Whether any of these docs has an update being written, or a new epoch being made. */
  async writing(ids: Iterable<string>): Promise<boolean> {
    for (const id of ids) {
      const entry = this.docs.get(id);
      const live = entry && (await entry.catch(() => undefined));
      if (live && (live.staged.length > 0 || live.replacing)) return true;
    }
    return false;
  }

  async evictIdle(now = Date.now()): Promise<number> {
    let evicted = 0;
    for (const [id, pending] of this.docs) {
      const live = await pending.catch(() => undefined);
      if (live && live.staged.length === 0 && now - live.lastUsed >= this.options.idleMs) {
        this.drop(id);
        evicted++;
      }
    }
    return evicted;
  }

  destroy(): void {
    for (const [id, entry] of this.docs) {
      this.docs.delete(id);
      void entry.then((live) => live.doc.destroy(), () => undefined);
    }
  }
}

/** What `catchUp` answers: numbers `from` through `seq` (within the epoch) are all in `update`. */
export interface CaughtUp {
  epoch: number;
  update: Uint8Array;
  /** A new epoch: `update` is its whole state. */
  reset: boolean;
  from: number;
  seq: number;
}

/**
 * Brings a live doc up to the stored doc of its epoch (`fresh`: a doc of it, made from `stored`
 * when not given): what it lacks is applied, and its numbers count every stored one as applied.
 */
function takeStored(live: LiveDoc, stored: StoredDoc, fresh?: Y.Doc): void {
  const doc = fresh ?? docOf(live.id, stored);
  for (const [client, author] of stored.owners) live.owners.set(client, author);
  Y.applyUpdate(live.doc, Y.encodeStateAsUpdate(doc, Y.encodeStateVector(live.doc)));
  if (!fresh) doc.destroy();
  live.seen.settle(stored.lastSeq);
  live.lastSeq = live.seen.contiguous;
}

/** Whether `wanted` counts more of some client than `held` answers for it. */
function holdsMore(wanted: ReadonlyMap<number, number>, held: (client: number) => number): boolean {
  for (const [client, clock] of wanted) if (clock > held(client)) return true;
  return false;
}

/** The updates as one (an update that changes nothing when there are none). */
function mergedOrEmpty(updates: Uint8Array[]): Uint8Array {
  if (updates.length === 0) return new Uint8Array([0, 0]);
  return updates.length === 1 ? updates[0]! : Y.mergeUpdates(updates);
}

/** A doc holding the stored snapshot and updates. */
function docOf(id: string, stored: StoredDoc): Y.Doc {
  // A guid spares lib0 drawing a random uuid (~200 µs each, a cold open creates thousands).
  const doc = new Y.Doc({ guid: id });
  try {
    if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot);
    for (const update of stored.updates) Y.applyUpdate(doc, update);
  } catch (cause) {
    // Stored bytes that do not apply (a damaged file, say): this object answers a clear error;
    // every other object is served as usual.
    doc.destroy();
    throw new TearlineError('unavailable', `The server cannot read this item's stored content (object ${id}); it has been logged for an administrator.`, { cause });
  }
  return doc;
}

/**
 * Binds each Yjs client id an update writes with to its author, so nobody writes as someone else:
 * an id already bound to another participant is refused, and so is an id already in the doc but
 * bound to nobody (the server's own copy at a new epoch, or content older than these bindings).
 * Returns the ids this update is the first to use; they are bound at once, so a concurrent update
 * claiming the same id is refused, and stored with the update (released if its write fails).
 */
function claimClients(live: LiveDoc, clients: readonly number[], author: string): number[] {
  const newClients: number[] = [];
  for (const client of clients) {
    const owner = live.owners.get(client);
    if (owner === author) continue;
    if (owner !== undefined || Y.getState(live.doc.store, client) > 0) {
      throw new TearlineError(
        'bad_update',
        `This edit uses an editing identity (Yjs client ${client}) that belongs to someone else; reload the object to edit under your own.`,
      );
    }
    newClients.push(client);
  }
  for (const client of newClients) live.owners.set(client, author);
  return newClients;
}
