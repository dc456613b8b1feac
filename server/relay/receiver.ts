// What a node does with the other nodes' changes read from the relay: it applies them to its own
// picture (cell index, audiences, live docs) and delivers updates to its own level rooms through
// the same fan-out as local ones. Filtering stays here, on the delivering node, and fails closed:
// an update made under an epoch or marking version this node does not hold is delivered only
// after the envelope was read again from PostgreSQL (and then only to the levels it allows).
// A gap in an object's numbers (an entry lost or trimmed) reloads the object from PostgreSQL.
// Deletions and their undo are applied from the cell's tombstones as PostgreSQL holds them, so a
// node that missed one (or got them out of step) still ends where the store is.
import type { Envelope } from '../../shared/protocol';
import type { DocRegistry } from '../objects/docRegistry';
import { SeqTracker } from '../objects/seqTracker';
import type { Fanout } from '../rooms/fanout';
import type { ObjectIndex } from '../objects/objectIndex';
import type { ObjectPosition } from '../store/postgresStore';
import type { Tombstone } from '../store/types';
import type { Cell, CellRegistry } from '../workspaces/cellRegistry';
import type { RelayEntry } from './entries';

export interface ReceiverPorts {
  /** This node's id: its own entries are counted, not applied again. */
  node: string;
  cells: Pick<CellRegistry, 'loaded' | 'loadedIds' | 'refreshRecord' | 'using'>;
  docs: Pick<DocRegistry, 'applyRemote' | 'catchUp' | 'encodeState' | 'drop'>;
  fanout: Pick<Fanout, 'relayed' | 'envelope' | 'removed' | 'reset'>;
  store: {
    getObject(id: string): Promise<Envelope | undefined>;
    markingVersionHeld(id: string): number | undefined;
    positions(workspaceId: string): Promise<Map<string, ObjectPosition>>;
    listTombstones(workspaceId: string): Promise<Tombstone[]>;
  };
  /** Presence pointing into these objects is sent again, filtered for their new audiences. */
  audienceChanged(cell: Cell, objectIds: ReadonlySet<string>): Promise<void>;
  log: { warn(details: object, message: string): void; error(details: object, message: string): void };
  /** How long a missing number is waited for before the object is reloaded. */
  gapWaitMs: number;
}

/** A Yjs update that changes nothing (no structs, empty delete set). */
const EMPTY_UPDATE_BYTES = 2;

export class RelayReceiver {
  private readonly seen = new Map<string, SeqTracker>();
  private readonly gapTimers = new Map<string, ReturnType<typeof setTimeout>>();
  /** Per object, the lowest number counted as seen but not delivered (an entry without its bytes, a failed delivery): the next repair delivers from it. */
  private readonly undelivered = new Map<string, number>();

  constructor(private readonly ports: ReceiverPorts) {}

  /**
   * Whether this node holds the cell (loaded or loading), so wants its entries. One it does not
   * hold has no index, audience or live doc here to keep current: its entries are skipped unread,
   * and it is read whole from PostgreSQL when it is loaded (after its shard is followed).
   */
  wants(workspaceId: string): boolean {
    return this.ports.cells.loaded(workspaceId) !== undefined;
  }

  /**
   * An update this node stored (told at its commit, before it is published): its number counts as
   * seen here, as its entry would when read back, and that entry is skipped unread (its `n` field).
   * This node delivers its own updates itself; reading, parsing and checking every one of them
   * back from the relay only to count its number was half of what a node decoded at two nodes.
   */
  storedHere(change: Pick<Extract<RelayEntry, { kind: 'update' }>, 'workspaceId' | 'objectId' | 'epoch' | 'seq' | 'markingVersion'>): Promise<void> {
    return this.handle({ kind: 'update', node: this.ports.node, ...change });
  }

  /** Handles one entry; entries of a stream are handed over one at a time, in order. The cell stays in memory meanwhile. */
  handle(entry: RelayEntry): Promise<void> {
    return this.ports.cells.using(entry.workspaceId, () => this.handleHeld(entry));
  }

  private async handleHeld(entry: RelayEntry): Promise<void> {
    const cell = await this.ports.cells.loaded(entry.workspaceId);
    if (!cell) {
      // Nobody on this node has the cell open: only a cached stored state may be stale.
      if (entry.kind === 'update') this.ports.docs.drop(entry.objectId);
      return;
    }
    switch (entry.kind) {
      case 'level':
        cell.audience.addLevel(entry.level);
        return;
      case 'workspace':
        await this.ports.cells.refreshRecord(cell);
        return;
      case 'create':
      case 'remark':
      case 'move':
        if (entry.node !== this.ports.node) await this.refreshObject(cell, entry.objectId);
        return;
      case 'delete':
      case 'restore':
        if (entry.node !== this.ports.node) await this.syncTombstones(cell);
        return;
      case 'update':
        await this.update(cell, entry);
    }
  }

  private async update(cell: Cell, entry: Extract<RelayEntry, { kind: 'update' }>): Promise<void> {
    const seen = this.tracker(entry);
    if (!seen.see(entry.seq)) return;
    if (entry.node !== this.ports.node) {
      try {
        if (!(await this.holds(cell, entry))) return;
        if (entry.update === undefined || entry.owners === undefined || entry.epochSeq === undefined) {
          this.owe(entry.objectId, entry.seq);
          await this.repair(cell, entry.objectId);
          return;
        }
        const update = new Uint8Array(Buffer.from(entry.update, 'base64'));
        await this.ports.docs.applyRemote(entry.objectId, entry.epoch, entry.seq, update, entry.owners ?? []);
        const seq = entry.seq - entry.epochSeq;
        this.ports.fanout.relayed(cell, entry.objectId, entry.epoch, update, { from: seq, to: seq });
      } catch (err) {
        // Counted as seen but not delivered (PostgreSQL unreachable for the envelope or the doc):
        // no later gap would reveal it, so the object is reloaded once the wait is over.
        this.owe(entry.objectId, entry.seq);
        this.awaitGap(cell, entry.objectId, true);
        throw err;
      }
    }
    if (seen.hasGap) this.awaitGap(cell, entry.objectId);
  }

  /**
   * The object's numbers seen by this receiver, counted from none. Entries reach the streams in
   * the order nodes publish them, not in the order of their numbers (a node that waits for Redis
   * to answer publishes later from its outbox), so the first one read says nothing of those below
   * it. Nor does the live doc: a socket served from stored data before the doc loaded lacks what
   * the load read in between, and the entries carrying it may still be on their way. So every
   * number is delivered the first time this receiver reads it (the live doc skips what it holds),
   * and the gap below the first one read is repaired from PostgreSQL.
   */
  private tracker(entry: Extract<RelayEntry, { kind: 'update' }>): SeqTracker {
    const known = this.seen.get(entry.objectId);
    if (known) return known;
    const seen = new SeqTracker(0);
    this.seen.set(entry.objectId, seen);
    return seen;
  }

  /**
   * Whether this node holds the envelope the update was made under: if not, it reads it again
   * first. An update of an earlier epoch is not delivered (the new epoch's reset carries it).
   */
  private async holds(cell: Cell, entry: Extract<RelayEntry, { kind: 'update' }>): Promise<boolean> {
    const current = () => {
      const indexed = cell.index.get(entry.objectId);
      const held = this.ports.store.markingVersionHeld(entry.objectId);
      return indexed !== undefined && held !== undefined && indexed.envelope.epoch >= entry.epoch && held >= entry.markingVersion;
    };
    if (!current()) await this.refreshObject(cell, entry.objectId);
    return current() && cell.index.get(entry.objectId)!.envelope.epoch === entry.epoch;
  }

  /**
   * Reads an object's envelope again and tells this node's levels what changed for them: those
   * that lost it (or a descendant, through it) get `object:removed`, those that gained it
   * `object:added`, those that kept it `object:changed`, and `doc:reset` when it has a new epoch.
   */
  async refreshObject(cell: Cell, id: string): Promise<void> {
    // A deleted object comes back only with its undo (syncTombstones), never through a read of its envelope.
    if (cell.index.deletedEntry(id)) return;
    const envelope = await this.ports.store.getObject(id);
    if (!envelope || envelope.workspaceId !== cell.workspace.id) return;
    const before = cell.index.get(id);
    const subtree = before ? cell.index.subtree(id) : [id];
    const had = new Map(subtree.map((objectId) => [objectId, before ? cell.audience.levelsForObject(objectId) : new Set<string>()]));
    try {
      cell.index.put(envelope);
    } catch (error) {
      this.ports.log.error({ err: error, objectId: id }, 'a relayed envelope cannot be read; the object stays as this node last read it');
      return;
    }
    let kept: string[] = [];
    for (const objectId of subtree) {
      const has = cell.audience.levelsForObject(objectId);
      const lost = [...had.get(objectId)!].filter((level) => !has.has(level));
      const gained = [...has].filter((level) => !had.get(objectId)!.has(level));
      const stayed = [...has].filter((level) => had.get(objectId)!.has(level));
      this.ports.fanout.removed(cell, objectId, lost);
      this.ports.fanout.envelope(cell, 'object:added', cell.index.get(objectId)!.envelope, gained);
      if (objectId === id) {
        kept = stayed;
        if (before) this.ports.fanout.envelope(cell, 'object:changed', envelope, stayed);
      }
    }
    if (before && before.envelope.epoch !== envelope.epoch) {
      const caught = await this.ports.docs.catchUp(id, this.deliveredThrough(id));
      const state = caught?.reset ? caught : await this.ports.docs.encodeState(id);
      if (state.epoch === envelope.epoch) this.ports.fanout.reset(cell, id, envelope.epoch, state.update, kept, state.seq);
    }
    await this.ports.audienceChanged(cell, new Set(subtree));
  }

  /**
   * Brings this node's deletions to what PostgreSQL holds for the cell. Objects deleted there leave
   * the index, their live docs and each level that saw them (`object:removed` to that level only,
   * portions before their report); objects restored there are read again and come back to the
   * levels that may see them now (a report before its portions).
   */
  async syncTombstones(cell: Cell): Promise<void> {
    const stored = await this.ports.store.listTombstones(cell.workspace.id);
    const storedIds = new Set(stored.map((tombstone) => tombstone.objectId));
    const deleted = stored.filter((tombstone) => cell.index.get(tombstone.objectId));
    const restored = cell.index.deletedIds().filter((id) => !storedIds.has(id));
    // Created and deleted while this node did not follow (a lost stream): kept as deleted, told to nobody.
    for (const tombstone of stored.filter(({ objectId }) => !cell.index.get(objectId) && !cell.index.deletedEntry(objectId))) {
      const envelope = await this.ports.store.getObject(tombstone.objectId);
      if (!envelope) continue;
      cell.index.put(envelope);
      cell.index.markDeleted(tombstone.objectId, tombstone);
    }
    if (deleted.length === 0 && restored.length === 0) return;
    // Every audience before any object is taken out: a portion's depends on its report.
    const audiences = deleted.map(({ objectId }) => ({ id: objectId, depth: depthOf(cell.index, objectId), levels: cell.audience.levelsForObject(objectId) }));
    for (const tombstone of deleted) {
      cell.index.markDeleted(tombstone.objectId, tombstone);
      this.ports.docs.drop(tombstone.objectId);
    }
    for (const { id, levels } of audiences.sort((a, b) => b.depth - a.depth)) this.ports.fanout.removed(cell, id, levels);
    for (const id of restored) {
      cell.index.restore(id);
      const envelope = await this.ports.store.getObject(id);
      if (envelope) cell.index.put(envelope);
    }
    for (const id of restored.sort((a, b) => depthOf(cell.index, a) - depthOf(cell.index, b))) {
      this.ports.fanout.envelope(cell, 'object:added', cell.index.get(id)!.envelope, cell.audience.levelsForObject(id));
    }
    await this.ports.audienceChanged(cell, new Set([...deleted.map((tombstone) => tombstone.objectId), ...restored]));
  }

  /** Reloads `id` after the gap wait if a number is still missing, or in any case when `always`. */
  private awaitGap(cell: Cell, id: string, always = false): void {
    if (this.gapTimers.has(id) && !always) return;
    clearTimeout(this.gapTimers.get(id));
    const timer = setTimeout(() => {
      this.gapTimers.delete(id);
      // The cell left memory meanwhile (its timers are cleared then, but a failed reload may come back here).
      if (cell.unloaded || (!always && !this.seen.get(id)?.hasGap)) return;
      // A failed reload (PostgreSQL just restarted, a pooled connection gone) is tried again after
      // the same wait: waiting for the next gap could leave this node's readers behind for good.
      this.repair(cell, id).catch((err) => {
        this.ports.log.warn({ err, objectId: id }, 'an object could not be reloaded after a gap in the relay; trying again');
        this.awaitGap(cell, id, always);
      });
    }, this.ports.gapWaitMs);
    timer.unref?.();
    this.gapTimers.set(id, timer);
  }

  private owe(id: string, seq: number): void {
    this.undelivered.set(id, Math.min(seq, this.undelivered.get(id) ?? seq));
  }

  /** The number through which this node delivered every update of the object to its rooms. */
  private deliveredThrough(id: string): number {
    return Math.min(this.seen.get(id)?.contiguous ?? 0, (this.undelivered.get(id) ?? Infinity) - 1);
  }

  /**
   * Reloads an object from PostgreSQL and delivers what this node's rooms may lack (Yjs merges what
   * they have): every stored update after the last number all of them were delivered.
   */
  async repair(cell: Cell, id: string): Promise<void> {
    const indexed = cell.index.get(id);
    if (!indexed) return;
    const caught = await this.ports.docs.catchUp(id, this.deliveredThrough(id));
    const levels = cell.audience.levelsForObject(id);
    if (caught?.reset) this.ports.fanout.reset(cell, id, caught.epoch, caught.update, levels, caught.seq);
    else {
      // A doc not in memory: its whole stored state (clients merge it with what they hold).
      const state = caught ?? { ...(await this.ports.docs.encodeState(id)), from: 1 };
      if (state.epoch === indexed.envelope.epoch && state.update.byteLength > EMPTY_UPDATE_BYTES) {
        this.ports.fanout.relayed(cell, id, state.epoch, state.update, { from: Math.min(state.from, state.seq), to: state.seq });
      }
    }
    this.seen.get(id)?.settleAll();
    this.undelivered.delete(id);
  }

  /**
   * After Redis lost its streams (a restart, a trimmed stream): every open cell is read again
   * from PostgreSQL; its deletions and undos are applied, objects whose envelope or place changed
   * are refreshed, and those with updates this node has not seen are repaired.
   */
  async reconcile(): Promise<void> {
    for (const workspaceId of this.ports.cells.loadedIds()) {
      await this.ports.cells.using(workspaceId, () => this.reconcileCell(workspaceId));
    }
  }

  private async reconcileCell(workspaceId: string): Promise<void> {
    const cell = await this.ports.cells.loaded(workspaceId);
    if (!cell) return;
    const positions = await this.readCell(cell);
    for (const [id, position] of positions) {
      const seen = this.seen.get(id);
      if (position.lastSeq > 0 && (!seen || seen.contiguous < position.lastSeq || seen.hasGap)) {
        await this.repair(cell, id);
        (this.seen.get(id) ?? this.seen.set(id, new SeqTracker(position.lastSeq)).get(id)!).settle(position.lastSeq);
      }
    }
  }

  /**
   * Brings the cell's record, deletions, undos, envelopes and places to what PostgreSQL holds (not
   * its content: a reader behind on it is told by its state vector, and repaired by the relay), telling
   * this node's rooms what changed. A node that knows its relay to be behind does this before
   * serving a read of the cell (server/relay/readGate.ts).
   */
  async recheck(cell: Cell): Promise<void> {
    await this.readCell(cell);
  }

  /** `recheck`, answering the positions read (the numbers stored, for a reconcile). */
  private async readCell(cell: Cell): Promise<Map<string, ObjectPosition>> {
    await this.ports.cells.refreshRecord(cell);
    await this.syncTombstones(cell);
    const positions = await this.ports.store.positions(cell.workspace.id);
    for (const [id, position] of positions) {
      const indexed = cell.index.get(id);
      const held = this.ports.store.markingVersionHeld(id);
      const moved = indexed !== undefined && indexed.envelope.orderKey !== position.orderKey;
      if (!indexed || moved || indexed.envelope.epoch !== position.epoch || held !== position.markingVersion) await this.refreshObject(cell, id);
    }
    return positions;
  }

  /**
   * Forgets the objects of a cell this node unloaded: their numbers seen, what is owed and their
   * gap timers. Read from the relay again after the cell's next load, they count from none, as on
   * a node that never held the cell.
   */
  forget(objectIds: Iterable<string>): void {
    for (const id of objectIds) {
      clearTimeout(this.gapTimers.get(id));
      this.gapTimers.delete(id);
      this.seen.delete(id);
      this.undelivered.delete(id);
    }
  }

  close(): void {
    for (const timer of this.gapTimers.values()) clearTimeout(timer);
    this.gapTimers.clear();
  }
}

/** How many ancestors an object has, live or deleted (a report's portions are one below it). */
function depthOf(index: ObjectIndex, id: string): number {
  let depth = 0;
  const entryOf = (objectId: string) => index.get(objectId) ?? index.deletedEntry(objectId);
  for (let parent = entryOf(id)?.envelope.parentId; parent; parent = entryOf(parent)?.envelope.parentId) depth++;
  return depth;
}
