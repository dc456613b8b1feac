// Sends changes to the rooms of the levels that may see them, and to no other. Envelope events
// are projected per level. Doc updates are coalesced over a short window: per object they are
// merged into one update; `base64` sockets then get one `doc:updates` text frame per level room
// with every object's update, `binary` sockets one `doc:update` per object. Every message is
// encoded once per room by socket.io.
import * as Y from 'yjs';
import type { Server } from 'socket.io';
import type { DocState, Envelope } from '../../shared/protocol';
import { envelopeForLevel } from '../objects/envelopeView';
import { encodeBytes } from '../sessions/encoding';
import type { Cell } from '../workspaces/cellRegistry';
import type { Metrics } from '../http/metrics';
import { base64Room, levelRoom } from './roomNames';

interface PendingObject {
  cell: Cell;
  epoch: number;
  updates: Uint8Array[];
  senders: Set<string>;
  firstReceivedAt: number;
}

export class Fanout {
  private pending = new Map<string, PendingObject>();
  private scheduled = false;

  constructor(
    private readonly io: Server,
    private readonly metrics: Metrics,
    /** TEARLINE_FANOUT_WINDOW_MS: how long updates wait to share a frame. 0 = next tick. */
    private readonly windowMs = 0,
  ) {}

  private levelRooms(cell: Cell, levels: Iterable<string>): string[] {
    return [...levels].map((level) => levelRoom(cell.workspace.id, level));
  }

  private base64Rooms(cell: Cell, levels: Iterable<string>): string[] {
    return [...levels].map((level) => base64Room(cell.workspace.id, level));
  }

  /** `object:added` or `object:changed`, with each level's view of the envelope. */
  envelope(cell: Cell, event: 'object:added' | 'object:changed', envelope: Envelope, levels: Iterable<string>): void {
    const plain: string[] = [];
    for (const level of levels) {
      const view = envelopeForLevel(cell.index, envelope, level);
      if (view === envelope) plain.push(level);
      else this.io.to(levelRoom(cell.workspace.id, level)).emit(event, view);
    }
    if (plain.length > 0) this.io.to(this.levelRooms(cell, plain)).emit(event, envelope);
  }

  removed(cell: Cell, id: string, levels: Iterable<string>): void {
    const rooms = this.levelRooms(cell, levels);
    if (rooms.length > 0) this.io.to(rooms).emit('object:removed', { id });
  }

  /** A new epoch's doc, in each socket's encoding. Pending updates of the old epoch are dropped. */
  reset(cell: Cell, id: string, epoch: number, update: Uint8Array, levels: Iterable<string>): void {
    this.pending.delete(id);
    const list = [...levels];
    if (list.length === 0) return;
    const base64 = this.base64Rooms(cell, list);
    this.io.to(this.levelRooms(cell, list)).except(base64).emit('doc:reset', { id, epoch, update });
    this.io.to(base64).emit('doc:reset', { id, epoch, update: encodeBytes('base64', update) });
  }

  /** Queues a durable update for the object's audience; flushed once per window. */
  update(cell: Cell, id: string, epoch: number, update: Uint8Array, senderSocketId: string, receivedAt: number): void {
    const pending = this.pending.get(id);
    if (pending && pending.epoch === epoch) {
      pending.updates.push(update);
      pending.senders.add(senderSocketId);
    } else {
      this.pending.set(id, { cell, epoch, updates: [update], senders: new Set([senderSocketId]), firstReceivedAt: receivedAt });
    }
    if (!this.scheduled) {
      this.scheduled = true;
      if (this.windowMs > 0) setTimeout(() => this.flush(), this.windowMs);
      else setImmediate(() => this.flush());
    }
  }

  private flush(): void {
    const batch = this.pending;
    this.pending = new Map();
    this.scheduled = false;
    // Per cell and level: the updates its base64 room receives in one frame.
    const perRoom = new Map<string, DocState[]>();
    for (const [id, item] of batch) {
      const entry = item.cell.index.get(id);
      // A re-mark in between started a new epoch: its doc:reset already carries these edits.
      if (!entry || entry.envelope.epoch !== item.epoch) continue;
      const levels = item.cell.audience.levelsForObject(id);
      if (levels.size === 0) continue;
      const update = item.updates.length === 1 ? item.updates[0]! : Y.mergeUpdates(item.updates);
      const base64 = this.base64Rooms(item.cell, levels);
      // The sender already has its own edit; with several senders, each gets the merge (idempotent).
      const except = item.senders.size === 1 ? [...base64, ...item.senders] : base64;
      this.io.to(this.levelRooms(item.cell, levels)).except(except).emit('doc:update', { id, epoch: item.epoch, update });
      const state: DocState = { id, epoch: item.epoch, update: encodeBytes('base64', update) };
      for (const room of base64) {
        let list = perRoom.get(room);
        if (!list) perRoom.set(room, (list = []));
        list.push(state);
      }
      this.metrics.fanoutSeconds.observe((performance.now() - item.firstReceivedAt) / 1000);
      this.metrics.fanouts.inc();
    }
    for (const [room, updates] of perRoom) this.io.to(room).emit('doc:updates', { updates });
  }
}
