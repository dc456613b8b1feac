// Sends changes to the rooms of the levels that may see them, and to no other. Envelope events
// are projected per level. Doc updates are coalesced over a short window: per object they are
// merged into one update; `base64` sockets then get one `doc:updates` text frame per level room
// with every object's update, `binary` sockets one `doc:update` per object. Sockets of each
// encoding have their own room per level, so a level with none costs nothing. Each update carries
// the numbers (within its epoch) of the stored updates it holds, `from` through `seq`, so a client
// can tell when it missed one (docs/protocol.md, "Sequence numbers"); updates whose numbers do not
// follow on (another node's still on its way) go as separate items. Every message is
// encoded once by socket.io for all the rooms it goes to. Only to this node's sockets
// (`io.local`): with several nodes each delivers to its own, filtered by its own envelopes, what
// the relay brings it (server/relay/).
//
// Updates relayed from other nodes are paced: they wait for this node's next flush (its next
// commit's), at most the pace (the commit policy's interval) after the last flush. Sent as they
// arrive, each other node's commit cost every socket a frame of its own: frames per delivery, and
// with them a node's CPU, grew with the number of nodes (docs/performance.md, "Several nodes").
import * as Y from 'yjs';
import type { Server } from 'socket.io';
import type { BinaryEncoding, DocState, Envelope } from '../../shared/protocol';
import { envelopeForLevel } from '../objects/envelopeView';
import { encodeBytes } from '../sessions/encoding';
import type { Cell } from '../workspaces/cellRegistry';
import type { Metrics } from '../metrics/metrics';
import { encodingRoom, levelRoom } from './roomNames';

/** Told how many frames each flush wrote (one per socket reached): the commit policy's signal. */
export interface FrameSink {
  add(frames: number): void;
}

/** The numbers, within the object's epoch, of the stored updates a doc update holds: `from` through `to`. */
export interface SeqRange {
  from: number;
  to: number;
}

interface PendingUpdate extends SeqRange {
  update: Uint8Array;
}

/** A level's rooms in a cell. */
interface LevelRooms {
  level: string;
  binary: string;
  base64: string;
}

interface PendingObject {
  cell: Cell;
  epoch: number;
  updates: PendingUpdate[];
  senders: Set<string>;
  firstReceivedAt: number;
}

export class Fanout {
  private pending = new Map<string, PendingObject>();
  /** A flush is due: at once (`now`), or paced (`paced`: only relayed updates wait). */
  private scheduled: 'now' | 'paced' | undefined;
  private pacedTimer: ReturnType<typeof setTimeout> | undefined;
  private lastFlushAt = -Infinity;
  /**
   * Room names per cell and level, made once: a name built anew for every flush is a new string,
   * hashed again by every map it is looked up in (the adapter's rooms, the groups of a flush).
   */
  private readonly roomNames = new WeakMap<Cell, Map<string, LevelRooms>>();

  constructor(
    private readonly io: Server,
    private readonly metrics: Metrics,
    /** TEARLINE_FANOUT_WINDOW_MS: how long updates wait to share a frame. 0 = next tick. */
    private readonly windowMs: number,
    private readonly frames: FrameSink = { add: () => undefined },
    /** The least time (ms) from one flush to a flush of relayed updates alone; 0: at once. */
    private readonly relayPaceMs: () => number = () => 0,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Sockets of this node in `rooms` (a socket is in one encoding room per cell). */
  private socketsIn(byRoom: ReadonlyMap<string, ReadonlySet<string>>, rooms: readonly string[]): number {
    let sockets = 0;
    for (const room of rooms) sockets += byRoom.get(room)?.size ?? 0;
    return sockets;
  }

  private roomsOf(cell: Cell, level: string): LevelRooms {
    let byLevel = this.roomNames.get(cell);
    if (!byLevel) this.roomNames.set(cell, (byLevel = new Map()));
    let rooms = byLevel.get(level);
    if (!rooms) {
      const workspace = cell.workspace.id;
      rooms = { level: levelRoom(workspace, level), binary: encodingRoom(workspace, level, 'binary'), base64: encodingRoom(workspace, level, 'base64') };
      byLevel.set(level, rooms);
    }
    return rooms;
  }

  private levelRooms(cell: Cell, levels: Iterable<string>): string[] {
    return [...levels].map((level) => this.roomsOf(cell, level).level);
  }

  private encodingRooms(cell: Cell, levels: Iterable<string>, encoding: BinaryEncoding): string[] {
    return [...levels].map((level) => this.roomsOf(cell, level)[encoding]);
  }

  /** `object:added` or `object:changed`, with each level's view of the envelope. */
  envelope(cell: Cell, event: 'object:added' | 'object:changed', envelope: Envelope, levels: Iterable<string>): void {
    if (cell.unloaded) return;
    const plain: string[] = [];
    for (const level of levels) {
      const view = envelopeForLevel(cell.index, envelope, level);
      if (view === envelope) plain.push(level);
      else this.io.local.to(this.roomsOf(cell, level).level).emit(event, view);
    }
    if (plain.length > 0) this.io.local.to(this.levelRooms(cell, plain)).emit(event, envelope);
  }

  removed(cell: Cell, id: string, levels: Iterable<string>): void {
    if (cell.unloaded) return;
    const rooms = this.levelRooms(cell, levels);
    if (rooms.length > 0) this.io.local.to(rooms).emit('object:removed', { id });
  }

  /**
   * A new epoch's doc, in each socket's encoding, holding every update of the epoch through `seq`.
   * Pending updates of the old epoch are dropped.
   */
  reset(cell: Cell, id: string, epoch: number, update: Uint8Array, levels: Iterable<string>, seq: number): void {
    this.pending.delete(id);
    const list = [...levels];
    if (list.length === 0 || cell.unloaded) return;
    this.io.local.to(this.encodingRooms(cell, list, 'binary')).emit('doc:reset', { id, epoch, update, seq });
    this.io.local.to(this.encodingRooms(cell, list, 'base64')).emit('doc:reset', { id, epoch, update: encodeBytes('base64', update), seq });
  }

  /** Queues a durable update (holding the stored updates numbered `seq`) for the object's audience; flushed once per window. */
  update(cell: Cell, id: string, epoch: number, update: Uint8Array, senderSocketId: string, receivedAt: number, seq: SeqRange): void {
    this.queue(cell, id, epoch, update, senderSocketId, receivedAt, seq);
    if (this.scheduled === 'now') return;
    clearTimeout(this.pacedTimer);
    this.scheduled = 'now';
    if (this.windowMs > 0) setTimeout(() => this.flush(), this.windowMs);
    else setImmediate(() => this.flush());
  }

  /**
   * Queues an update relayed from another node (or reloaded from the store): it goes out with this
   * node's next flush, or once the pace has passed since the last one, whichever comes first.
   */
  relayed(cell: Cell, id: string, epoch: number, update: Uint8Array, seq: SeqRange): void {
    this.queue(cell, id, epoch, update, '', this.now(), seq);
    if (this.scheduled) return;
    const wait = this.lastFlushAt + this.relayPaceMs() - this.now();
    if (wait <= 0) {
      this.scheduled = 'now';
      setImmediate(() => this.flush());
      return;
    }
    this.scheduled = 'paced';
    this.pacedTimer = setTimeout(() => this.flush(), Math.ceil(wait));
  }

  private queue(cell: Cell, id: string, epoch: number, update: Uint8Array, senderSocketId: string, receivedAt: number, seq: SeqRange): void {
    const pending = this.pending.get(id);
    const item = { update, from: seq.from, to: seq.to };
    if (pending && pending.epoch === epoch) {
      pending.updates.push(item);
      pending.senders.add(senderSocketId);
    } else {
      this.pending.set(id, { cell, epoch, updates: [item], senders: new Set([senderSocketId]), firstReceivedAt: receivedAt });
    }
  }

  private flush(): void {
    const batch = this.pending;
    this.pending = new Map();
    this.scheduled = undefined;
    this.lastFlushAt = this.now();
    // Per cell and level: the updates its base64 room receives in one frame.
    const perRoom = new Map<string, DocState[]>();
    let frames = 0;
    const byRoom = this.io.of('/').adapter.rooms;
    for (const [id, item] of batch) {
      const entry = item.cell.index.get(id);
      // A re-mark in between started a new epoch: its doc:reset already carries these edits. A cell
      // unloaded meanwhile has nobody here to tell (and its copy is no longer kept current).
      if (!entry || entry.envelope.epoch !== item.epoch || item.cell.unloaded) continue;
      const levels = item.cell.audience.levelsForObject(id);
      if (levels.size === 0) continue;
      // The sender already has its own edit (its ack carries its number); with several senders,
      // each gets the merge (idempotent).
      const except = item.senders.size === 1 ? [...item.senders] : [];
      // An emit to rooms without a socket still encodes its packet (a binary one is taken apart
      // for its attachment): a cell whose sockets all take one encoding skips the other's.
      const binaryRooms = this.encodingRooms(item.cell, levels, 'binary');
      const binarySockets = this.socketsIn(byRoom, binaryRooms);
      const base64Rooms = this.encodingRooms(item.cell, levels, 'base64').filter((room) => (byRoom.get(room)?.size ?? 0) > 0);
      for (const run of runs(item.updates)) {
        if (binarySockets > 0) {
          frames += binarySockets;
          this.io.local.to(binaryRooms).except(except).emit('doc:update', { id, epoch: item.epoch, update: run.update, ...numbers(run) });
        }
        if (base64Rooms.length === 0) continue;
        const state: DocState = { id, epoch: item.epoch, update: encodeBytes('base64', run.update), ...numbers(run) };
        for (const room of base64Rooms) {
          let list = perRoom.get(room);
          if (!list) perRoom.set(room, (list = []));
          list.push(state);
        }
      }
      this.metrics.fanoutSeconds.observe((performance.now() - item.firstReceivedAt) / 1000);
      this.metrics.fanouts.inc();
    }
    for (const [updates, rooms] of roomsPerList(perRoom)) {
      frames += this.socketsIn(byRoom, rooms);
      this.io.local.to(rooms).emit('doc:updates', { updates });
    }
    this.frames.add(frames);
  }
}

/**
 * An object's pending updates as runs of numbers that follow on, lowest first, each merged into
 * one update: a run never claims a number it does not hold.
 */
function runs(updates: PendingUpdate[]): PendingUpdate[] {
  if (updates.length === 1) return updates;
  const sorted = [...updates].sort((a, b) => a.from - b.from);
  const grouped: PendingUpdate[][] = [];
  let to = -Infinity;
  for (const update of sorted) {
    if (update.from > to + 1) grouped.push([]);
    grouped.at(-1)!.push(update);
    to = Math.max(to, update.to);
  }
  return grouped.map((group) => ({
    update: group.length === 1 ? group[0]!.update : Y.mergeUpdates(group.map((part) => part.update)),
    from: group[0]!.from,
    to: Math.max(...group.map((part) => part.to)),
  }));
}

/** A run's numbers on the wire: `seq`, and `from` only when it holds more than one. */
function numbers(run: SeqRange): { seq: number; from?: number } {
  return run.from === run.to ? { seq: run.to } : { seq: run.to, from: run.from };
}

/**
 * Rooms due the same updates share one message, encoded once (every level, when all may see all).
 * Rooms due the same updates were given the same `DocState` objects in the same order, so lists
 * are compared by their items' identity, among the lists that start with the same item (the
 * levels of one cell, mostly).
 */
function roomsPerList(perRoom: Map<string, DocState[]>): Map<DocState[], string[]> {
  const groups = new Map<DocState[], string[]>();
  const byFirst = new Map<DocState, DocState[][]>();
  for (const [room, updates] of perRoom) {
    const first = updates[0]!;
    let lists = byFirst.get(first);
    if (!lists) byFirst.set(first, (lists = []));
    const same = lists.find((list) => list.length === updates.length && list.every((state, i) => state === updates[i]));
    if (same) {
      groups.get(same)!.push(room);
    } else {
      lists.push(updates);
      groups.set(updates, [room]);
    }
  }
  return groups;
}
