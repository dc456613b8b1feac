// The store shared by several nodes: PostgreSQL (TEARLINE_STORE=postgres), the one durable truth.
// Same contract as SqliteStore (test/unit/store-contract.test.ts runs both). What differs:
//   - several nodes write at once, so a read-modify-write locks its row (SELECT ... FOR UPDATE),
//     and a batch of updates locks its objects' rows in id order (no deadlock between nodes);
//   - each stored update is fenced (./fence.ts) and numbered per object under that row lock;
//   - the transaction that stores updates, objects, a re-mark, a deletion, an undo or a move also
//     writes the outbox rows saying what the other nodes must be told. Once it commits, the rows
//     (with each update's bytes and marking version) go to the listener `onCommit` set (the relay,
//     server/relay/), which publishes them and marks them relayed; `readOutbox` gives the sweeper
//     what a crash left;
//   - a write to a deleted object is refused (`not_found`) under the same row lock as the fence.
import * as Y from 'yjs';
import type { Envelope } from '../../shared/protocol';
import { auditedWrite, changedSince, copyMisses, deletedWrite, FencedWriteError, HeldMarkings, staleRemark } from './fence';
import { autocommit, transaction, type Pool, type PoolClient } from './pgPool';
import { bytes, OBJECT_COLUMNS, replayRow, toEnvelope, toRow, toWorkspace, type ObjectRow, type ReplayRow } from './rows';
import { ExerciseCells, isoAt } from './exerciseCells';
import { CHAIN_BEFORE, historyEntry, type HistoryRow } from './history';
import type { AuditRecord, AuditTurns, EnvelopeChange, ExerciseHistory, ExerciseRecord, HistoryEntry, NewDoc, PendingUpdate, RemarkBasis, RemarkOptions, Store, StoredChain, StoredDoc, Tombstone, WorkspaceRecord } from './types';

/**
 * What the outbox says must be relayed: an object's new update, its creation, its re-mark, its
 * move among its siblings, or a deletion or an undo of one (the object named is the one deleted or
 * restored; what went with it, its portions, receivers read from the cell's tombstones).
 */
export type OutboxKind = 'update' | 'create' | 'remark' | 'delete' | 'restore' | 'move';

export interface OutboxEntry {
  id: number;
  workspaceId: string;
  objectId: string;
  kind: OutboxKind;
  epoch: number;
  /** The object's last sequence number when the row was written (the update's own, for `update`). */
  seq: number;
}

/** Chains audit records in a transaction of this store's, on its connection (AuditTurns: the audit log's). */
export type PostgresAuditChain = (client: PoolClient, records: readonly AuditRecord[]) => Promise<void>;

/** An outbox row as relayed: the marking version it was written under and, for an update, its bytes. */
export interface RelayedChange extends OutboxEntry {
  markingVersion: number;
  /** Absent when the update was compacted away before a sweeper re-read it: receivers reload the object. */
  update?: Uint8Array;
  /** For an update, with its bytes: the Yjs client ids it is the first to write with, and whose (from the sweeper: every one it writes with). */
  owners?: [number, string][];
  /** For an update, with its bytes: the object's last number when the update's epoch began (receivers number it for clients). */
  epochSeq?: number;
}

/** An outbox row about a cell: a level that joined it, or its record that changed. */
export type CellChange = { id: number; kind: 'level'; workspaceId: string; level: string } | { id: number; kind: 'workspace'; workspaceId: string };

/** What the other nodes must hear of a commit: its outbox rows. */
export type CommittedChange = RelayedChange | CellChange;

/** An object's fence and last number, as stored now. */
export interface ObjectPosition {
  epoch: number;
  markingVersion: number;
  lastSeq: number;
  orderKey: string;
}

interface FenceRow {
  id: string;
  workspace_id: string;
  epoch: number;
  marking_version: number;
  last_seq: number;
  epoch_seq: number;
}

interface OutboxRow {
  id: number;
  workspace_id: string;
  object_id: string | null;
  level_key: string | null;
  kind: OutboxKind | CellChange['kind'];
  epoch: number;
  seq: number;
  marking_version: number | null;
  data: Buffer | null;
  /** With `data`: who wrote it. */
  author: string | null;
  /** With `data`: where the update's epoch began. */
  epoch_seq: number | null;
}

/** What tearline_append_updates answers (migration 0011): a refusal, or what it wrote. */
interface AppendRow {
  fenced: string[] | null;
  deleted: string[] | null;
  seqs: number[] | null;
  outbox_ids: number[] | null;
  /** The objects' rows as locked (in id order): each one's cell, marking version, and where its epoch began. */
  ids: string[] | null;
  workspace_ids: string[];
  marking_versions: number[];
  epoch_seqs: number[];
}

const asBuffer = (data: Uint8Array): Buffer => Buffer.from(data.buffer, data.byteOffset, data.byteLength);

/** Text ordered byte-wise, as SQLite orders it, whatever the database's collation. */
const C = 'COLLATE "C"';

export class PostgresStore implements Store {
  private readonly held: HeldMarkings;
  private committed: (changes: CommittedChange[]) => void = () => undefined;
  /** The cells this node has learnt (another node may create one: it is read once, at its first write here). */
  private readonly exerciseCells = new ExerciseCells();
  /** Outbox rows the relay published, to remove with the next commit of updates (or by the timer). */
  private relayed: number[] = [];
  private relayedTimer: ReturnType<typeof setTimeout> | undefined;
  /** Writes audit entries in this store's transaction, on its connection, in the audit log's turn (set by auditWith). */
  private audit: AuditTurns<PostgresAuditChain> | undefined;

  /** `pool`: owned from now on, ended by `close()`. `heldMarkings`: how many objects' marking versions it remembers. */
  constructor(
    readonly pool: Pool,
    heldMarkings?: number,
    /** How long published rows wait for a commit to remove them with before a query of their own does. */
    private readonly relayedRemovalMs = RELAYED_REMOVAL_MS,
  ) {
    this.held = new HeldMarkings(heldMarkings);
  }

  /** Told of each transaction's outbox rows once it committed, in commit order (the relay publishes them). */
  onCommit(listener: (changes: CommittedChange[]) => void): void {
    this.committed = listener;
  }

  /** The marking version of the envelope this node last read or wrote of the object; undefined when none. */
  markingVersionHeld(objectId: string): number | undefined {
    return this.held.version(objectId);
  }

  /** Forgets the marking versions held for these objects (their cell left this node's memory: see HeldMarkings.forget). */
  forgetMarkings(objectIds: Iterable<string>): void {
    this.held.forget(objectIds);
  }

  async createWorkspace(workspace: WorkspaceRecord): Promise<void> {
    await this.pool.query('INSERT INTO workspaces (id, record, created_at) VALUES ($1, $2, $3)', [workspace.id, JSON.stringify(workspace), workspace.createdAt]);
    this.exerciseCells.note(workspace);
  }

  async getWorkspace(id: string): Promise<WorkspaceRecord | undefined> {
    const { rows } = await this.pool.query<{ record: unknown }>('SELECT record FROM workspaces WHERE id = $1', [id]);
    return rows[0] ? this.learnt(toWorkspace(rows[0].record)) : undefined;
  }

  async listWorkspaces(): Promise<WorkspaceRecord[]> {
    const { rows } = await this.pool.query<{ record: unknown }>(`SELECT record FROM workspaces ORDER BY created_at ${C}, id ${C}`);
    return rows.map((row) => this.learnt(toWorkspace(row.record)));
  }

  private learnt(workspace: WorkspaceRecord): WorkspaceRecord {
    this.exerciseCells.note(workspace);
    return workspace;
  }

  /** Whether the cell is an exercise cell: read from the database once per cell and node, then known. */
  private async isExercise(client: PoolClient, workspaceId: string): Promise<boolean> {
    const known = this.exerciseCells.get(workspaceId);
    if (known !== undefined) return known;
    const { rows } = await client.query<{ record: unknown }>('SELECT record FROM workspaces WHERE id = $1', [workspaceId]);
    if (rows[0]) this.learnt(toWorkspace(rows[0].record));
    return this.exerciseCells.get(workspaceId) === true;
  }

  /** Records the envelopes of those of `objects` in exercise cells as they now stand (the replay's history); nothing for the others. */
  private async recordEnvelopes(client: PoolClient, objects: readonly { workspaceId: string; id: string }[], snapshot: Uint8Array | null): Promise<void> {
    const ids: string[] = [];
    for (const { workspaceId, id } of objects) if (await this.isExercise(client, workspaceId)) ids.push(id);
    if (ids.length > 0) await recordEnvelopes(client, ids, snapshot);
  }

  async updateWorkspace(id: string, change: (workspace: WorkspaceRecord) => WorkspaceRecord): Promise<WorkspaceRecord | undefined> {
    const result = await transaction(this.pool, async (client) => {
      const { rows } = await client.query<{ record: unknown }>('SELECT record FROM workspaces WHERE id = $1 FOR UPDATE', [id]);
      if (!rows[0]) return undefined;
      const changed = this.learnt(change(toWorkspace(rows[0].record)));
      await client.query('UPDATE workspaces SET record = $2 WHERE id = $1', [id, JSON.stringify(changed)]);
      return { changed, row: await addCellChange(client, { kind: 'workspace', workspaceId: id }) };
    });
    if (result) this.committed([result.row]);
    return result?.changed;
  }

  async addLevel(workspaceId: string, levelKey: string): Promise<boolean> {
    const row = await transaction(this.pool, async (client) => {
      const result = await client.query('INSERT INTO workspace_levels (workspace_id, level_key) VALUES ($1, $2) ON CONFLICT DO NOTHING', [workspaceId, levelKey]);
      return result.rowCount === 1 ? addCellChange(client, { kind: 'level', workspaceId, level: levelKey }) : undefined;
    });
    if (row) this.committed([row]);
    return row !== undefined;
  }

  async listLevels(workspaceId: string): Promise<string[]> {
    const { rows } = await this.pool.query<{ level_key: string }>(`SELECT level_key FROM workspace_levels WHERE workspace_id = $1 ORDER BY level_key ${C}`, [workspaceId]);
    return rows.map((row) => row.level_key);
  }

  async listObjects(workspaceId: string): Promise<Envelope[]> {
    const { rows } = await this.pool.query<ObjectRow & { marking_version: number }>(
      `SELECT ${OBJECT_COLUMNS}, marking_version FROM objects WHERE workspace_id = $1 ORDER BY created_at ${C}, id ${C}`,
      [workspaceId],
    );
    return rows.map((row) => this.read(row));
  }

  async getObject(id: string): Promise<Envelope | undefined> {
    const { rows } = await this.pool.query<ObjectRow & { marking_version: number }>(`SELECT ${OBJECT_COLUMNS}, marking_version FROM objects WHERE id = $1`, [id]);
    return rows[0] ? this.read(rows[0]) : undefined;
  }

  /** An envelope read: this node now holds its marking version. */
  private read(row: ObjectRow & { marking_version: number }): Envelope {
    this.held.hold(row.id, row.marking_version);
    return toEnvelope(row);
  }

  async createObjects(objects: readonly NewDoc[]): Promise<void> {
    const changes = await transaction(this.pool, async (client) => {
      for (const { envelope, content, author, clients } of objects) {
        const row = toRow(envelope);
        await client.query(`INSERT INTO objects (${OBJECT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`, [
          row.id,
          row.workspace_id,
          row.kind,
          row.marking,
          row.portion,
          row.originator,
          row.parent_id,
          row.order_key,
          row.created_by,
          row.created_at,
          row.epoch,
          row.source_id,
        ]);
        await client.query('INSERT INTO doc_snapshots (object_id, epoch, data) VALUES ($1, $2, $3)', [envelope.id, envelope.epoch, asBuffer(content)]);
        await bindClients(client, clients.map((id) => ({ objectId: envelope.id, client: id, author })));
        await addHistory(client, [{ objectId: envelope.id, epoch: envelope.epoch, seq: 0, kind: 'base', author, data: content, before: null }]);
        await this.recordEnvelopes(client, [{ workspaceId: envelope.workspaceId, id: envelope.id }], content);
      }
      return addOutbox(
        client,
        objects.map(({ envelope }) => ({ workspaceId: envelope.workspaceId, objectId: envelope.id, kind: 'create', epoch: envelope.epoch, seq: 0, markingVersion: 1 })),
      );
    });
    for (const { envelope } of objects) this.held.hold(envelope.id, 1);
    this.committed(changes);
  }

  /** Where a re-mark's audit entry is written, in its transaction (server/openStorage.ts: the audit log's chain in this database). */
  auditWith(audit: AuditTurns<PostgresAuditChain>): void {
    this.audit = audit;
  }

  async remark(changes: readonly EnvelopeChange[], options: RemarkOptions = {}): Promise<Map<string, number>> {
    const starts = new Map<string, number>();
    const relayed = await auditedWrite(this.audit, options.audit, (chain) =>
      this.remarkTransaction(changes, options, starts, chain),
    );
    for (const { objectId, markingVersion } of relayed) this.held.hold(objectId, markingVersion);
    this.committed(relayed);
    return starts;
  }

  private remarkTransaction(
    changes: readonly EnvelopeChange[],
    options: RemarkOptions,
    starts: Map<string, number>,
    chain: PostgresAuditChain | undefined,
  ): Promise<RelayedChange[]> {
    return transaction(this.pool, async (client) => {
      starts.clear();
      const outbox: Omit<RelayedChange, 'id'>[] = [];
      const contents = await completeCopies(client, changes, options.basis ?? []);
      // Read before any envelope of the re-mark changes: who could see each one until now.
      const before: StoredChain[] = [];
      for (const [i, { envelope }] of changes.entries()) before.push(contents[i] ? (await client.query<StoredChain[number]>(CHAIN_BEFORE, [envelope.id])).rows : []);
      for (const [i, { envelope }] of changes.entries()) {
        const content = contents[i];
        // A new epoch's numbers start after the object's last (epoch_seq).
        const { rows } = await client.query<{ marking_version: number; last_seq: number }>(
          `UPDATE objects SET marking = $2, portion = $3, parent_id = $4, order_key = $5, epoch = $6, source_id = $7,
             marking_version = marking_version + 1, epoch_seq = CASE WHEN $8::boolean THEN last_seq ELSE epoch_seq END
           WHERE id = $1 RETURNING marking_version, last_seq`,
          [envelope.id, envelope.marking, envelope.portion, envelope.parentId, envelope.orderKey, envelope.epoch, envelope.sourceId ?? null, content !== undefined],
        );
        if (content) {
          await client.query('DELETE FROM doc_updates WHERE object_id = $1 AND epoch < $2', [envelope.id, envelope.epoch]);
          await client.query(
            'INSERT INTO doc_snapshots (object_id, epoch, data) VALUES ($1, $2, $3) ON CONFLICT (object_id) DO UPDATE SET epoch = excluded.epoch, data = excluded.data',
            [envelope.id, envelope.epoch, asBuffer(content)],
          );
          if (rows[0]) {
            starts.set(envelope.id, Number(rows[0].last_seq));
            await addHistory(client, [{ objectId: envelope.id, epoch: envelope.epoch, seq: Number(rows[0].last_seq), kind: 'base', author: '', data: content, before: before[i]! }]);
          }
        }
        await this.recordEnvelopes(client, [{ workspaceId: envelope.workspaceId, id: envelope.id }], content ?? null);
        if (!rows[0]) continue;
        outbox.push({
          workspaceId: envelope.workspaceId,
          objectId: envelope.id,
          kind: 'remark',
          epoch: envelope.epoch,
          seq: rows[0].last_seq,
          markingVersion: rows[0].marking_version,
        });
      }
      const written = await addOutbox(client, outbox);
      // Last: the chain's lock is taken after every row lock.
      if (options.audit) await chain?.(client, [options.audit]);
      return written;
    });
  }

  async deleteObjects(tombstones: readonly Tombstone[]): Promise<void> {
    if (tombstones.length === 0) return;
    const changes = await transaction(this.pool, async (client) => {
      // The rows a write locks too: a write committing first was before the deletion, one waiting sees the tombstone.
      const rows = await lockObjects(client, tombstones.map((tombstone) => tombstone.objectId));
      for (const { objectId, workspaceId, deletedAt, deletedBy } of tombstones) {
        await client.query(
          `INSERT INTO object_tombstones (object_id, workspace_id, deleted_at, deleted_by) VALUES ($1, $2, $3, $4)
             ON CONFLICT (object_id) DO UPDATE SET deleted_at = excluded.deleted_at, deleted_by = excluded.deleted_by`,
          [objectId, workspaceId, deletedAt, deletedBy],
        );
      }
      await this.recordEnvelopes(client, tombstones.map((tombstone) => ({ workspaceId: tombstone.workspaceId, id: tombstone.objectId })), null);
      return addOutbox(client, objectChanges(rows, tombstones[0]!.objectId, 'delete'));
    });
    this.committed(changes);
  }

  async restoreObjects(objectIds: readonly string[]): Promise<void> {
    if (objectIds.length === 0) return;
    const changes = await transaction(this.pool, async (client) => {
      const rows = await lockObjects(client, objectIds);
      await client.query('DELETE FROM object_tombstones WHERE object_id = ANY($1)', [[...objectIds]]);
      await this.recordEnvelopes(client, rows.map((row) => ({ workspaceId: row.workspace_id, id: row.id })), null);
      return addOutbox(client, objectChanges(rows, objectIds[0]!, 'restore'));
    });
    this.committed(changes);
  }

  async listTombstones(workspaceId: string): Promise<Tombstone[]> {
    const { rows } = await this.pool.query<Tombstone>(
      `SELECT object_id AS "objectId", workspace_id AS "workspaceId", deleted_at AS "deletedAt", deleted_by AS "deletedBy"
         FROM object_tombstones WHERE workspace_id = $1 ORDER BY deleted_at ${C}, object_id ${C}`,
      [workspaceId],
    );
    return rows;
  }

  async reorder(objectId: string, orderKey: string): Promise<void> {
    const changes = await transaction(this.pool, async (client) => {
      const { rows } = await client.query<FenceRow>('UPDATE objects SET order_key = $2 WHERE id = $1 RETURNING id, workspace_id, epoch, marking_version, last_seq, epoch_seq', [
        objectId,
        orderKey,
      ]);
      await this.recordEnvelopes(client, rows.map((row) => ({ workspaceId: row.workspace_id, id: row.id })), null);
      return addOutbox(client, objectChanges(rows, objectId, 'move'));
    });
    this.committed(changes);
  }

  async appendUpdates(batch: PendingUpdate[]): Promise<number[]> {
    if (batch.length === 0) return [];
    const removing = this.takeRelayed();
    const ids = [...new Set(batch.map((item) => item.objectId))];
    const bindings = batch.flatMap((item) => item.newClients.map((client) => [item.objectId, client, item.author] as const));
    // One statement in autocommit, one round trip: the function (migration 0011) locks the rows,
    // applies the fence to the marking versions this node holds, reads the tombstones after the
    // lock and writes every row, or answers what refused the commit and writes nothing.
    const { rows } = await autocommit<AppendRow>(this.pool, {
      // Named: each connection parses and plans it once.
      name: 'append-updates',
      text: `SELECT * FROM tearline_append_updates($1::text[], $2::int[], $3::text[], $4::int[], $5::bytea[], $6::text[], $7::text[], $8::bigint[], $9::text[], $10::text, $11::bigint[])`,
      values: [
        ids,
        ids.map((id) => this.held.version(id) ?? null),
        batch.map((item) => item.objectId),
        batch.map((item) => item.epoch),
        batch.map((item) => asBuffer(item.update)),
        batch.map((item) => item.author),
        bindings.map(([objectId]) => objectId),
        bindings.map(([, client]) => client),
        bindings.map(([, , author]) => author),
        new Date().toISOString(),
        removing,
      ],
    }).catch((error: unknown) => {
      // Not removed (or not known to be): the rows published are still to remove.
      if (removing.length > 0) this.noteRelayed(removing);
      throw error;
    });
    const result = rows[0]!;
    if (result.fenced || result.deleted) {
      if (removing.length > 0) this.noteRelayed(removing);
      // A deleted object answers `not_found` before any fence: what it is now, whatever was read of it.
      throw result.deleted ? deletedWrite(result.deleted) : new FencedWriteError(result.fenced!, undefined, this.held.unheld(result.fenced!));
    }
    const objects = new Map(result.ids!.map((id, i) => [id, { workspaceId: result.workspace_ids[i]!, markingVersion: result.marking_versions[i]!, epochSeq: Number(result.epoch_seqs[i]) }]));
    const seqs = result.seqs!.map(Number);
    const changes = batch.map((item, i): RelayedChange => {
      const { workspaceId, markingVersion, epochSeq } = objects.get(item.objectId)!;
      return {
        id: Number(result.outbox_ids![i]),
        workspaceId,
        objectId: item.objectId,
        kind: 'update',
        epoch: item.epoch,
        seq: seqs[i]!,
        markingVersion,
        update: item.update,
        owners: item.newClients.map((id): [number, string] => [id, item.author]),
        epochSeq,
      };
    });
    this.committed(changes);
    return seqs;
  }

  async loadDoc(objectId: string): Promise<StoredDoc> {
    return (await this.loadDocs([objectId])).get(objectId)!;
  }

  async loadDocs(objectIds: readonly string[]): Promise<Map<string, StoredDoc>> {
    // One snapshot of the database: a compaction committing meanwhile cannot drop updates from under
    // the read.
    return transaction(this.pool, (client) => readDocs(client, objectIds), 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  }

  async loadHistory(objectId: string): Promise<HistoryEntry[]> {
    const { rows } = await this.pool.query<HistoryRow>('SELECT epoch, seq, kind, at, author, data, before FROM doc_history WHERE object_id = $1 ORDER BY epoch, seq', [objectId]);
    return rows.map(historyEntry);
  }

  async compact(objectId: string, epoch: number, snapshot: Uint8Array, throughSeq: number): Promise<void> {
    await transaction(this.pool, async (client) => {
      await client.query(
        `INSERT INTO doc_snapshots (object_id, epoch, data) VALUES ($1, $2, $3)
         ON CONFLICT (object_id) DO UPDATE SET data = excluded.data WHERE doc_snapshots.epoch = excluded.epoch`,
        [objectId, epoch, asBuffer(snapshot)],
      );
      await client.query('DELETE FROM doc_updates WHERE object_id = $1 AND seq <= $2', [objectId, throughSeq]);
    });
  }

  /** The oldest rows still to relay, oldest first, as the relay publishes them (for its sweeper). */
  async readOutbox(limit: number): Promise<CommittedChange[]> {
    return outboxChanges(this.pool, 'true', [limit]);
  }

  /** Rows relayed: removed, so neither the relay nor a sweeper sends them again. */
  async markRelayed(ids: readonly number[]): Promise<void> {
    await this.pool.query('DELETE FROM outbox WHERE id = ANY($1::bigint[])', [ids]);
  }

  /**
   * Rows the relay published: removed by this node's next commit of updates, in its statement, or
   * by a query of their own after `relayedRemovalMs` when none comes first. A query per publication
   * was a round trip and a PostgreSQL commit per commit. Rows not removed yet (a crash, a failed
   * removal) are only published again by the sweeper, which receivers skip (they hold the numbers).
   */
  noteRelayed(ids: readonly number[]): void {
    this.relayed.push(...ids);
    if (this.relayedTimer) return;
    this.relayedTimer = setTimeout(() => void this.removeRelayed(), this.relayedRemovalMs);
    this.relayedTimer.unref();
  }

  /** The rows noted relayed, taken to be removed now. */
  private takeRelayed(): number[] {
    clearTimeout(this.relayedTimer);
    this.relayedTimer = undefined;
    const ids = this.relayed;
    this.relayed = [];
    return ids;
  }

  private async removeRelayed(): Promise<void> {
    const ids = this.takeRelayed();
    // A failure leaves them to the sweeper.
    if (ids.length > 0 && !this.pool.ended) await this.markRelayed(ids).catch(() => undefined);
  }

  /** Each object's fence and last number in a cell, as stored now (a node reconciling after a lost relay). */
  async positions(workspaceId: string): Promise<Map<string, ObjectPosition>> {
    const { rows } = await this.pool.query<{ id: string; epoch: number; marking_version: number; last_seq: string; order_key: string }>(
      'SELECT id, epoch, marking_version, last_seq, order_key FROM objects WHERE workspace_id = $1',
      [workspaceId],
    );
    return new Map(
      rows.map((row) => [row.id, { epoch: row.epoch, markingVersion: row.marking_version, lastSeq: Number(row.last_seq), orderKey: row.order_key }]),
    );
  }

  /**
   * One sweep of what a crash (or a relay outage) left unsent: on one node at a time (a transaction
   * advisory lock; a node that does not get it answers 0 at once), rows older than `olderThanMs`
   * are given to `publish` and removed only once it resolved. Answers how many were published.
   */
  async sweepOutbox(olderThanMs: number, limit: number, publish: (changes: CommittedChange[]) => Promise<void>): Promise<number> {
    return transaction(this.pool, async (client) => {
      const { rows: lock } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_xact_lock($1) AS locked', [OUTBOX_SWEEP_LOCK]);
      if (!lock[0]?.locked) return 0;
      const changes = await outboxChanges(client, `o.created_at < now() - make_interval(secs => $2 / 1000.0)`, [limit, olderThanMs]);
      if (changes.length === 0) return 0;
      await publish(changes);
      await client.query('DELETE FROM outbox WHERE id = ANY($1::bigint[])', [changes.map((change) => change.id)]);
      return changes.length;
    });
  }

  async exerciseHistory(workspaceId: string, untilMs: number): Promise<ExerciseHistory> {
    return transaction(this.pool, async (client) => {
      if (!(await this.isExercise(client, workspaceId))) return { envelopes: [], updates: [] };
      const envelopes = await client.query<ReplayRow>(
        `SELECT h.object_id AS id, h.workspace_id, h.marking, h.portion, h.parent_id, h.order_key, h.epoch, h.source_id, h.at_ms,
           h.deleted, h.snapshot, o.kind, o.originator, o.created_by, o.created_at
           FROM exercise_history h JOIN objects o ON o.id = h.object_id WHERE h.workspace_id = $1 AND h.at_ms <= $2 ORDER BY h.id`,
        [workspaceId, untilMs],
      );
      // Each update is in the object history already, with its time: replay reads it there.
      const updates = await client.query<{ object_id: string; epoch: number; at: string; data: Buffer }>(
        `SELECT h.object_id, h.epoch, h.at, h.data FROM doc_history h JOIN objects o ON o.id = h.object_id
          WHERE o.workspace_id = $1 AND h.kind = 'update' AND h.at ${C} <= $2 ORDER BY h.object_id ${C}, h.epoch, h.seq`,
        [workspaceId, isoAt(untilMs)],
      );
      return {
        envelopes: envelopes.rows.map(replayRow),
        updates: updates.rows.map((row) => ({ objectId: row.object_id, epoch: row.epoch, atMs: Date.parse(row.at), update: bytes(row.data) })),
      };
    });
  }

  async putExercise(exercise: ExerciseRecord): Promise<void> {
    await this.pool.query(
      `INSERT INTO exercises (id, node, scenario, cells, state) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (id) DO UPDATE SET node = excluded.node, scenario = excluded.scenario, cells = excluded.cells, state = excluded.state`,
      [exercise.id, exercise.node, exercise.scenario, JSON.stringify(exercise.cells), exercise.state],
    );
  }

  async listExercises(node: string): Promise<ExerciseRecord[]> {
    const { rows } = await this.pool.query<Omit<ExerciseRecord, 'cells'> & { cells: Record<string, string> }>(
      'SELECT id, node, scenario, cells, state FROM exercises WHERE node = $1 ORDER BY created',
      [node],
    );
    return rows;
  }

  async close(): Promise<void> {
    await this.removeRelayed();
    if (!this.pool.ended) await this.pool.end();
  }
}

/**
 * Several docs as `loadDoc` answers them, on `client` (one query per table for all the docs: a
 * round trip each, whatever their number). As of one moment only in a transaction that sees one.
 */
async function readDocs(client: PoolClient, objectIds: readonly string[]): Promise<Map<string, StoredDoc>> {
  const ids = [...new Set(objectIds)];
  const snapshots = await client.query<{ object_id: string; epoch: number; data: Buffer }>('SELECT object_id, epoch, data FROM doc_snapshots WHERE object_id = ANY($1)', [ids]);
  // Only the updates of each doc's current epoch (the snapshot's, 0 without one).
  const updates = await client.query<{ object_id: string; seq: number; data: Buffer }>(
    `SELECT u.object_id, u.seq, u.data FROM doc_updates u LEFT JOIN doc_snapshots s ON s.object_id = u.object_id
     WHERE u.object_id = ANY($1) AND u.epoch = coalesce(s.epoch, 0) ORDER BY u.object_id, u.seq`,
    [ids],
  );
  const owners = await client.query<{ object_id: string; client_id: number; sub: string }>('SELECT object_id, client_id, sub FROM doc_clients WHERE object_id = ANY($1)', [ids]);
  const lasts = await client.query<{ id: string; last_seq: number; epoch_seq: number }>('SELECT id, last_seq, epoch_seq FROM objects WHERE id = ANY($1)', [ids]);
  const docs = new Map<string, StoredDoc>(ids.map((id) => [id, { epoch: 0, snapshot: null, updates: [], seqs: [], lastSeq: 0, epochSeq: 0, owners: new Map() }]));
  for (const row of snapshots.rows) Object.assign(docs.get(row.object_id)!, { epoch: row.epoch, snapshot: bytes(row.data) });
  for (const row of updates.rows) {
    const doc = docs.get(row.object_id)!;
    doc.updates.push(bytes(row.data));
    doc.seqs.push(Number(row.seq));
  }
  for (const row of owners.rows) docs.get(row.object_id)!.owners.set(row.client_id, row.sub);
  for (const row of lasts.rows) Object.assign(docs.get(row.id)!, { lastSeq: Number(row.last_seq), epochSeq: Number(row.epoch_seq) });
  return docs;
}

/**
 * A re-mark's new epoch contents, in step with `changes`. Each object's row is locked first (in id
 * order, as a write locks them: no deadlock between nodes), so no further update is stored under
 * its old epoch until the re-mark commits; a copy that misses updates stored before the lock
 * (another node's, not applied yet where it was made) is made again from the stored doc. The rows
 * of `basis` are locked with them (one statement, so in the same order) and must still be as the
 * re-mark was decided from.
 */
async function completeCopies(client: PoolClient, changes: readonly EnvelopeChange[], basis: readonly RemarkBasis[]): Promise<(Uint8Array | undefined)[]> {
  const rows = new Map((await lockObjects(client, [...changes.map(({ envelope }) => envelope.id), ...basis.map(({ id }) => id)])).map((row) => [row.id, row]));
  await checkBasis(client, basis);
  const behind = changes.filter((change) => copyMisses(change, Number(rows.get(change.envelope.id)?.last_seq ?? 0))).map(({ envelope }) => envelope.id);
  if (behind.length === 0) return changes.map(({ content }) => content);
  // Their snapshot rows too: a compaction on another node cannot fold updates into one while it is read.
  await client.query('SELECT 1 FROM doc_snapshots WHERE object_id = ANY($1) FOR UPDATE', [behind]);
  const stored = await readDocs(client, behind);
  return changes.map((change) => (stored.has(change.envelope.id) ? change.copied!.again(stored.get(change.envelope.id)!) : change.content));
}

/** Refuses a re-mark whose basis changed (staleRemark): its rows are locked, so they stay as read until it commits. */
async function checkBasis(client: PoolClient, basis: readonly RemarkBasis[]): Promise<void> {
  if (basis.length === 0) return;
  const { rows } = await client.query<{ id: string; marking: string; epoch: number }>('SELECT id, marking, epoch FROM objects WHERE id = ANY($1::text[])', [basis.map(({ id }) => id)]);
  const stored = new Map(rows.map((row) => [row.id, row]));
  const changed = changedSince(basis, (id) => stored.get(id));
  if (changed.length > 0) throw staleRemark(changed);
}

/** Records the envelopes of `ids` as they now stand (the replay's history): the caller keeps to exercise cells' objects. */
async function recordEnvelopes(client: PoolClient, ids: readonly string[], snapshot: Uint8Array | null): Promise<void> {
  await client.query(
    `INSERT INTO exercise_history (workspace_id, object_id, at_ms, marking, portion, parent_id, order_key, epoch, source_id, deleted, snapshot)
     SELECT o.workspace_id, o.id, $2, o.marking, o.portion, o.parent_id, o.order_key, o.epoch, o.source_id,
       EXISTS (SELECT 1 FROM object_tombstones t WHERE t.object_id = o.id), $3
       FROM unnest($1::text[]) AS v(id) JOIN objects o ON o.id = v.id`,
    [[...ids], Date.now(), snapshot && asBuffer(snapshot)],
  );
}

/** Any number, the same on every node: the key of the outbox sweeper's advisory lock. */
const OUTBOX_SWEEP_LOCK = 0x7465_6172;

/**
 * The oldest outbox rows matching `where` ($1 is the limit), as the relay publishes them. An update
 * still stored carries what receivers need to apply it without reading the object: its bytes, the
 * epoch's start (an update's row is kept only while its epoch is the object's: a new epoch deletes
 * the earlier ones) and its owners (`ownersOf`).
 */
async function outboxChanges(db: Pool | PoolClient, where: string, params: unknown[]): Promise<CommittedChange[]> {
  const { rows } = await db.query<OutboxRow>(
    `SELECT o.id, o.workspace_id, o.object_id, o.level_key, o.kind, o.epoch, o.seq, COALESCE(u.marking_version, b.marking_version) AS marking_version,
       u.data, u.author, CASE WHEN u.data IS NOT NULL AND b.epoch = o.epoch THEN b.epoch_seq END AS epoch_seq
       FROM outbox o
       LEFT JOIN doc_updates u ON o.kind = 'update' AND u.object_id = o.object_id AND u.seq = o.seq
       LEFT JOIN objects b ON b.id = o.object_id
      WHERE ${where}
      ORDER BY o.id LIMIT $1 FOR UPDATE OF o SKIP LOCKED`,
    params,
  );
  return rows.map((row): CommittedChange => {
    if (row.kind === 'level') return { id: Number(row.id), kind: 'level', workspaceId: row.workspace_id, level: row.level_key! };
    if (row.kind === 'workspace') return { id: Number(row.id), kind: 'workspace', workspaceId: row.workspace_id };
    return objectChange(row, row.kind);
  });
}

function objectChange(row: OutboxRow, kind: OutboxKind): RelayedChange {
  const owners = row.data && row.author !== null ? ownersOf(bytes(row.data), row.author) : undefined;
  return {
    id: Number(row.id),
    workspaceId: row.workspace_id,
    objectId: row.object_id!,
    kind,
    epoch: row.epoch,
    seq: Number(row.seq),
    // An object gone since: 0, which no node holds, so receivers reload it (and find it gone).
    markingVersion: row.marking_version ?? 0,
    ...(row.data ? { update: bytes(row.data) } : {}),
    ...(owners ? { owners } : {}),
    ...(row.epoch_seq !== null ? { epochSeq: Number(row.epoch_seq) } : {}),
  };
}

/**
 * The Yjs client ids a stored update writes with, each its author's (the update was refused had
 * one belonged to someone else): those it was the first to write with are among them, and the
 * others are bound to the author already. Undefined when the bytes cannot be read (receivers then
 * read the object), so one bad row cannot stall the sweeper.
 */
function ownersOf(update: Uint8Array, author: string): [number, string][] | undefined {
  try {
    return [...Y.parseUpdateMeta(update).from.keys()].map((client) => [client, author]);
  } catch {
    return undefined;
  }
}

/**
 * Locks object rows, in id order: two nodes' transactions over the same objects wait, never
 * deadlock. Answers the fence of those that exist.
 */
async function lockObjects(client: PoolClient, ids: readonly string[]): Promise<FenceRow[]> {
  const { rows } = await client.query<FenceRow>({
    // Named: every commit runs it, each connection parses it once.
    name: 'lock-objects',
    text: `SELECT id, workspace_id, epoch, marking_version, last_seq, epoch_seq FROM objects WHERE id = ANY($1::text[]) ORDER BY id ${C} FOR UPDATE`,
    values: [[...ids]],
  });
  return rows;
}

/** The outbox row of a deletion, an undo or a move of `objectId`, from its locked row (none when it does not exist). */
function objectChanges(rows: readonly FenceRow[], objectId: string, kind: 'delete' | 'restore' | 'move'): Omit<RelayedChange, 'id'>[] {
  return rows
    .filter((row) => row.id === objectId)
    .map((row) => ({ workspaceId: row.workspace_id, objectId, kind, epoch: row.epoch, seq: Number(row.last_seq), markingVersion: row.marking_version }));
}

/** Writes the row of a cell change, answering it with its id. */
async function addCellChange(client: PoolClient, change: CellChange extends infer C ? (C extends CellChange ? Omit<C, 'id'> : never) : never): Promise<CellChange> {
  const { rows } = await client.query<{ id: string }>('INSERT INTO outbox (workspace_id, kind, level_key, epoch, seq) VALUES ($1, $2, $3, 0, 0) RETURNING id', [
    change.workspaceId,
    change.kind,
    change.kind === 'level' ? change.level : null,
  ]);
  return { ...change, id: Number(rows[0]!.id) };
}

/** Published outbox rows wait at most this long for a commit to remove them with (the sweeper takes rows older than 3 s). */
export const RELAYED_REMOVAL_MS = 1000;

/** Parameters of one statement being built: each value added answers its typed placeholder. */
class Params {
  readonly values: unknown[] = [];

  add(value: unknown, type: string): string {
    this.values.push(value);
    return `$${this.values.length}::${type}`;
  }

  /** `unnest(…)` of the columns given, each one array parameter of its element type. */
  unnest(columns: readonly (readonly [unknown[], string])[]): string {
    return `unnest(${columns.map(([values, type]) => this.add(values, `${type}[]`)).join(', ')})`;
  }
}

type Binding = { objectId: string; client: number; author: string };

/** The statement binding Yjs client ids to their first writer; an id already bound keeps its owner. */
function bindClientsSql(params: Params, bindings: readonly Binding[]): string {
  const columns = params.unnest([
    [bindings.map((b) => b.objectId), 'text'],
    [bindings.map((b) => b.client), 'bigint'],
    [bindings.map((b) => b.author), 'text'],
  ]);
  return `INSERT INTO doc_clients (object_id, client_id, sub) SELECT * FROM ${columns} ON CONFLICT DO NOTHING`;
}

/** Binds Yjs client ids to their first writer; an id already bound keeps its owner. */
async function bindClients(client: PoolClient, bindings: readonly Binding[]): Promise<void> {
  if (bindings.length === 0) return;
  const params = new Params();
  await client.query(bindClientsSql(params, bindings), params.values);
}

type NewHistoryEntry = Omit<HistoryEntry, 'at'> & { objectId: string };

/** The statement adding history entries (server/history/), in the transaction that stores what they record. */
function historySql(params: Params, entries: readonly NewHistoryEntry[]): string {
  const at = params.add(new Date().toISOString(), 'text');
  const columns = params.unnest([
    [entries.map((e) => e.objectId), 'text'],
    [entries.map((e) => e.epoch), 'int'],
    [entries.map((e) => e.seq), 'bigint'],
    [entries.map((e) => e.kind), 'text'],
    [entries.map((e) => e.author), 'text'],
    [entries.map((e) => asBuffer(e.data)), 'bytea'],
    [entries.map((e) => (e.before ? JSON.stringify(e.before) : null)), 'text'],
  ]);
  return `INSERT INTO doc_history (object_id, epoch, seq, kind, at, author, data, before)
     SELECT v.object_id, v.epoch, v.seq, v.kind, ${at}, v.author, v.data, v.before FROM ${columns} AS v(object_id, epoch, seq, kind, author, data, before)`;
}

/** Adds history entries (server/history/), in the transaction that stores what they record. */
async function addHistory(client: PoolClient, entries: readonly NewHistoryEntry[]): Promise<void> {
  const params = new Params();
  await client.query(historySql(params, entries), params.values);
}

/** The statement writing outbox rows, answering their ids (drawn in the order given). */
function outboxSql(params: Params, entries: readonly Omit<RelayedChange, 'id'>[]): string {
  const columns = params.unnest([
    [entries.map((e) => e.workspaceId), 'text'],
    [entries.map((e) => e.objectId), 'text'],
    [entries.map((e) => e.kind), 'text'],
    [entries.map((e) => e.epoch), 'int'],
    [entries.map((e) => e.seq), 'bigint'],
  ]);
  return `INSERT INTO outbox (workspace_id, object_id, kind, epoch, seq) SELECT * FROM ${columns} RETURNING id`;
}

/** Writes the rows, answering them with their ids (in the order given). */
async function addOutbox(client: PoolClient, entries: readonly Omit<RelayedChange, 'id'>[]): Promise<RelayedChange[]> {
  if (entries.length === 0) return [];
  const params = new Params();
  const { rows } = await client.query<{ id: string }>(outboxSql(params, entries), params.values);
  return entries.map((entry, i) => ({ ...entry, id: Number(rows[i]!.id) }));
}
