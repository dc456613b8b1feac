// The embedded default store: one SQLite file in WAL mode. better-sqlite3 is synchronous, so a
// transaction commits (and, with synchronous=FULL, is fsynced) before the call returns. One node
// writes the file, so nothing is relayed: no outbox (see postgresStore.ts).
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Envelope } from '../../shared/protocol';
import { auditedWrite, changedSince, copyMisses, deletedWrite, FencedWriteError, HeldMarkings, staleRemark, type ObjectFence } from './fence';
import { bytes, OBJECT_COLUMNS, replayRow, toEnvelope, toRow, toWorkspace, type ObjectRow, type ReplayRow } from './rows';
import { ExerciseCells, isoAt } from './exerciseCells';
import { writeTransaction } from './sqliteTransaction';
import { CHAIN_BEFORE, historyEntry, type HistoryRow } from './history';
import type { AuditRecord, AuditTurns, EnvelopeChange, ExerciseHistory, ExerciseRecord, HistoryEntry, NewDoc, PendingUpdate, RemarkOptions, Store, StoredChain, StoredDoc, Tombstone, WorkspaceRecord } from './types';

/**
 * The two tables every commit writes, each one B-tree keyed by its own columns (WITHOUT ROWID), as
 * PostgreSQL's are keyed. With a row id, each was a table and an index (doc_updates also bumped
 * sqlite_sequence, for AUTOINCREMENT): six pages written to the WAL, and fsynced, per commit of one
 * update, now three (objects' row, one page of each). `columns`: what a rebuild copies.
 */
const KEYED_TABLES = {
  doc_updates: {
    create: (name: string) => `CREATE TABLE IF NOT EXISTS ${name} (object_id TEXT NOT NULL, object_seq INTEGER NOT NULL, epoch INTEGER NOT NULL,
  marking_version INTEGER, data BLOB NOT NULL, author TEXT, PRIMARY KEY (object_id, object_seq)) WITHOUT ROWID`,
    columns: 'object_id, object_seq, epoch, marking_version, data, author',
  },
  doc_history: {
    create: (name: string) => `CREATE TABLE IF NOT EXISTS ${name} (object_id TEXT NOT NULL, epoch INTEGER NOT NULL, seq INTEGER NOT NULL, kind TEXT NOT NULL,
  at TEXT NOT NULL, author TEXT NOT NULL, data BLOB NOT NULL, before TEXT, PRIMARY KEY (object_id, epoch, seq)) WITHOUT ROWID`,
    columns: 'object_id, epoch, seq, kind, at, author, data, before',
  },
} as const;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS workspaces (id TEXT PRIMARY KEY, record TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS workspace_levels (workspace_id TEXT NOT NULL, level_key TEXT NOT NULL,
  PRIMARY KEY (workspace_id, level_key));
CREATE TABLE IF NOT EXISTS objects (
  id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL, kind TEXT NOT NULL, marking TEXT NOT NULL,
  portion TEXT NOT NULL, originator TEXT NOT NULL, parent_id TEXT, order_key TEXT NOT NULL,
  created_by TEXT NOT NULL, created_at TEXT NOT NULL, epoch INTEGER NOT NULL, source_id TEXT);
CREATE INDEX IF NOT EXISTS objects_by_workspace ON objects (workspace_id);
CREATE TABLE IF NOT EXISTS doc_snapshots (object_id TEXT PRIMARY KEY, epoch INTEGER NOT NULL, data BLOB NOT NULL);
${KEYED_TABLES.doc_updates.create('doc_updates')};
CREATE TABLE IF NOT EXISTS doc_clients (object_id TEXT NOT NULL, client_id INTEGER NOT NULL, sub TEXT NOT NULL,
  PRIMARY KEY (object_id, client_id));
CREATE TABLE IF NOT EXISTS exercises (id TEXT PRIMARY KEY, node TEXT NOT NULL, scenario TEXT NOT NULL, cells TEXT NOT NULL,
  state TEXT NOT NULL, created INTEGER NOT NULL);
${KEYED_TABLES.doc_history.create('doc_history')};
CREATE TABLE IF NOT EXISTS object_tombstones (object_id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL,
  deleted_at TEXT NOT NULL, deleted_by TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS exercise_history (id INTEGER PRIMARY KEY AUTOINCREMENT, workspace_id TEXT NOT NULL, object_id TEXT NOT NULL,
  at_ms INTEGER NOT NULL, marking TEXT NOT NULL, portion TEXT NOT NULL, parent_id TEXT, order_key TEXT NOT NULL,
  epoch INTEGER NOT NULL, source_id TEXT, deleted INTEGER NOT NULL, snapshot BLOB);
CREATE INDEX IF NOT EXISTS exercise_history_by_workspace ON exercise_history (workspace_id, id);
-- Replay reads an exercise cell's updates from doc_history, which holds each of them already: the
-- copy older files kept of them goes.
DROP TABLE IF EXISTS exercise_updates;
`;

/** Columns added after a table was first created: added to older files at open. */
const ADDED_COLUMNS = [
  { table: 'doc_updates', column: 'author', definition: 'author TEXT' },
  // The fence (./fence.ts) and per-object sequence numbers: `seq` stays the row id.
  { table: 'objects', column: 'marking_version', definition: 'marking_version INTEGER NOT NULL DEFAULT 1' },
  { table: 'objects', column: 'last_seq', definition: 'last_seq INTEGER NOT NULL DEFAULT 0' },
  { table: 'doc_updates', column: 'object_seq', definition: 'object_seq INTEGER' },
  { table: 'doc_updates', column: 'marking_version', definition: 'marking_version INTEGER' },
  // Where the current epoch's numbers start (see migrations/0010_epoch_seq.sql): set below when added.
  { table: 'objects', column: 'epoch_seq', definition: 'epoch_seq INTEGER NOT NULL DEFAULT 0' },
];

/** Updates stored before per-object sequence numbers get theirs, in row order, and each object its last. */
const NUMBER_OLD_UPDATES = `
UPDATE doc_updates SET object_seq = (SELECT COUNT(*) FROM doc_updates AS earlier
  WHERE earlier.object_id = doc_updates.object_id AND earlier.seq <= doc_updates.seq) WHERE object_seq IS NULL;
UPDATE objects SET last_seq = (SELECT coalesce(MAX(object_seq), 0) FROM doc_updates WHERE object_id = objects.id);
`;

/** Objects in a later epoch when `epoch_seq` was added: where it began (as migrations/0010_epoch_seq.sql). */
const START_OLD_EPOCHS = `
UPDATE objects SET epoch_seq = coalesce(
  (SELECT h.seq FROM doc_history h WHERE h.object_id = objects.id AND h.epoch = objects.epoch AND h.kind = 'base'),
  (SELECT min(u.object_seq) - 1 FROM doc_updates u WHERE u.object_id = objects.id AND u.epoch = objects.epoch),
  last_seq)
WHERE epoch > 0;
`;

/**
 * How long a statement waits for a lock another program holds on the file (better-sqlite3's
 * default is 5 s). better-sqlite3 waits synchronously, so the whole node (every socket, every
 * read, /healthz) stands still meanwhile; a brief lock (a backup or replication tool) is waited
 * out, a longer one (another writer) answers `unavailable` (errors.ts, isStorageLocked) and the
 * clients retry with a backoff.
 */
export const SQLITE_BUSY_TIMEOUT_MS = 100;

/** claimSeqs' raw row: epoch, marking version, the object's last number after the claim, deleted (0 or 1). */
type ClaimRow = [number, number, number, number];

/** An object's fence in a commit, and the last number its updates took so far. */
interface Claim extends ObjectFence {
  seq: number;
  deleted: boolean;
}

/** Chains audit records inside a transaction of this store's (AuditTurns: the audit log's). */
export type SqliteAuditChain = (records: readonly AuditRecord[]) => void;

export class SqliteStore implements Store {
  readonly db: Database.Database;
  private readonly statements;
  private readonly held: HeldMarkings;
  /** Every cell of the file (one node writes it): learnt at open and at each creation. */
  private readonly exerciseCells = new ExerciseCells();
  private readonly loadDocTx: (objectId: string) => StoredDoc;
  private readonly loadDocsTx: (objectIds: readonly string[]) => Map<string, StoredDoc>;
  private readonly appendTx: (batch: PendingUpdate[]) => number[];
  /** Writes audit entries inside this store's transaction, in the audit log's turn (set by auditWith). */
  private audit: AuditTurns<SqliteAuditChain> | undefined;

  /** Called once the file is closed (the data directory's lock is let go: ./dataDirLock.ts). */
  private readonly onClose: (() => void) | undefined;

  /** `sync`: TEARLINE_SQLITE_SYNC. */
  /** `heldMarkings`: how many objects' marking versions it remembers (tests make it small). */
  constructor(file: string, options: { sync: 'full' | 'normal'; heldMarkings?: number; onClose?: () => void }) {
    this.onClose = options.onClose;
    this.held = new HeldMarkings(options.heldMarkings);
    if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
    this.db = new Database(file, { timeout: SQLITE_BUSY_TIMEOUT_MS });
    this.db.pragma('journal_mode = WAL');
    this.db.pragma(`synchronous = ${options.sync === 'normal' ? 'NORMAL' : 'FULL'}`);
    this.db.exec(SCHEMA);
    const added = new Set<string>();
    for (const { table, column, definition } of ADDED_COLUMNS) {
      const columns = this.db.prepare<[], { name: string }>(`PRAGMA table_info(${table})`).all();
      if (columns.some((c) => c.name === column)) continue;
      this.db.exec(`ALTER TABLE ${table} ADD COLUMN ${definition}`);
      added.add(column);
    }
    if (this.db.prepare('SELECT 1 FROM doc_updates WHERE object_seq IS NULL LIMIT 1').get()) this.db.transaction(() => this.db.exec(NUMBER_OLD_UPDATES))();
    if (added.has('epoch_seq')) this.db.exec(START_OLD_EPOCHS);
    this.keyTables();
    const db = this.db;
    this.statements = {
      insertWorkspace: db.prepare('INSERT INTO workspaces (id, record, created_at) VALUES (?, ?, ?)'),
      getWorkspace: db.prepare<[string], { record: string }>('SELECT record FROM workspaces WHERE id = ?'),
      listWorkspaces: db.prepare<[], { record: string }>('SELECT record FROM workspaces ORDER BY created_at'),
      putWorkspace: db.prepare('UPDATE workspaces SET record = ? WHERE id = ?'),
      addLevel: db.prepare('INSERT OR IGNORE INTO workspace_levels (workspace_id, level_key) VALUES (?, ?)'),
      listLevels: db.prepare<[string], { level_key: string }>(
        'SELECT level_key FROM workspace_levels WHERE workspace_id = ? ORDER BY level_key',
      ),
      insertObject: db.prepare(`INSERT INTO objects (${OBJECT_COLUMNS}) VALUES (@id, @workspace_id, @kind, @marking, @portion,
        @originator, @parent_id, @order_key, @created_by, @created_at, @epoch, @source_id)`),
      updateObject: db.prepare<ObjectRow, { marking_version: number }>(`UPDATE objects SET marking = @marking, portion = @portion,
        parent_id = @parent_id, order_key = @order_key, epoch = @epoch, source_id = @source_id,
        marking_version = marking_version + 1 WHERE id = @id RETURNING marking_version`),
      getObject: db.prepare<[string], ObjectRow>('SELECT * FROM objects WHERE id = ?'),
      listObjects: db.prepare<[string], ObjectRow>('SELECT * FROM objects WHERE workspace_id = ? ORDER BY created_at, id'),
      // A commit's one statement per object: it takes `count` numbers and reads the object's fence,
      // with whether it is deleted (a write to a tombstoned object is refused in the same
      // transaction, whose rollback then gives the numbers back). Raw rows: no object built per read.
      claimSeqs: db
        .prepare<[number, string], ClaimRow>(`UPDATE objects SET last_seq = last_seq + ? WHERE id = ?
          RETURNING epoch, marking_version, last_seq, EXISTS (SELECT 1 FROM object_tombstones WHERE object_id = objects.id)`)
        .raw(),
      lastSeq: db.prepare<[string], { last_seq: number; epoch_seq: number }>('SELECT last_seq, epoch_seq FROM objects WHERE id = ?'),
      startEpoch: db.prepare<[string], { epoch_seq: number }>('UPDATE objects SET epoch_seq = last_seq WHERE id = ? RETURNING epoch_seq'),
      putSnapshot: db.prepare('INSERT OR REPLACE INTO doc_snapshots (object_id, epoch, data) VALUES (?, ?, ?)'),
      getSnapshot: db.prepare<[string], { epoch: number; data: Buffer }>(
        'SELECT epoch, data FROM doc_snapshots WHERE object_id = ?',
      ),
      appendUpdate: db.prepare(
        'INSERT INTO doc_updates (object_id, object_seq, epoch, marking_version, data, author) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      bindClient: db.prepare('INSERT OR IGNORE INTO doc_clients (object_id, client_id, sub) VALUES (?, ?, ?)'),
      listClients: db.prepare<[string], { client_id: number; sub: string }>('SELECT client_id, sub FROM doc_clients WHERE object_id = ?'),
      listUpdates: db.prepare<[string, number], { seq: number; data: Buffer }>(
        'SELECT object_seq AS seq, data FROM doc_updates WHERE object_id = ? AND epoch = ? ORDER BY object_seq',
      ),
      compactSnapshot: db.prepare(`INSERT INTO doc_snapshots (object_id, epoch, data) VALUES (?, ?, ?)
        ON CONFLICT (object_id) DO UPDATE SET data = excluded.data WHERE doc_snapshots.epoch = excluded.epoch`),
      deleteUpdatesThrough: db.prepare('DELETE FROM doc_updates WHERE object_id = ? AND object_seq <= ?'),
      deleteUpdatesBefore: db.prepare('DELETE FROM doc_updates WHERE object_id = ? AND epoch < ?'),
      putExercise: db.prepare(`INSERT INTO exercises (id, node, scenario, cells, state, created)
        VALUES (@id, @node, @scenario, @cells, @state, (SELECT coalesce(MAX(created), 0) + 1 FROM exercises))
        ON CONFLICT (id) DO UPDATE SET node = excluded.node, scenario = excluded.scenario, cells = excluded.cells, state = excluded.state`),
      listExercises: db.prepare<[string], Omit<ExerciseRecord, 'cells'> & { cells: string }>(
        'SELECT id, node, scenario, cells, state FROM exercises WHERE node = ? ORDER BY created',
      ),
      putTombstone: db.prepare<Tombstone>(`INSERT OR REPLACE INTO object_tombstones (object_id, workspace_id, deleted_at, deleted_by)
        VALUES (@objectId, @workspaceId, @deletedAt, @deletedBy)`),
      dropTombstone: db.prepare<[string], { workspace_id: string }>('DELETE FROM object_tombstones WHERE object_id = ? RETURNING workspace_id'),
      listTombstones: db.prepare<[string], Tombstone>(`SELECT object_id AS objectId, workspace_id AS workspaceId, deleted_at AS deletedAt,
        deleted_by AS deletedBy FROM object_tombstones WHERE workspace_id = ? ORDER BY deleted_at, object_id`),
      reorder: db.prepare<[string, string], { workspace_id: string }>('UPDATE objects SET order_key = ? WHERE id = ? RETURNING workspace_id'),
      addHistory: db.prepare<[string, number, number, HistoryEntry['kind'], string, string, Uint8Array, string | null]>(
        'INSERT INTO doc_history (object_id, epoch, seq, kind, at, author, data, before) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      listHistory: db.prepare<[string], HistoryRow>('SELECT epoch, seq, kind, at, author, data, before FROM doc_history WHERE object_id = ? ORDER BY epoch, seq'),
      chainBefore: db.prepare<[string], StoredChain[number]>(CHAIN_BEFORE.replaceAll('$1', '?')),
      recordEnvelope: db.prepare<{ id: string; at: number; snapshot: Uint8Array | null }>(`INSERT INTO exercise_history
        (workspace_id, object_id, at_ms, marking, portion, parent_id, order_key, epoch, source_id, deleted, snapshot)
        SELECT o.workspace_id, o.id, @at, o.marking, o.portion, o.parent_id, o.order_key, o.epoch, o.source_id,
          EXISTS (SELECT 1 FROM object_tombstones t WHERE t.object_id = o.id), @snapshot FROM objects o WHERE o.id = @id`),
      historyEnvelopes: db.prepare<[string, number], ReplayRow>(`SELECT h.object_id AS id, h.workspace_id, h.marking, h.portion, h.parent_id,
        h.order_key, h.epoch, h.source_id, h.at_ms, h.deleted, h.snapshot, o.kind, o.originator, o.created_by, o.created_at
        FROM exercise_history h JOIN objects o ON o.id = h.object_id WHERE h.workspace_id = ? AND h.at_ms <= ? ORDER BY h.id`),
      historyUpdates: db.prepare<[string, string], { object_id: string; epoch: number; at: string; data: Buffer }>(
        `SELECT h.object_id, h.epoch, h.at, h.data FROM doc_history h JOIN objects o ON o.id = h.object_id
          WHERE o.workspace_id = ? AND h.kind = 'update' AND h.at <= ? ORDER BY h.object_id, h.epoch, h.seq`,
      ),
      exerciseCells: db.prepare<[], { record: string }>('SELECT record FROM workspaces'),
    };
    // Built once: better-sqlite3's transaction() builds its wrappers on every call, a third of the
    // CPU of one small read (12 against 18 µs), and a cold open reads every doc of the cell.
    this.loadDocTx = db.transaction((objectId: string) => this.readDoc(objectId));
    // Prepared statements in a loop: with SQLite in-process, a query per object costs microseconds,
    // what matters is one transaction (one read lock, one snapshot) for the whole request.
    this.loadDocsTx = db.transaction((objectIds: readonly string[]) => new Map(objectIds.map((id) => [id, this.readDoc(id)])));
    this.appendTx = writeTransaction(db, (batch: PendingUpdate[]) => this.append(batch));
    for (const row of this.statements.exerciseCells.all()) this.exerciseCells.note(JSON.parse(row.record) as WorkspaceRecord);
  }

  /** Rebuilds, in one transaction, the tables of KEYED_TABLES that an older file holds with a row id. */
  private keyTables(): void {
    for (const [table, { create, columns }] of Object.entries(KEYED_TABLES)) {
      const { sql } = this.db.prepare<[string], { sql: string }>("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?").get(table)!;
      if (/WITHOUT ROWID\s*$/i.test(sql)) continue;
      this.db.transaction(() => {
        this.db.exec(`${create(`${table}_keyed`)};
          INSERT INTO ${table}_keyed (${columns}) SELECT ${columns} FROM ${table};
          DROP TABLE ${table};
          ALTER TABLE ${table}_keyed RENAME TO ${table};`);
      })();
    }
  }

  /** Records the object's envelope as it now stands, when its cell is an exercise cell (the replay's history). */
  private recordEnvelope(workspaceId: string, id: string, snapshot: Uint8Array | null): void {
    if (this.exerciseCells.get(workspaceId)) this.statements.recordEnvelope.run({ id, at: Date.now(), snapshot });
  }

  async createWorkspace(workspace: WorkspaceRecord): Promise<void> {
    writeTransaction(this.db, () => this.statements.insertWorkspace.run(workspace.id, JSON.stringify(workspace), workspace.createdAt))();
    this.exerciseCells.note(workspace);
  }

  async getWorkspace(id: string): Promise<WorkspaceRecord | undefined> {
    const row = this.statements.getWorkspace.get(id);
    return row ? toWorkspace(JSON.parse(row.record)) : undefined;
  }

  async listWorkspaces(): Promise<WorkspaceRecord[]> {
    return this.statements.listWorkspaces.all().map((row) => toWorkspace(JSON.parse(row.record)));
  }

  async updateWorkspace(id: string, change: (workspace: WorkspaceRecord) => WorkspaceRecord): Promise<WorkspaceRecord | undefined> {
    return writeTransaction(this.db, () => {
      const row = this.statements.getWorkspace.get(id);
      if (!row) return undefined;
      const changed = change(toWorkspace(JSON.parse(row.record)));
      this.statements.putWorkspace.run(JSON.stringify(changed), id);
      return changed;
    })();
  }

  async addLevel(workspaceId: string, levelKey: string): Promise<boolean> {
    return this.statements.addLevel.run(workspaceId, levelKey).changes > 0;
  }

  async listLevels(workspaceId: string): Promise<string[]> {
    return this.statements.listLevels.all(workspaceId).map((row) => row.level_key);
  }

  async listObjects(workspaceId: string): Promise<Envelope[]> {
    return this.statements.listObjects.all(workspaceId).map((row) => this.read(row));
  }

  async getObject(id: string): Promise<Envelope | undefined> {
    const row = this.statements.getObject.get(id);
    return row ? this.read(row) : undefined;
  }

  /** An envelope read: this node now holds its marking version. */
  private read(row: ObjectRow & { marking_version?: number }): Envelope {
    this.held.hold(row.id, row.marking_version ?? 1);
    return toEnvelope(row);
  }

  async createObjects(objects: readonly NewDoc[]): Promise<void> {
    writeTransaction(this.db, () => {
      for (const { envelope, content, author, clients } of objects) {
        this.statements.insertObject.run(toRow(envelope));
        this.statements.putSnapshot.run(envelope.id, envelope.epoch, content);
        for (const client of clients) this.statements.bindClient.run(envelope.id, client, author);
        this.history(envelope.id, envelope.epoch, 0, 'base', author, content, null);
        this.recordEnvelope(envelope.workspaceId, envelope.id, content);
      }
    })();
    for (const { envelope } of objects) this.held.hold(envelope.id, 1);
  }

  /** Where a re-mark's audit entry is written, in its transaction (server/openStorage.ts: the audit log's chain on this file). */
  auditWith(audit: AuditTurns<SqliteAuditChain>): void {
    this.audit = audit;
  }

  /** A re-mark's fence and audit entry (RemarkOptions), inside its transaction: `stored` runs between them. */
  private fencedAndAudited<T>({ basis = [], audit }: RemarkOptions, chain: SqliteAuditChain | undefined, stored: () => T): T {
    const changed = changedSince(basis, (id) => this.statements.getObject.get(id));
    if (changed.length > 0) throw staleRemark(changed);
    const result = stored();
    if (audit) chain?.([audit]);
    return result;
  }

  async remark(changes: readonly EnvelopeChange[], options: RemarkOptions = {}): Promise<Map<string, number>> {
    const starts = new Map<string, number>();
    const stored = () => {
      // Read before any envelope of the re-mark changes: who could see each one until now.
      const before = changes.map(({ envelope, content }) => (content ? this.statements.chainBefore.all(envelope.id) : []));
      return changes.map((change, i) => {
        const { envelope } = change;
        const content = copyMisses(change, this.statements.lastSeq.get(envelope.id)?.last_seq ?? 0) ? change.copied!.again(this.readDoc(envelope.id)) : change.content;
        const version = this.statements.updateObject.get(toRow(envelope))?.marking_version;
        if (content) {
          this.statements.deleteUpdatesBefore.run(envelope.id, envelope.epoch);
          this.statements.putSnapshot.run(envelope.id, envelope.epoch, content);
          if (version !== undefined) {
            const start = this.statements.startEpoch.get(envelope.id)!.epoch_seq;
            starts.set(envelope.id, start);
            this.history(envelope.id, envelope.epoch, start, 'base', '', content, before[i]!);
          }
        }
        this.recordEnvelope(envelope.workspaceId, envelope.id, content ?? null);
        return version;
      });
    };
    const versions = await auditedWrite(this.audit, options.audit, async (chain) => writeTransaction(this.db, () => this.fencedAndAudited(options, chain, stored))());
    changes.forEach(({ envelope }, i) => {
      if (versions[i] !== undefined) this.held.hold(envelope.id, versions[i]);
    });
    return starts;
  }

  async appendUpdates(batch: PendingUpdate[]): Promise<number[]> {
    return this.appendTx(batch);
  }

  /**
   * appendUpdates' transaction: one statement per object (its numbers taken, its fence read) and
   * two per update (its row and its history row). Refused writes throw, and the rollback gives
   * back the numbers taken.
   */
  private append(batch: PendingUpdate[]): number[] {
    const counts = new Map<string, number>();
    for (const item of batch) counts.set(item.objectId, (counts.get(item.objectId) ?? 0) + 1);
    const claims = new Map<string, Claim>();
    for (const [id, count] of counts) {
      const row = this.statements.claimSeqs.get(count, id);
      if (row) claims.set(id, { epoch: row[0], markingVersion: row[1], seq: row[2] - count, deleted: row[3] === 1 });
    }
    const deleted = [...claims].filter(([, claim]) => claim.deleted).map(([id]) => id);
    if (deleted.length > 0) throw deletedWrite(deleted);
    const fenced = [...new Set(batch.filter((item) => !this.held.admits(item.objectId, item.epoch, claims.get(item.objectId))).map((item) => item.objectId))];
    if (fenced.length > 0) throw new FencedWriteError(fenced, undefined, this.held.unheld(fenced));
    return batch.map((item) => {
      const claim = claims.get(item.objectId)!;
      const seq = ++claim.seq;
      for (const client of item.newClients) this.statements.bindClient.run(item.objectId, client, item.author);
      this.statements.appendUpdate.run(item.objectId, seq, item.epoch, claim.markingVersion, item.update, item.author);
      this.history(item.objectId, item.epoch, seq, 'update', item.author, item.update, null);
      return seq;
    });
  }

  async deleteObjects(tombstones: readonly Tombstone[]): Promise<void> {
    writeTransaction(this.db, () => {
      for (const tombstone of tombstones) {
        this.statements.putTombstone.run(tombstone);
        this.recordEnvelope(tombstone.workspaceId, tombstone.objectId, null);
      }
    })();
  }

  async restoreObjects(objectIds: readonly string[]): Promise<void> {
    writeTransaction(this.db, () => {
      for (const id of objectIds) {
        const restored = this.statements.dropTombstone.get(id);
        if (restored) this.recordEnvelope(restored.workspace_id, id, null);
      }
    })();
  }

  async listTombstones(workspaceId: string): Promise<Tombstone[]> {
    return this.statements.listTombstones.all(workspaceId);
  }

  async reorder(objectId: string, orderKey: string): Promise<void> {
    writeTransaction(this.db, () => {
      const moved = this.statements.reorder.get(orderKey, objectId);
      if (moved) this.recordEnvelope(moved.workspace_id, objectId, null);
    })();
  }

  async exerciseHistory(workspaceId: string, untilMs: number): Promise<ExerciseHistory> {
    if (!this.exerciseCells.get(workspaceId)) return { envelopes: [], updates: [] };
    return this.db.transaction(() => ({
      envelopes: this.statements.historyEnvelopes.all(workspaceId, untilMs).map(replayRow),
      updates: this.statements.historyUpdates.all(workspaceId, isoAt(untilMs)).map((row) => ({ objectId: row.object_id, epoch: row.epoch, atMs: Date.parse(row.at), update: bytes(row.data) })),
    }))();
  }

  async loadDoc(objectId: string): Promise<StoredDoc> {
    return this.loadDocTx(objectId);
  }

  async loadDocs(objectIds: readonly string[]): Promise<Map<string, StoredDoc>> {
    return this.loadDocsTx(objectIds);
  }

  /** loadDoc's transaction: the snapshot, the updates since and the owners as of one moment. */
  private readDoc(objectId: string): StoredDoc {
    const snapshot = this.statements.getSnapshot.get(objectId);
    const epoch = snapshot?.epoch ?? 0;
    const rows = this.statements.listUpdates.all(objectId, epoch);
    const numbers = this.statements.lastSeq.get(objectId);
    return {
      epoch,
      snapshot: snapshot ? bytes(snapshot.data) : null,
      updates: rows.map((row) => bytes(row.data)),
      seqs: rows.map((row) => Number(row.seq)),
      lastSeq: numbers?.last_seq ?? 0,
      epochSeq: numbers?.epoch_seq ?? 0,
      owners: new Map(this.statements.listClients.all(objectId).map((row) => [row.client_id, row.sub])),
    };
  }

  /** Adds a history entry: called inside the transaction that stores what it records. */
  private history(objectId: string, epoch: number, seq: number, kind: HistoryEntry['kind'], author: string, data: Uint8Array, before: StoredChain | null): void {
    this.statements.addHistory.run(objectId, epoch, seq, kind, new Date().toISOString(), author, data, before && JSON.stringify(before));
  }

  async loadHistory(objectId: string): Promise<HistoryEntry[]> {
    return this.statements.listHistory.all(objectId).map(historyEntry);
  }

  async compact(objectId: string, epoch: number, snapshot: Uint8Array, throughSeq: number): Promise<void> {
    writeTransaction(this.db, () => {
      this.statements.compactSnapshot.run(objectId, epoch, snapshot);
      this.statements.deleteUpdatesThrough.run(objectId, throughSeq);
    })();
  }

  async putExercise(exercise: ExerciseRecord): Promise<void> {
    writeTransaction(this.db, () => this.statements.putExercise.run({ ...exercise, cells: JSON.stringify(exercise.cells) }))();
  }

  async listExercises(node: string): Promise<ExerciseRecord[]> {
    return this.statements.listExercises.all(node).map((row) => ({ ...row, cells: JSON.parse(row.cells) as Record<string, string> }));
  }

  async close(): Promise<void> {
    if (!this.db.open) return;
    this.db.close();
    this.onClose?.();
  }
}
