// The merged stored state of docs not in memory, for readers (`doc:sync`, exports). Without it a
// reader of a cold doc re-merged its snapshot and update log on every request: after a restart,
// every client of a cell asked for the same docs. Least recently used first out, bounded in bytes;
// readers of a doc being read share that one read. DocRegistry drops a doc's entry whenever the doc
// is loaded into memory (every write goes through a loaded doc) or dropped from it.
//
// Scan-resistant: a cold open reads a cell's docs in one order, so with plain LRU a cell larger
// than the cache evicts each entry before the next open asks for it, and every open misses on
// every doc. An entry used within `protectMs` is not evicted for a new one; the new one is then
// not kept. Repeated opens of such a cell find what fits, and entries left unused age out.
export interface StoredState {
  epoch: number;
  update: Uint8Array;
  /** The number within the epoch through which `update` holds every update. */
  seq: number;
}

interface Entry {
  state: Promise<StoredState>;
  /** Counted once the read has finished. */
  bytes: number;
  usedAt: number;
}

export interface StateCacheOptions {
  /** How long after its last use an entry is kept rather than a new one (0: plain LRU). */
  protectMs?: number;
  now?: () => number;
}

export class StateCache {
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;
  private readonly protectMs: number;
  private readonly now: () => number;

  constructor(
    private readonly maxBytes: number,
    { protectMs = 60_000, now = () => performance.now() }: StateCacheOptions = {},
  ) {
    this.protectMs = protectMs;
    this.now = now;
  }

  /** The cached state of `id`, else `read()`'s, which is kept unless it fails or `id` is dropped meanwhile. */
  get(id: string, read: () => Promise<StoredState>): Promise<StoredState> {
    const hit = this.entries.get(id);
    if (hit) {
      this.entries.delete(id);
      this.entries.set(id, hit);
      hit.usedAt = this.now();
      return hit.state;
    }
    const entry: Entry = { state: read(), bytes: 0, usedAt: this.now() };
    this.entries.set(id, entry);
    entry.state.then(
      ({ update }) => {
        if (this.entries.get(id) !== entry) return;
        entry.bytes = update.byteLength;
        this.bytes += entry.bytes;
        const now = this.now();
        for (const [key, older] of this.entries) {
          if (this.bytes <= this.maxBytes) break;
          // The least recently used is still in use: keep it, and not the new one.
          if (key !== id && now - older.usedAt < this.protectMs) {
            this.drop(id);
            break;
          }
          this.drop(key);
        }
      },
      () => {
        if (this.entries.get(id) === entry) this.drop(id);
      },
    );
    return entry.state;
  }

  /** The cached state of `id` (or its read under way), without counting as a use. */
  peek(id: string): Promise<StoredState> | undefined {
    return this.entries.get(id)?.state;
  }

  /** Whether `id` is cached (or being read). */
  has(id: string): boolean {
    return this.entries.has(id);
  }

  drop(id: string): void {
    const entry = this.entries.get(id);
    if (!entry) return;
    this.bytes -= entry.bytes;
    this.entries.delete(id);
  }
}
