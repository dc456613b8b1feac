// What the server needs from durable storage: SQLite (./sqliteStore.ts), the embedded default for
// one node, or PostgreSQL (./postgresStore.ts), shared by several. Both pass one contract suite
// (test/unit/store-contract.test.ts).
import type { Envelope, WorkspaceSummary } from '../../shared/protocol';
import type { AuditAction, AuditActor, Json } from '../../shared/rest';

export type WorkspaceRecord = WorkspaceSummary;

export interface PendingUpdate {
  objectId: string;
  epoch: number;
  update: Uint8Array;
  /** Who wrote it (token `sub`): every stored change is attributable. */
  author: string;
  /** Yjs client ids this update is the first to write with: bound to `author` from now on. */
  newClients: readonly number[];
}

/** A new object's envelope and first content, and who wrote that content. */
export interface NewDoc {
  envelope: Envelope;
  content: Uint8Array;
  author: string;
  /** The Yjs client ids that wrote `content`: bound to `author`. */
  clients: readonly number[];
}

export interface EnvelopeChange {
  envelope: Envelope;
  /** The new epoch's first snapshot, when the change starts one (`envelope.epoch`). */
  content?: Uint8Array;
  /** With `content`: what it was copied from, so the store can have it made again when that missed updates. */
  copied?: CopiedFrom;
}

/**
 * Where a new epoch's copy comes from: a node's live doc, which may lack updates another node
 * stored under the old epoch and whose relay has not arrived yet.
 */
export interface CopiedFrom {
  /** The object's number through which every stored update is in the copy. */
  through: number;
  /**
   * Makes the copy again from `stored`, the object's doc as stored (the old epoch's, every update
   * of it). Called by `Store.remark` inside its transaction, its row locked (no update can be
   * stored under the old epoch any more), when updates after `through` were stored: the answer is
   * stored instead, so no acknowledged update is left out of the new epoch.
   */
  again(stored: StoredDoc): Uint8Array;
}

/** An envelope as a re-mark was decided from: its marking and epoch then. */
export interface RemarkBasis {
  id: string;
  marking: string;
  epoch: number;
}

/**
 * An audit entry a store writes in a transaction of its own (the audit log's draft,
 * server/audit/entry.ts): what it records commits with it or not at all.
 */
export interface AuditRecord {
  workspaceId: string;
  actor: AuditActor;
  action: AuditAction;
  objectId?: string | null;
  detail?: { [key: string]: Json };
}

/**
 * The audit log as a store's own transaction writes to it (server/openStorage.ts wires the audit
 * log's). `Chain` writes records after the chain's last entry, in that transaction.
 */
export interface AuditTurns<Chain> {
  /**
   * Runs `write` (a transaction of the store's) as the audit log's next write: after the one under
   * way, before any later one. `chain` writes, in that transaction, the entries the log holds
   * queued (made before `write` began, or kept through a storage fault), then the records given:
   * on one node the chain's order is the order things were done in. Taken before the transaction
   * begins: a transaction holding row locks never waits for the log.
   */
  inTurn<T>(write: (chain: Chain) => Promise<T>): Promise<T>;
}

export interface RemarkOptions {
  /**
   * The envelopes the re-mark was decided from: the re-marked object, its subtree and its
   * ancestors (their markings decide who sees what, before and after). It commits only if each
   * stored object still has that marking and epoch; otherwise nothing is stored and it rejects
   * with a FencedWriteError (`conflict`) naming those that changed (another node re-marked them).
   */
  basis?: readonly RemarkBasis[];
  /**
   * The re-mark's audit entry, chained in the same transaction (in the audit log's turn, after the
   * entries it holds queued: AuditTurns): no re-mark is stored without it.
   */
  audit?: AuditRecord;
}

/** A deleted object: kept (envelope, content, audit trail), served to nobody, restorable for a while. */
export interface Tombstone {
  objectId: string;
  workspaceId: string;
  deletedAt: string;
  /** Who deleted it (token `sub`). */
  deletedBy: string;
}

/** The markings that decide who sees an object: its own, then each ancestor's. */
export type StoredChain = Pick<Envelope, 'marking' | 'originator'>[];

/**
 * One entry of an object's history (server/history/): kept apart from the update log, so neither
 * compaction nor a new epoch removes it. Who may read which entries is decided when they are read.
 */
export interface HistoryEntry {
  epoch: number;
  /** `base`: the content an epoch starts from (the object's first content, or a release's copy). */
  kind: 'base' | 'update';
  /** An update's sequence number; a base's, the object's last before it (0 at creation). */
  seq: number;
  /** When it was stored (ISO 8601 UTC). */
  at: string;
  /** Who wrote it (token `sub`); '' for a new epoch's copy, which the server makes. */
  author: string;
  data: Uint8Array;
  /** A base that starts a new epoch: the object's chain of markings just before it (who could see the epoch before). */
  before: StoredChain | null;
}

export interface StoredDoc {
  epoch: number;
  /** Snapshot of the doc at `epoch` (null only for a doc never compacted nor created with content). */
  snapshot: Uint8Array | null;
  /** Updates after the snapshot, oldest first. */
  updates: Uint8Array[];
  /** Each update's sequence number, in step with `updates`. */
  seqs: number[];
  /** The object's last sequence number, compacted updates included (0 when none was stored). */
  lastSeq: number;
  /**
   * The object's last sequence number when `epoch` began (0 at creation). Clients are given numbers
   * counted within the epoch (`seq - epochSeq`): nothing of earlier epochs shows in them.
   */
  epochSeq: number;
  /** Each Yjs client id that wrote to this object, and the participant (`sub`) it belongs to. */
  owners: Map<number, string>;
}

/** An exercise's runner, kept so a restart carries on where it stood (server/exercise/runnerState.ts). */
export interface ExerciseRecord {
  id: string;
  /** The node that runs it (TEARLINE_NODE_ID): only that node restores it. */
  node: string;
  /** The scenario file's text as EXCON posted it, parsed again at restore. */
  scenario: string;
  /** Scenario cell id → the workspace id it became. */
  cells: Record<string, string>;
  /** The runner's state (clock, MSEL, released objects, audit read position) as JSON. */
  state: string;
}

/** One object's envelope in an exercise cell after one change of it (the replay's history). */
export interface EnvelopeHistoryRow {
  envelope: Envelope;
  atMs: number;
  deleted: boolean;
  /** The first snapshot of `envelope.epoch`, when this change started it (creation, a widening). */
  snapshot: Uint8Array | null;
}

/** One stored update of an exercise cell's object, with when it was stored. */
export interface UpdateHistoryRow {
  objectId: string;
  epoch: number;
  atMs: number;
  update: Uint8Array;
}

/** An exercise cell's whole history, oldest first; empty for a real cell (nothing is kept for it). */
export interface ExerciseHistory {
  envelopes: EnvelopeHistoryRow[];
  updates: UpdateHistoryRow[];
}

export interface Store {
  createWorkspace(workspace: WorkspaceRecord): Promise<void>;
  getWorkspace(id: string): Promise<WorkspaceRecord | undefined>;
  listWorkspaces(): Promise<WorkspaceRecord[]>;
  /** Read, change and write one workspace atomically (two changes never lose each other); undefined when absent. */
  updateWorkspace(id: string, change: (workspace: WorkspaceRecord) => WorkspaceRecord): Promise<WorkspaceRecord | undefined>;

  /** Records that an access level has joined a workspace; true when it is new. */
  addLevel(workspaceId: string, levelKey: string): Promise<boolean>;
  listLevels(workspaceId: string): Promise<string[]>;

  listObjects(workspaceId: string): Promise<Envelope[]>;
  getObject(id: string): Promise<Envelope | undefined>;
  /** Each envelope and its doc's first snapshot, all in one transaction: all are stored or none. */
  createObjects(objects: readonly NewDoc[]): Promise<void>;
  /**
   * A re-mark, in one transaction: each changed envelope, and for each one given `content` a new
   * epoch (that snapshot replaces the earlier snapshot and every earlier epoch's updates). A copy
   * that misses updates stored after `copied.through` is made again (`copied.again`) first.
   * Answers, for each new epoch, the object's last sequence number when it began (its `epochSeq`).
   * `options`: its fence and its audit entry (RemarkOptions).
   */
  remark(changes: readonly EnvelopeChange[], options?: RemarkOptions): Promise<Map<string, number>>;

  /**
   * Stores a batch in one durable transaction; resolves once on disk, with each update's sequence
   * number (per object: 1, 2, 3 …). Fenced (./fence.ts): when an update's epoch is not the object's,
   * or this node holds a marking version the object no longer has, nothing is stored and it rejects
   * with a FencedWriteError naming those objects.
   */
  appendUpdates(batch: PendingUpdate[]): Promise<number[]>;

  /** Marks objects deleted (their envelopes and docs stay, for the audit trail and an undo), in one transaction. */
  deleteObjects(tombstones: readonly Tombstone[]): Promise<void>;
  /** Takes the tombstones off these objects (an undo), in one transaction. */
  restoreObjects(objectIds: readonly string[]): Promise<void>;
  /** The cell's deleted objects; `listObjects` lists them too. */
  listTombstones(workspaceId: string): Promise<Tombstone[]>;
  /** Moves an object among its siblings. Not a change of who sees it: the fence is not moved. */
  reorder(objectId: string, orderKey: string): Promise<void>;
  loadDoc(objectId: string): Promise<StoredDoc>;
  /** The object's history, every epoch's, oldest first: written with each create, update and new epoch, never compacted. */
  loadHistory(objectId: string): Promise<HistoryEntry[]>;
  /**
   * Several docs as of one moment (one read transaction), each as `loadDoc` answers it, keyed by
   * id: a cold open reads a cell's docs in a few queries rather than four per object.
   */
  loadDocs(objectIds: readonly string[]): Promise<Map<string, StoredDoc>>;
  /**
   * Replaces the updates up to `throughSeq` by `snapshot`. A snapshot of an epoch that is no longer
   * the stored one (a release stored a new epoch meanwhile) replaces nothing: it holds the history
   * the new epoch leaves behind.
   */
  compact(objectId: string, epoch: number, snapshot: Uint8Array, throughSeq: number): Promise<void>;

  /**
   * The replay history of an exercise cell, up to `untilMs`. Every write to an exercise cell's
   * objects records it in the same transaction; compaction and new epochs leave it alone.
   */
  exerciseHistory(workspaceId: string, untilMs: number): Promise<ExerciseHistory>;

  /** Stores an exercise's record, replacing the one of the same id. */
  putExercise(exercise: ExerciseRecord): Promise<void>;
  /** The exercises `node` runs, oldest first. */
  listExercises(node: string): Promise<ExerciseRecord[]>;

  close(): Promise<void>;
}
