// The append side of every audit log, whatever stores it. Appends arriving within `groupMs` share
// one write (one transaction, one fsync instead of one per join or leave), chained in the order
// they were made; one write at a time, so the order holds across writes. When the storage refuses
// a write (a full disk, a database restart), the entries stay queued in that order and are retried
// with a backoff; meanwhile appends are accepted into the queue and answered at once, so whatever
// they record (a join, an export) goes on.
// A write of someone else's transaction that chains entries (a re-mark's, in its own transaction)
// takes its turn among these writes and chains what is queued first (`withQueued`): so on one node
// the chain's order is the order the appends and re-marks were made, even after a storage fault.
import type { Logger } from 'pino';
import type { WriteOutcomes } from '../store/storageHealth';
import { canonicalJson } from './canonicalJson';
import type { AuditDraft, AuditEntry } from './entry';
import type { AuditLog, QueuedDrafts } from './log';
import { holdsStorableText } from '../../shared/text';
import { refusesEntryData } from './storableDraft';

export interface AuditAppendOptions {
  /** Appends arriving within this many milliseconds share one transaction (2); 0: those made in the same tick. */
  groupMs?: number;
  /** Told whether each write succeeded (storage health). */
  outcomes?: WriteOutcomes;
  /** Where failed writes, and entries still unwritten at close, are reported. */
  log?: Pick<Logger, 'error' | 'info'>;
}

/** The first retry of a refused write waits this long, each further one twice as long, up to the maximum. */
const RETRY_MS = 100;
const RETRY_MAX_MS = 30_000;

interface Queued {
  draft: AuditDraft & { at: string };
  resolve(entry: AuditEntry | undefined): void;
}

/** Stores drafts after the current last entry, in order, in one transaction; answers the stored entries. */
export type WriteEntries = (drafts: readonly AuditDraft[]) => AuditEntry[] | Promise<AuditEntry[]>;

export function groupedAppends(
  writeEntries: WriteEntries,
  clock: () => Date,
  { groupMs = 2, outcomes, log }: AuditAppendOptions,
): Pick<AuditLog, 'append' | 'withQueued' | 'unwritten' | 'unstorableEntries' | 'close'> {
  const queue: Queued[] = [];
  let closed = false;
  /** The write that queued appends will join: a timer, or the end of this tick. */
  let scheduled: NodeJS.Timeout | 'tick' | undefined;
  /** The write under way: the next waits for it. */
  let writing: Promise<void> | undefined;
  /** Writes refused in a row: while any, appends are answered as soon as they are queued. */
  let refused = 0;
  /** Entries made with text stored escaped (append, chainEntry), and entries the database refused (writeOneByOne). */
  const unstorable = { escaped: 0, dropped: 0 };

  const schedule = (ms: number) => {
    if (scheduled) return;
    if (ms === 0) {
      scheduled = 'tick';
      queueMicrotask(() => void write());
    } else {
      // A retry must not keep a stopping process alive.
      scheduled = setTimeout(() => void write(), ms);
      if (refused > 0) scheduled.unref();
    }
  };
  const unschedule = () => {
    if (typeof scheduled === 'object') clearTimeout(scheduled);
    scheduled = undefined;
  };

  /**
   * Runs `run` with every entry queued so far, once the write under way ended; no other write
   * starts before it settles. One write at a time is what keeps the chain in the order of the queue.
   */
  async function turn<T>(run: (batch: Queued[]) => Promise<T>): Promise<T> {
    // Another waiter may take the turn first: look again each time it is released.
    while (writing) await writing;
    let release!: () => void;
    writing = new Promise((resolve) => (release = resolve));
    try {
      return await run(queue.splice(0));
    } finally {
      writing = undefined;
      release();
    }
  }

  async function write(): Promise<void> {
    scheduled = undefined;
    await turn(async (batch) => {
      if (batch.length > 0) await writeBatch(batch);
    });
  }

  async function writeBatch(batch: Queued[]): Promise<void> {
    let entries: AuditEntry[];
    try {
      entries = await writeEntries(batch.map((queued) => queued.draft));
    } catch (error) {
      if (refusesEntryData(error)) return writeOneByOne(batch);
      return keepForRetry(batch, error);
    }
    stored(batch, entries);
  }

  /** A failed write: its entries go back to the head of the queue, in order, and are retried with a backoff. */
  function keepForRetry(batch: Queued[], error: unknown): void {
    queue.unshift(...batch);
    outcomes?.wrote(error);
    refused++;
    const retryMs = Math.min(RETRY_MAX_MS, RETRY_MS * 2 ** (refused - 1));
    log?.error({ err: error, unwritten: queue.length, retryMs }, 'audit entries could not be written; kept in order and retried');
    for (const { resolve } of batch) resolve(undefined);
    if (!closed) schedule(retryMs);
  }

  function stored(batch: Queued[], entries: AuditEntry[]): void {
    outcomes?.wrote();
    written(batch, entries);
  }

  /** `batch` is stored as `entries`: whoever waits for them is answered, and a storage fault is over. */
  function written(batch: readonly Queued[], entries: readonly AuditEntry[]): void {
    if (refused > 0) {
      log?.info({ written: batch.length }, 'audit entries kept during a storage fault are written');
      refused = 0;
      // The backoff's retry is no longer due: what is queued now waits only for its group.
      unschedule();
      if (queue.length > 0 && !closed) schedule(groupMs);
    }
    batch.forEach(({ resolve }, i) => resolve(entries[i]));
  }

  /** Entries another transaction did not store, back at the head of the queue, in their order. */
  function putBack(batch: readonly Queued[]): void {
    queue.unshift(...batch);
    if (queue.length > 0 && !closed) schedule(refused > 0 ? RETRY_MS : groupMs);
  }

  /**
   * The database refused a batch for what an entry holds (storableDraft.ts): each entry is written
   * alone, in order, so every other one is stored; one refused alone is left out, written whole to
   * the server log and counted. A transient refusal meanwhile keeps what is left for the retry.
   */
  async function writeOneByOne(batch: Queued[]): Promise<void> {
    for (const [i, queued] of batch.entries()) {
      try {
        stored([queued], await writeEntries([queued.draft]));
      } catch (error) {
        if (!refusesEntryData(error)) return keepForRetry(batch.slice(i), error);
        log?.error({ err: error, entry: queued.draft }, 'audit entry refused by the database for what it holds: left out of the log');
        unstorable.dropped++;
        queued.resolve(undefined);
      }
    }
  }

  return {
    append(draft) {
      // A value that cannot be hashed fails its own append now, not the group it would join.
      canonicalJson(draft.detail ?? {});
      // Escaped when chained (chainEntry); said here, where the server log and the count are.
      if (!holdsStorableText(draft)) {
        log?.error({ entry: draft }, 'audit entry with control characters in its text: stored with them escaped');
        unstorable.escaped++;
      }
      if (closed) {
        log?.error({ entry: draft }, 'audit entry made after the audit log closed could not be written');
        return Promise.resolve(undefined);
      }
      return new Promise((resolve) => {
        queue.push({ draft: { ...draft, at: draft.at ?? clock().toISOString() }, resolve });
        if (refused > 0) resolve(undefined);
        schedule(groupMs);
      });
    },
    withQueued(write) {
      return turn(async (batch) => {
        let chained: readonly AuditEntry[] | undefined;
        let refusal: unknown;
        const queued: QueuedDrafts = {
          drafts: batch.map(({ draft }) => draft),
          chained: (entries) => (chained = entries),
          refused: (error) => (refusal = error),
        };
        let result;
        try {
          result = await write(queued);
        } catch (error) {
          outcomes?.wrote(error);
          putBack(batch);
          throw error;
        }
        outcomes?.wrote();
        if (chained) {
          written(batch, chained);
        } else {
          if (refusal !== undefined) {
            log?.error({ err: refusal, unwritten: batch.length }, 'audit entries queued before a re-mark could not be written with it; the re-mark went ahead, they are kept in order and retried');
          }
          putBack(batch);
        }
        return result;
      });
    },
    unwritten() {
      return queue.length;
    },
    unstorableEntries() {
      return { ...unstorable };
    },
    async close() {
      closed = true;
      unschedule();
      await write();
      unschedule();
      if (queue.length === 0) return;
      // The entries are not lost silently: the server log keeps every one of them.
      log?.error({ entries: queue.map((queued) => queued.draft) }, 'audit entries could not be written before the server stopped');
      queue.length = 0;
    },
  };
}
