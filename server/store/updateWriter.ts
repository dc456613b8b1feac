// Group commit: updates arriving in the same few milliseconds share one durable transaction.
// Each caller's promise resolves only after its update is on disk, so an ack is never early.
import type { PendingUpdate, Store } from './types';

interface Queued extends PendingUpdate {
  resolve(seq: number): void;
  reject(error: unknown): void;
}

export class UpdateWriter {
  private queue: Queued[] = [];
  private scheduled = false;

  constructor(
    private readonly store: Store,
    /** TEARLINE_COMMIT_WINDOW_MS: how long updates wait to share a commit. 0 = next tick. */
    private readonly batchMs: number,
  ) {}

  write(update: PendingUpdate): Promise<number> {
    return new Promise((resolve, reject) => {
      this.queue.push({ ...update, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        if (this.batchMs > 0) setTimeout(() => void this.flush(), this.batchMs);
        else setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    const batch = this.queue;
    this.queue = [];
    this.scheduled = false;
    try {
      const seqs = await this.store.appendUpdates(batch);
      batch.forEach((item, i) => item.resolve(seqs[i]!));
    } catch (error) {
      for (const item of batch) item.reject(error);
    }
  }
}
