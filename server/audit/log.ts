// The audit log as the server sees it. Async so a PostgreSQL implementation can follow the SQLite
// one behind the same interface (the contract tests take a factory).
import type { AuditDraft, AuditEntry } from './entry';
import type { VerifyResult } from './verify';

export interface AuditPage {
  /** Return entries with seq greater than this (for paging); default 0. */
  afterSeq?: number;
  /** At most this many entries; default and maximum AUDIT_PAGE_MAX (shared/rest.ts). */
  limit?: number;
}

export interface AuditLog {
  /** Appends atomically after the current last entry and returns the stored entry. */
  append(draft: AuditDraft): Promise<AuditEntry>;
  /** One workspace's entries in seq order (unfiltered: see `auditEntriesVisibleTo`). */
  listForWorkspace(workspaceId: string, page?: AuditPage): Promise<AuditEntry[]>;
  /** Every entry about one object, in seq order (an object's history is short: create, re-marks, releases). */
  listForObject(objectId: string): Promise<AuditEntry[]>;
  /** Verifies the whole stored chain and its recorded head. */
  verify(): Promise<VerifyResult>;
}
