// Where release requests live: SQLite (./sqliteRequestStore.ts) or PostgreSQL
// (./postgresRequestStore.ts), one contract suite (test/unit/release-store.test.ts).
import type { ReleaseRequest, ReleaseState } from '../../shared/release';

export interface PendingFilter {
  workspaceId?: string;
  /** Originator nation: an FDO's inbox holds the pending requests of their own nation. */
  originator?: string;
}

export interface ReleaseRequestStore {
  insert(request: ReleaseRequest): Promise<void>;
  get(id: string): Promise<ReleaseRequest | undefined>;
  /**
   * Saves `request` only if the stored one is still in `expected` state (compare-and-set), so a
   * decision racing the deadline, or two nodes firing the same deadline, cannot both win.
   * True when saved.
   */
  update(request: ReleaseRequest, expected: ReleaseState): Promise<boolean>;
  /** Pending requests, soonest deadline first. */
  listPending(filter?: PendingFilter): Promise<ReleaseRequest[]>;
  /** Pending requests whose deadline is at or before `time`, soonest first (the deadline scheduler). */
  pendingDueBy(time: Date): Promise<ReleaseRequest[]>;
  /**
   * Claims for `claimant` (a node id), until `time` + `leaseMs`, the pending requests due by `time`
   * that no unexpired claim holds, soonest first. Two nodes claiming at once get disjoint requests;
   * the claim of a node that died lapses with its lease. For the deadline scheduler across nodes.
   */
  claimDue(time: Date, claimant: string, leaseMs: number): Promise<ReleaseRequest[]>;
  /** The soonest deadline of a pending request (after `after` when given, strictly), or undefined. */
  nextDeadline(after?: Date): Promise<Date | undefined>;
  /** The pending request for an object, if any (one at a time per object). */
  pendingForObject(objectId: string): Promise<ReleaseRequest | undefined>;
  /** Every request of a workspace, oldest first (history and sharing figures). */
  listForWorkspace(workspaceId: string): Promise<ReleaseRequest[]>;
}
