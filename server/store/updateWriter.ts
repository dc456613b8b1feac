// Group commit: updates arriving in the same few milliseconds share one durable transaction.
// Each caller's promise resolves only after its update is on disk, so an ack is never early.
import type { PendingUpdate, Store } from './types';
import type { WriteOutcomes } from './storageHealth';

interface Queued extends PendingUpdate {
  resolve(seq: number): void;
  reject(error: unknown): void;
}

export class UpdateWriter {
  private queue: Queued[] = [];
  private scheduled = false;
  /** The batch being written: the next waits for it, so batches are stored one at a time, in order. */
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: Store,
    /** TEARLINE_COMMIT_WINDOW_MS: how long updates wait to share a commit. 0 = next tick. */
    private readonly batchMs: number,
    private readonly outcomes?: WriteOutcomes,
  ) {}

  write(update: PendingUpdate): Promise<number> {
    return new Promise((resolve, reject) => {
      this.queue.push({ ...update, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        const flush = () => {
          this.writing = this.writing.then(() => this.flush());
        };
        if (this.batchMs > 0) setTimeout(flush, this.batchMs);
        else setImmediate(flush);
      }
    });
  }

  private async flush(): Promise<void> {
    const batch = this.queue;
    this.queue = [];
    this.scheduled = false;
    if (batch.length === 0) return;
    try {
      const seqs = await this.store.appendUpdates(batch);
      this.outcomes?.wrote();
      batch.forEach((item, i) => item.resolve(seqs[i]!));
    } catch (error) {
      this.outcomes?.wrote(error);
      // An update of the same object queued while this batch was written may build on one that
      // is not stored now: it fails with it rather than be stored on top of a gap. (Its batch is
      // not written yet: batches are written one after the other.)
      const failed = new Set(batch.map((item) => item.objectId));
      const dependent = this.queue.filter((item) => failed.has(item.objectId));
      this.queue = this.queue.filter((item) => !failed.has(item.objectId));
      for (const item of [...batch, ...dependent]) item.reject(error);
    }
  }
}
