// The merged stored state of docs not in memory, for readers (`doc:sync`, exports). Without it a
// reader of a cold doc re-merged its snapshot and update log on every request: after a restart,
// every client of a cell asked for the same docs. Least recently used first out, bounded in bytes;
// readers of a doc being read share that one read. DocRegistry drops a doc's entry whenever the doc
// is loaded into memory (every write goes through a loaded doc) or dropped from it.
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
}

export class StateCache {
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;

  constructor(private readonly maxBytes: number) {}

  /** The cached state of `id`, else `read()`'s, which is kept unless it fails or `id` is dropped meanwhile. */
  get(id: string, read: () => Promise<StoredState>): Promise<StoredState> {
    const hit = this.entries.get(id);
    if (hit) {
      this.entries.delete(id);
      this.entries.set(id, hit);
      return hit.state;
    }
    const entry: Entry = { state: read(), bytes: 0 };
    this.entries.set(id, entry);
    entry.state.then(
      ({ update }) => {
        if (this.entries.get(id) !== entry) return;
        entry.bytes = update.byteLength;
        this.bytes += entry.bytes;
        for (const key of this.entries.keys()) {
          if (this.bytes <= this.maxBytes) break;
          this.drop(key);
        }
      },
      () => {
        if (this.entries.get(id) === entry) this.drop(id);
      },
    );
    return entry.state;
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
