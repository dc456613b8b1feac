// Group commit: updates waiting together share one durable transaction, and so one fan-out frame
// per room. Each caller's promise resolves only after its update is on disk, so an ack is never
// early. When commits start is ./commitPolicy.ts: at once in a quiet cell, further apart the more
// frames each commit's fan-out writes.
import type { PendingUpdate, Store } from './types';
import type { WriteOutcomes } from './storageHealth';
import { FencedWriteError } from './fence';
import { commitWait, FanoutFrames, type CommitPolicy } from './commitPolicy';

interface Queued extends PendingUpdate {
  resolve(seq: number): void;
  reject(error: unknown): void;
}

export class UpdateWriter {
  private queue: Queued[] = [];
  private scheduled = false;
  /** A commit is being written: the updates arriving meanwhile wait for it, then share the next. */
  private committing = false;
  /** When the last commit started (ms); commits start at least the policy's interval apart. */
  private lastStart = -Infinity;
  private reread: (objectIds: readonly string[]) => Promise<void> = async () => undefined;

  constructor(
    private readonly store: Store,
    private readonly policy: CommitPolicy,
    private readonly outcomes?: WriteOutcomes,
    /** What the fan-out writes per commit; the fan-out adds to it. */
    readonly frames: FanoutFrames = new FanoutFrames(),
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Reads again the envelopes of objects whose updates the fence refused because this node had
   * forgotten which marking version it read: their refused updates answer once it is done, so the
   * client's replay meets an envelope the node holds (and is checked against it).
   */
  onUnheld(reread: (objectIds: readonly string[]) => Promise<void>): void {
    this.reread = reread;
  }

  /** Whether a commit is under way or due: the fan-out flushes after it. */
  get pending(): boolean {
    return this.committing || this.queue.length > 0;
  }

  write(update: PendingUpdate): Promise<number> {
    return new Promise((resolve, reject) => {
      this.queue.push({ ...update, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.committing || this.queue.length === 0) return;
    this.scheduled = true;
    const wait = commitWait(this.now() - this.lastStart, this.frames.perCommit(), this.policy);
    // setImmediate, not at once: the updates read from sockets in the same turn share the commit.
    if (wait > 0) setTimeout(() => void this.commit(), wait);
    else setImmediate(() => void this.commit());
  }

  private async commit(): Promise<void> {
    this.scheduled = false;
    this.lastStart = this.now();
    this.frames.commitStarted();
    const batch = this.queue;
    this.queue = [];
    this.committing = true;
    try {
      await this.writeBatch(batch);
    } finally {
      this.committing = false;
      this.schedule();
    }
  }

  private async writeBatch(batch: Queued[]): Promise<void> {
    if (batch.length === 0) return;
    try {
      const seqs = await this.store.appendUpdates(batch);
      this.outcomes?.wrote();
      batch.forEach((item, i) => item.resolve(seqs[i]!));
    } catch (error) {
      if (error instanceof FencedWriteError) {
        if (error.unheld.length > 0) await this.reread(error.unheld).catch(() => undefined);
        // Only the fenced objects' updates are refused: the others of the batch are written now.
        return this.writeBatch(this.fail(batch, new Set(error.objectIds), error));
      }
      this.outcomes?.wrote(error);
      this.fail(batch, new Set(batch.map((item) => item.objectId)), error);
    }
  }

  /** Rejects the batch's updates of `failed` objects; returns the batch's others. */
  private fail(batch: Queued[], failed: ReadonlySet<string>, error: unknown): Queued[] {
    // An update of the same object queued while this batch was written may build on one that
    // is not stored now: it fails with it rather than be stored on top of a gap. (Its commit has
    // not started: commits are written one after the other.)
    const dependent = this.queue.filter((item) => failed.has(item.objectId));
    this.queue = this.queue.filter((item) => !failed.has(item.objectId));
    for (const item of [...batch.filter((item) => failed.has(item.objectId)), ...dependent]) item.reject(error);
    return batch.filter((item) => !failed.has(item.objectId));
  }
}
