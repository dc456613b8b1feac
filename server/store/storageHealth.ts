// How the data directory's storage is doing, for /healthz and the metrics: its free space against
// a warning threshold (TEARLINE_DISK_WARN_BYTES), and whether the last write failed because the
// disk is full or failing.
import { statfs } from 'node:fs/promises';
import { isStorageFault } from '../errors';

/** Told of every durable write's outcome (the update writer's commits, the audit log's). */
export interface WriteOutcomes {
  wrote(error?: unknown): void;
}

/** `low_space`: below the warning threshold, still writing; `failing`: the last write was refused by the storage. */
export type StorageStatus = 'ok' | 'low_space' | 'failing';

export class StorageHealth implements WriteOutcomes {
  private failing = false;
  /** Writes the storage refused since start. */
  faults = 0;

  constructor(
    private readonly dir: string,
    private readonly warnBytes: number,
  ) {}

  wrote(error?: unknown): void {
    if (error === undefined) {
      this.failing = false;
    } else if (isStorageFault(error)) {
      this.failing = true;
      this.faults++;
    }
  }

  /** Bytes an unprivileged process may still write on the data directory's file system. */
  async freeBytes(): Promise<number> {
    const stats = await statfs(this.dir);
    return stats.bavail * stats.bsize;
  }

  async status(): Promise<{ status: StorageStatus; warning: boolean }> {
    let status: StorageStatus = this.failing ? 'failing' : 'ok';
    if (status === 'ok') {
      // A data directory that cannot even be examined will not take writes either.
      status = await this.freeBytes().then(
        (free) => (free < this.warnBytes ? 'low_space' : 'ok'),
        () => 'failing' as const,
      );
    }
    return { status, warning: status !== 'ok' };
  }
}
