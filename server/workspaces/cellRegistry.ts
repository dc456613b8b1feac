// The in-memory picture of each open cell: its record, its object index and its audiences.
// Loaded from the store on first use. Every change goes through here, to the store first and
// then to the picture (write-through): nothing else patches an index or a cell's record.
import type { Logger } from 'pino';
import { parseMarking, type MarkingPolicy } from '../../shared/markings';
import type { Envelope, WorkspaceSummary } from '../../shared/protocol';
import { ObjectIndex } from '../objects/objectIndex';
import { Audience } from '../rooms/audience';
import type { DocRegistry } from '../objects/docRegistry';
import type { NewDoc, RemarkOptions, Store, Tombstone, WorkspaceRecord } from '../store/types';
import { isOutcomeUnknown, isStorageFault, noSuchCell } from '../errors';
import { isMember } from '../../shared/membership';
import { policyOf } from './workspaceService';

export interface Cell {
  workspace: WorkspaceSummary;
  policy: MarkingPolicy;
  index: ObjectIndex;
  audience: Audience;
  /**
   * Set once the registry let the cell go (./idleCells.ts): work that still holds this copy sends
   * nothing to rooms through it (fails closed), since a reloaded cell is another copy, kept current.
   */
  unloaded?: true;
}

/** An object left out of its cell's index, and why. */
export interface Quarantined {
  envelope: Envelope;
  reason: string;
}

/**
 * The envelopes a cell can serve, and those it cannot: one whose stored marking does not parse,
 * and everything under it (a portion is never visible without its report, so with the report
 * unreadable its portions fail closed, as do portions whose report is missing).
 */
export function loadableEnvelopes(policy: MarkingPolicy, envelopes: readonly Envelope[]): { loadable: Envelope[]; quarantined: Quarantined[] } {
  const reasons = new Map<string, string>();
  for (const envelope of envelopes) {
    try {
      parseMarking(envelope.marking, policy);
    } catch (error) {
      reasons.set(envelope.id, `its stored marking cannot be read (${error instanceof Error ? error.message : String(error)})`);
    }
  }
  const byId = new Map(envelopes.map((envelope) => [envelope.id, envelope]));
  const blocked = (envelope: Envelope): string | undefined => {
    const seen = new Set<string>();
    for (let at: Envelope | undefined = envelope; at; at = at.parentId === null ? undefined : byId.get(at.parentId)) {
      if (seen.has(at.id)) return 'its chain of parents loops';
      seen.add(at.id);
      const reason = reasons.get(at.id);
      if (reason) return at === envelope ? reason : `the object it belongs to (${at.id}) cannot be loaded`;
      if (at.parentId !== null && !byId.has(at.parentId)) return `the object it belongs to (${at.parentId}) is missing`;
    }
    return undefined;
  };
  const loadable: Envelope[] = [];
  const quarantined: Quarantined[] = [];
  for (const envelope of envelopes) {
    const reason = blocked(envelope);
    if (reason) quarantined.push({ envelope, reason });
    else loadable.push(envelope);
  }
  return { loadable, quarantined };
}

/**
 * How a node reads again, from the store, what a write whose commit outcome is unknown may have
 * stored, and tells its rooms what changed as for another node's change (on PostgreSQL, the relay
 * receiver's steps, also on one node without Redis). Absent on SQLite, whose commits answer.
 */
export interface Rereader {
  /** Envelopes read again, in this order (a report before its portions). */
  objects(cell: Cell, objectIds: readonly string[]): Promise<void>;
  /** The cell's deletions and undos brought to the stored tombstones. */
  tombstones(cell: Cell): Promise<void>;
}

/** What a writer does once the cell was read again after its write's unknown commit outcome (it audits what landed). */
export type AfterReread = () => Promise<unknown>;

/** How long a failed read after an unknown commit outcome waits before it is tried again. */
const REREAD_RETRY_MS = 1000;

/** A cell in memory: loading (`loaded` unset) or loaded. */
interface Entry {
  cell: Promise<Cell | undefined>;
  loaded?: Cell;
  /** When the cell was last asked for (`get`), or last found in use (`touch`). */
  usedAt: number;
}

export class CellRegistry {
  private readonly cells = new Map<string, Entry>();
  /** Per cell, the pieces of work under way on it (`hold`): it stays in memory meanwhile. */
  private readonly holds = new Map<string, number>();
  private rereader: Rereader | undefined;

  constructor(
    private readonly store: Store,
    private readonly log: Pick<Logger, 'error'>,
    /**
     * Awaited before a cell is read from the store: with several nodes, the relay starts following
     * the cell's shard there, so every change committed after the read reaches this node.
     */
    private readonly beforeLoad: (workspaceId: string) => Promise<void> = async () => undefined,
    private readonly now: () => number = Date.now,
  ) {}

  get(workspaceId: string): Promise<Cell | undefined> {
    let entry = this.cells.get(workspaceId);
    if (!entry) {
      const loading: Entry = { cell: this.load(workspaceId), usedAt: this.now() };
      entry = loading;
      this.cells.set(workspaceId, loading);
      // A cell that does not exist yet may be created later: do not cache the miss.
      void loading.cell.then(
        (loaded) => (loaded ? (loading.loaded = loaded) : this.forget(workspaceId, loading)),
        () => this.forget(workspaceId, loading),
      );
    }
    entry.usedAt = this.now();
    return entry.cell;
  }

  /**
   * The cell when it is loaded, counted as asked for as `get` does; undefined while it loads or
   * when it is not in memory (then `get`). Spares a socket event's checks a microtask per message.
   */
  ready(workspaceId: string): Cell | undefined {
    const entry = this.cells.get(workspaceId);
    if (!entry?.loaded) return undefined;
    entry.usedAt = this.now();
    return entry.loaded;
  }

  private forget(workspaceId: string, entry: Entry): void {
    if (this.cells.get(workspaceId) === entry) this.cells.delete(workspaceId);
  }

  /** The cell if this node has it in memory (loaded or loading); never loads one. */
  loaded(workspaceId: string): Promise<Cell | undefined> | undefined {
    return this.cells.get(workspaceId)?.cell;
  }

  /** The cells this node has in memory. */
  loadedIds(): string[] {
    return [...this.cells.keys()];
  }

  /**
   * Keeps the cell in memory (loaded, or loaded when asked for) until the answer is called: work
   * under way on it that must not meet a reloaded copy (a socket event, a re-mark, a relayed change).
   */
  hold(workspaceId: string): () => void {
    this.holds.set(workspaceId, (this.holds.get(workspaceId) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = this.holds.get(workspaceId)! - 1;
      if (left === 0) this.holds.delete(workspaceId);
      else this.holds.set(workspaceId, left);
    };
  }

  /** Runs `work` holding the cell (see `hold`). */
  async using<T>(workspaceId: string, work: () => Promise<T>): Promise<T> {
    const release = this.hold(workspaceId);
    try {
      return await work();
    } finally {
      release();
    }
  }

  /** The cell counts as used now (a socket of this node is in it, say). */
  touch(workspaceId: string): void {
    const entry = this.cells.get(workspaceId);
    if (entry) entry.usedAt = this.now();
  }

  /** The loaded cells nobody holds and nobody asked for in the last `idleMs`. */
  idle(idleMs: number): Cell[] {
    const since = this.now() - idleMs;
    const idle: Cell[] = [];
    for (const [id, entry] of this.cells) if (entry.loaded && entry.usedAt <= since && !this.holds.has(id)) idle.push(entry.loaded);
    return idle;
  }

  /**
   * Takes the cell out of memory, unless someone holds it or asked for it since `idle` found it:
   * answers whether it did. The next `get` loads it from the store as for the first time.
   */
  unload(cell: Cell, idleMs: number): boolean {
    const id = cell.workspace.id;
    const entry = this.cells.get(id);
    if (entry?.loaded !== cell || this.holds.has(id) || entry.usedAt > this.now() - idleMs) return false;
    this.cells.delete(id);
    cell.unloaded = true;
    return true;
  }

  /** Reads the cell's record again (another node changed it). */
  async refreshRecord(cell: Cell): Promise<void> {
    const workspace = await this.store.getWorkspace(cell.workspace.id);
    if (workspace) cell.workspace = workspace;
  }

  /** The cell for a participant of `nation`; one it is not a member of answers like a missing one. */
  async forMember(workspaceId: string, nation: string): Promise<Cell> {
    const cell = await this.get(workspaceId);
    if (!cell || !isMember(cell.workspace, nation)) throw noSuchCell();
    return cell;
  }

  private async load(workspaceId: string): Promise<Cell | undefined> {
    await this.beforeLoad(workspaceId);
    const workspace = await this.store.getWorkspace(workspaceId);
    if (!workspace) return undefined;
    const policy = policyOf(workspace);
    const [envelopes, levels, tombstones] = await Promise.all([
      this.store.listObjects(workspaceId),
      this.store.listLevels(workspaceId),
      this.store.listTombstones(workspaceId),
    ]);
    // One unreadable object must not take the whole cell down: it is left out (for everyone,
    // like an absent object) and logged, and the rest of the cell is served.
    const { loadable, quarantined } = loadableEnvelopes(policy, envelopes);
    for (const { envelope, reason } of quarantined) {
      this.log.error({ workspaceId, objectId: envelope.id, reason }, 'object left out of its cell: it cannot be loaded');
    }
    const index = new ObjectIndex(policy, loadable);
    for (const tombstone of tombstones) index.markDeleted(tombstone.objectId, tombstone);
    return { workspace, policy, index, audience: new Audience(index, levels) };
  }

  /**
   * Records a level joining the cell, durably, before any fan-out relies on it. On a full disk the
   * level is known in memory only, so the participant can still join and read; the record is
   * written at the level's first join after a restart.
   */
  async addLevel(cell: Cell, levelKey: string): Promise<void> {
    if (cell.audience.knownLevels().includes(levelKey)) return;
    try {
      await this.store.addLevel(cell.workspace.id, levelKey);
    } catch (error) {
      if (!isStorageFault(error)) throw error;
      this.log.error({ err: error, workspaceId: cell.workspace.id }, 'a new access level could not be recorded (storage full or failing); it joins in memory only');
    }
    cell.audience.addLevel(levelKey);
  }

  /** Where what a write with an unknown commit outcome may have stored is read again (server/app.ts). */
  rereadWith(rereader: Rereader): void {
    this.rereader = rereader;
  }

  /**
   * Runs a write of the cell's index through the store. When its commit's outcome is unknown (the
   * connection reset or the database silent during the COMMIT), the write may have landed or not,
   * and no relay entry of it may ever reach this node (one node, no Redis): what the store holds is
   * read again before the error stands, so the index, the audiences and the clients follow it
   * either way, and then `reread` runs (the caller audits what it finds landed). A read that fails
   * too (the database still away) is tried again until it is done or the cell leaves memory (a
   * reload reads everything).
   */
  private async written<T>(cell: Cell, write: () => Promise<T>, read: (rereader: Rereader) => Promise<void>, reread?: AfterReread): Promise<T> {
    try {
      return await write();
    } catch (error) {
      const rereader = this.rereader;
      if (rereader && isOutcomeUnknown(error)) await this.readUntilDone(cell, () => read(rereader), reread);
      throw error;
    }
  }

  /** The first read is awaited (the writer's answer follows it); retries run held, as a relayed change is. */
  private async readUntilDone(cell: Cell, read: () => Promise<void>, reread: AfterReread | undefined): Promise<void> {
    if (cell.unloaded) return;
    try {
      await read();
    } catch (err) {
      this.log.error({ err, workspaceId: cell.workspace.id }, 'what a write with an unknown commit outcome stored could not be read again; trying again');
      setTimeout(() => void this.using(cell.workspace.id, () => this.readUntilDone(cell, read, reread)), REREAD_RETRY_MS).unref();
      return;
    }
    await reread?.().catch((err: unknown) => this.log.error({ err, workspaceId: cell.workspace.id }, 'what a write with an unknown commit outcome stored was read again, but what follows failed'));
  }

  /**
   * New objects, stored in one transaction (all or none), then indexed. `reread`: after an unknown
   * commit outcome, once what was stored was read again (see `written`).
   */
  async createObjects(cell: Cell, objects: readonly NewDoc[], reread?: AfterReread): Promise<void> {
    const ids = objects.map(({ envelope }) => envelope.id);
    await this.written(cell, () => this.store.createObjects(objects), (rereader) => rereader.objects(cell, ids), reread);
    for (const { envelope } of objects) cell.index.put(envelope);
  }

  /** Deletes objects (tombstones, stored in one transaction), then takes them out of the index. `reread`: as for `createObjects`. */
  async deleteObjects(cell: Cell, tombstones: readonly Tombstone[], reread?: AfterReread): Promise<void> {
    await this.written(cell, () => this.store.deleteObjects(tombstones), (rereader) => rereader.tombstones(cell), reread);
    for (const tombstone of tombstones) cell.index.markDeleted(tombstone.objectId, tombstone);
  }

  /** Takes the tombstones off (parents first), then puts the objects back in the index. `reread`: as for `createObjects`. */
  async restoreObjects(cell: Cell, objectIds: readonly string[], reread?: AfterReread): Promise<void> {
    await this.written(cell, () => this.store.restoreObjects(objectIds), (rereader) => rereader.tombstones(cell), reread);
    for (const id of objectIds) cell.index.restore(id);
  }

  /** An object's new place among its siblings, stored, then indexed. */
  async reorder(cell: Cell, envelope: Envelope): Promise<void> {
    await this.written(cell, () => this.store.reorder(envelope.id, envelope.orderKey), (rereader) => rereader.objects(cell, [envelope.id]));
    cell.index.put(envelope);
  }

  /**
   * Changed envelopes of a re-mark, with the new epochs (object id → epoch) they start: the docs'
   * copies are made and stored with the envelopes in one transaction, then the live docs and the
   * index are replaced. Answers each new epoch's first content. `options`: the re-mark's fence and
   * audit entry (Store.remark).
   */
  async remark(
    cell: Cell,
    envelopes: readonly Envelope[],
    epochs: ReadonlyMap<string, number>,
    docs: Pick<DocRegistry, 'startEpochs'>,
    options: RemarkOptions = {},
  ): Promise<ReadonlyMap<string, Uint8Array>> {
    const copies = await docs.startEpochs(epochs, (fresh) =>
      this.store.remark(
        envelopes.map((envelope) => ({ envelope, ...fresh.get(envelope.id) })),
        options,
      ),
    );
    for (const envelope of envelopes) cell.index.put(envelope);
    return copies;
  }

  /**
   * Changes the cell's record atomically in the store, then in memory; undefined when the cell is
   * gone. `reread`: as for `createObjects` (the record read again).
   */
  async updateWorkspace(cell: Cell, change: (workspace: WorkspaceRecord) => WorkspaceRecord, reread?: AfterReread): Promise<WorkspaceSummary | undefined> {
    const workspace = await this.written(cell, () => this.store.updateWorkspace(cell.workspace.id, change), () => this.refreshRecord(cell), reread);
    if (workspace) cell.workspace = workspace;
    return workspace;
  }
}
