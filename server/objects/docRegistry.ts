// Live Y.Docs, one per object being edited: loaded from the store on demand, checked updates
// applied, compacted into snapshots, evicted when idle. Readers that only need bytes (doc:sync)
// are served from the store without loading a doc.
import * as Y from 'yjs';
import { cloneContent } from '../../shared/content';
import type { Store } from '../store/types';
import { TearlineError } from '../errors';
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
}

export interface DocRegistryOptions {
  compactAfter: number;
  idleMs: number;
}

export class DocRegistry {
  private readonly docs = new Map<string, Promise<LiveDoc>>();

  constructor(
    private readonly store: Store,
    private readonly options: DocRegistryOptions,
  ) {}

  get size(): number {
    return this.docs.size;
  }

  open(id: string): Promise<LiveDoc> {
    let live = this.docs.get(id);
    if (!live) {
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
    };
  }

  /** Checks and applies an update in memory. The caller persists it, then calls `stored`. */
  async apply(id: string, epoch: number, update: Uint8Array, origin: unknown): Promise<LiveDoc> {
    const live = await this.open(id);
    if (epoch !== live.epoch) {
      throw new TearlineError(
        'conflict',
        `This object moved to a new version (epoch ${live.epoch}) after a release; reload it and reapply your edit.`,
      );
    }
    checkUpdate(Y.decodeStateVector(Y.encodeStateVector(live.doc)), update);
    Y.applyUpdate(live.doc, update, origin);
    live.inflight++;
    live.lastUsed = Date.now();
    return live;
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
      await this.store.compact(live.id, live.epoch, Y.encodeStateAsUpdate(live.doc), live.lastSeq);
    }
  }

  /**
   * A new epoch: the live doc is replaced by a copy of its current content only (no deleted
   * text, no history). Returns that content as one update, for the store and the audiences.
   */
  async startEpoch(id: string, epoch: number): Promise<Uint8Array> {
    const live = await this.open(id);
    const fresh = cloneContent(live.doc, id);
    live.doc.destroy();
    live.doc = fresh;
    live.epoch = epoch;
    live.sinceSnapshot = 0;
    live.lastUsed = Date.now();
    return Y.encodeStateAsUpdate(fresh);
  }

  /** The doc's state for a reader, from memory when live, else straight from the store. */
  async encodeState(id: string, stateVector?: Uint8Array): Promise<{ epoch: number; update: Uint8Array }> {
    const live = this.docs.get(id);
    if (live) {
      const loaded = await live;
      loaded.lastUsed = Date.now();
      return { epoch: loaded.epoch, update: Y.encodeStateAsUpdate(loaded.doc, stateVector) };
    }
    const stored = await this.store.loadDoc(id);
    const parts = stored.snapshot ? [stored.snapshot, ...stored.updates] : stored.updates;
    const merged = parts.length === 1 ? parts[0]! : Y.mergeUpdates(parts);
    return { epoch: stored.epoch, update: stateVector ? Y.diffUpdate(merged, stateVector) : merged };
  }

  drop(id: string): void {
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
