// Group commit: updates arriving in the same few milliseconds share one durable transaction.
// Each caller's promise resolves only after its update is on disk, so an ack is never early.
import type { PendingUpdate, Store } from './types';
import type { WriteOutcomes } from './storageHealth';
import { FencedWriteError } from './fence';

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
      if (error instanceof FencedWriteError) {
        // Only the fenced objects' updates are refused: the others of the batch are written now.
        const rest = this.fail(batch, new Set(error.objectIds), error);
        this.queue.unshift(...rest);
        return this.flush();
      }
      this.outcomes?.wrote(error);
      this.fail(batch, new Set(batch.map((item) => item.objectId)), error);
    }
  }

  /** Rejects the batch's updates of `failed` objects; returns the batch's others. */
  private fail(batch: Queued[], failed: ReadonlySet<string>, error: unknown): Queued[] {
    // An update of the same object queued while this batch was written may build on one that
    // is not stored now: it fails with it rather than be stored on top of a gap. (Its batch is
    // not written yet: batches are written one after the other.)
    const dependent = this.queue.filter((item) => failed.has(item.objectId));
    this.queue = this.queue.filter((item) => !failed.has(item.objectId));
    for (const item of [...batch.filter((item) => failed.has(item.objectId)), ...dependent]) item.reject(error);
    return batch.filter((item) => !failed.has(item.objectId));
  }
}
