// The audit log as the server sees it. Async so a PostgreSQL implementation can follow the SQLite
// one behind the same interface (the contract tests take a factory).
import type { AuditActor } from '../../shared/rest';
import type { AuditDraft, AuditEntry } from './entry';
import type { VerifyResult } from './verify';

export interface AuditPage {
  /** Return entries with seq greater than this (for paging); default 0. */
  afterSeq?: number;
  /** At most this many entries; default and maximum AUDIT_PAGE_MAX (shared/rest.ts). */
  limit?: number;
}

/** Someone the log records as still in a cell: joins not followed by as many leaves. */
export interface OpenSession {
  workspaceId: string;
  actor: AuditActor;
  /** Their access level as last recorded (join, or membership change). */
  level: string;
  /** Sessions (sockets) left open. */
  count: number;
}

/** What a log holds queued, handed to a write of another transaction (AuditLog.withQueued) to chain first. */
export interface QueuedDrafts {
  /** Oldest first: each was made before that write began. */
  readonly drafts: readonly AuditDraft[];
  /** They are chained in that transaction as these entries (stored if it commits). */
  chained(entries: readonly AuditEntry[]): void;
  /** The storage refused them alone and the transaction went on without them: they stay queued. */
  refused(error: unknown): void;
}

export interface AuditLog {
  /**
   * Appends after the current last entry, in the order appends are made, and resolves with the
   * stored entry. While the storage refuses writes (a full disk) it resolves `undefined` at once:
   * the entry is kept in order and written when the storage takes writes again.
   */
  append(draft: AuditDraft): Promise<AuditEntry | undefined>;
  /** One workspace's entries in seq order (unfiltered: see `auditEntriesVisibleTo`). */
  listForWorkspace(workspaceId: string, page?: AuditPage): Promise<AuditEntry[]>;
  /** Every entry about one object, in seq order (an object's history is short: create, re-marks, releases). */
  listForObject(objectId: string): Promise<AuditEntry[]>;
  /** Verifies the whole stored chain and its recorded head. */
  verify(): Promise<VerifyResult>;
  /**
   * Sessions the log shows open since the last `server.restart` entry: at start, those a stop left
   * without a leave. `node` (one of several): only that node's sessions, since its own last restart.
   */
  sessionsLeftOpen(node?: string): Promise<OpenSession[]>;
  /**
   * Runs `write`, a transaction of the caller's own that chains entries (a re-mark's), as this
   * log's next write: once the write under way ended, before any later one. It chains the entries
   * queued so far first (`queued`), so on this node the chain's order is the order the appends and
   * that write were made in, even when those entries were kept through a storage fault. If the
   * storage refuses them alone (QueuedDrafts.refused), `write` goes on without them: a backlog never
   * holds a re-mark. Entries it did not store stay queued, at the head, in order.
   */
  withQueued<T>(write: (queued: QueuedDrafts) => Promise<T>): Promise<T>;
  /** Entries accepted but not yet stored (the storage refused them so far). */
  unwritten(): number;
  /**
   * Entries so far whose text the stores could not keep as it was (groupedAppends.ts): `escaped`,
   * stored with control characters and unpaired surrogates written as `\uXXXX`; `dropped`,
   * refused by the database for what they held, so left out and written whole to the server log.
   */
  unstorableEntries(): { escaped: number; dropped: number };
  /** Writes what is queued; entries that still cannot be written are reported in the server log. */
  close(): Promise<void>;
}
