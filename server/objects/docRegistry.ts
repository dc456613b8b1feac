// Live Y.Docs, one per object being edited: loaded from the store on demand, checked updates
// applied, compacted into snapshots, evicted when idle. Readers that only need bytes (doc:sync)
// are served from the store without loading a doc, its log merged once and kept (./stateCache.ts).
import * as Y from 'yjs';
import { cloneContent } from '../../shared/content';
import type { Store } from '../store/types';
import { TearlineError } from '../errors';
import { StateCache } from './stateCache';
import { checkUpdate } from './updateCheck';

export interface LiveDoc {
  id: string;
  epoch: number;
  doc: Y.Doc;
  /** Stored updates not yet folded into a snapshot. */
  sinceSnapshot: number;
  lastSeq: number;
  lastUsed: number;
  /** Updates applied in memory whose write has not finished: such a doc is not evicted. */
  inflight: number;
  /** Who each Yjs client id that wrote here belongs to (see claimClients). */
  owners: Map<number, string>;
  /** Stored bytes: the snapshot plus the updates since. Bounds how large one object may grow. */
  bytes: number;
}

export interface DocRegistryOptions {
  compactAfter: number;
  idleMs: number;
  /** Refuse updates that would grow one object's stored content beyond this many bytes. */
  maxDocBytes: number;
  /** Bytes of merged stored state kept for readers of docs not in memory (none when absent). */
  syncCacheBytes?: number;
}

/** An update checked and applied in memory, to be stored with the client ids it claimed. */
export interface AppliedUpdate {
  live: LiveDoc;
  newClients: number[];
}

export class DocRegistry {
  private readonly docs = new Map<string, Promise<LiveDoc>>();
  private readonly storedStates: StateCache;

  constructor(
    private readonly store: Store,
    private readonly options: DocRegistryOptions,
  ) {
    this.storedStates = new StateCache(options.syncCacheBytes ?? 0);
  }

  get size(): number {
    return this.docs.size;
  }

  open(id: string): Promise<LiveDoc> {
    let live = this.docs.get(id);
    if (!live) {
      // Writes go through the loaded doc from now on: the cached stored state may fall behind.
      this.storedStates.drop(id);
      live = this.load(id);
      this.docs.set(id, live);
      live.catch(() => this.docs.delete(id));
    }
    return live;
  }

  private async load(id: string): Promise<LiveDoc> {
    const stored = await this.store.loadDoc(id);
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
    return {
      id,
      epoch: stored.epoch,
      doc,
      sinceSnapshot: stored.updates.length,
      lastSeq: stored.lastSeq,
      lastUsed: Date.now(),
      inflight: 0,
      owners: stored.owners,
      bytes: (stored.snapshot?.byteLength ?? 0) + stored.updates.reduce((sum, update) => sum + update.byteLength, 0),
    };
  }

  /**
   * Checks and applies `author`'s update in memory. The caller persists it (with the client ids
   * it claimed), then calls `stored`.
   */
  async apply(id: string, epoch: number, update: Uint8Array, author: string): Promise<AppliedUpdate> {
    const live = await this.open(id);
    if (epoch !== live.epoch) {
      throw new TearlineError(
        'conflict',
        `This object moved to a new version (epoch ${live.epoch}) after a release; reload it and reapply your edit.`,
      );
    }
    if (live.bytes + update.byteLength > this.options.maxDocBytes) {
      throw new TearlineError(
        'too_large',
        `This object has reached its size limit (${this.options.maxDocBytes} bytes); put further text in a new object.`,
      );
    }
    const { clients } = checkUpdate(live.doc, update);
    const newClients = claimClients(live, clients, author);
    Y.applyUpdate(live.doc, update, author);
    live.inflight++;
    live.bytes += update.byteLength;
    live.lastUsed = Date.now();
    return { live, newClients };
  }

  /** After a write finished (or failed). Compacts when the log grew long. */
  async stored(live: LiveDoc, seq: number | undefined): Promise<void> {
    live.inflight--;
    if (seq === undefined) {
      // The write failed: the in-memory doc holds an update that is not durable. Reload it.
      this.drop(live.id);
      return;
    }
    live.lastSeq = Math.max(live.lastSeq, seq);
    live.sinceSnapshot++;
    if (live.sinceSnapshot >= this.options.compactAfter && live.inflight === 0) {
      live.sinceSnapshot = 0;
      const snapshot = Y.encodeStateAsUpdate(live.doc);
      live.bytes = snapshot.byteLength;
      await this.store.compact(live.id, live.epoch, snapshot, live.lastSeq);
    }
  }

  /**
   * New epochs (object id → its new epoch): each doc, loaded first when not in memory, is
   * replaced by a copy of its current content only (no deleted text, no history, new client ids).
   * Every copy is made before any doc is replaced, so one that cannot be copied changes nothing;
   * copying and replacing share one tick, so every update applied before is in the copy (even one
   * whose write is still pending: stored under the old epoch, it is never read again) and any
   * later one for the old epoch answers `conflict`. `persist` stores the copies; until it settles
   * the docs stay in memory (a reload would bring the old epoch back), and if it fails they are
   * dropped so that the stored epoch is what loads next.
   */
  async startEpochs(
    epochs: ReadonlyMap<string, number>,
    persist: (copies: ReadonlyMap<string, Uint8Array>) => Promise<void>,
  ): Promise<ReadonlyMap<string, Uint8Array>> {
    const docs = await Promise.all([...epochs.keys()].map((id) => this.open(id)));
    const fresh = docs.map((live) => cloneContent(live.doc, live.id));
    const copies = new Map<string, Uint8Array>();
    docs.forEach((live, i) => {
      live.doc.destroy();
      live.doc = fresh[i]!;
      live.epoch = epochs.get(live.id)!;
      live.sinceSnapshot = 0;
      live.lastUsed = Date.now();
      live.inflight++;
      const copy = Y.encodeStateAsUpdate(live.doc);
      live.bytes = copy.byteLength;
      copies.set(live.id, copy);
    });
    try {
      await persist(copies);
    } catch (error) {
      for (const live of docs) this.drop(live.id);
      throw error;
    } finally {
      for (const live of docs) live.inflight--;
    }
    return copies;
  }

  /** The doc's state for a reader, from memory when live, else straight from the store. */
  async encodeState(id: string, stateVector?: Uint8Array): Promise<{ epoch: number; update: Uint8Array }> {
    const live = this.docs.get(id);
    if (live) {
      const loaded = await live;
      loaded.lastUsed = Date.now();
      return { epoch: loaded.epoch, update: Y.encodeStateAsUpdate(loaded.doc, stateVector) };
    }
    const { epoch, update } = await this.storedStates.get(id, async () => {
      const stored = await this.store.loadDoc(id);
      const parts = stored.snapshot ? [stored.snapshot, ...stored.updates] : stored.updates;
      return { epoch: stored.epoch, update: parts.length === 1 ? parts[0]! : Y.mergeUpdates(parts) };
    });
    return { epoch, update: stateVector ? Y.diffUpdate(update, stateVector) : update };
  }

  drop(id: string): void {
    this.storedStates.drop(id);
    const live = this.docs.get(id);
    this.docs.delete(id);
    void live?.then((loaded) => loaded.doc.destroy(), () => undefined);
  }

  async evictIdle(now = Date.now()): Promise<number> {
    let evicted = 0;
    for (const [id, pending] of this.docs) {
      const live = await pending.catch(() => undefined);
      if (live && live.inflight === 0 && now - live.lastUsed >= this.options.idleMs) {
        this.drop(id);
        evicted++;
      }
    }
    return evicted;
  }

  destroy(): void {
    for (const id of [...this.docs.keys()]) this.drop(id);
  }
}

/**
 * Binds each Yjs client id an update writes with to its author, so nobody writes as someone else:
 * an id already bound to another participant is refused, and so is an id already in the doc but
 * bound to nobody (the server's own copy at a new epoch, or content older than these bindings).
 * Returns the ids this update is the first to use; they are bound at once, so a concurrent update
 * claiming the same id is refused, and stored with the update (a failed write reloads the doc).
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
