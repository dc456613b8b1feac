// Sends changes to the rooms of the levels that may see them, and to no other. Envelope events
// are projected per level; doc updates of one object that become durable in the same tick are
// merged into one frame per room (encoded once by socket.io for the whole room).
import * as Y from 'yjs';
import type { Server } from 'socket.io';
import type { Envelope } from '../../shared/protocol';
import { envelopeForLevel } from '../objects/envelopeView';
import type { Cell } from '../workspaces/cellRegistry';
import type { Metrics } from '../http/metrics';
import { levelRoom } from './roomNames';

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
  ) {}

  private rooms(cell: Cell, levels: Iterable<string>): string[] {
    return [...levels].map((level) => levelRoom(cell.workspace.id, level));
  }

  /** `object:added` or `object:changed`, with each level's view of the envelope. */
  envelope(cell: Cell, event: 'object:added' | 'object:changed', envelope: Envelope, levels: Iterable<string>): void {
    const plain: string[] = [];
    for (const level of levels) {
      const view = envelopeForLevel(cell.index, envelope, level);
      if (view === envelope) plain.push(level);
      else this.io.to(levelRoom(cell.workspace.id, level)).emit(event, view);
    }
    if (plain.length > 0) this.io.to(this.rooms(cell, plain)).emit(event, envelope);
  }

  removed(cell: Cell, id: string, levels: Iterable<string>): void {
    const rooms = this.rooms(cell, levels);
    if (rooms.length > 0) this.io.to(rooms).emit('object:removed', { id });
  }

  reset(cell: Cell, id: string, epoch: number, update: Uint8Array, levels: Iterable<string>): void {
    this.pending.delete(id);
    const rooms = this.rooms(cell, levels);
    if (rooms.length > 0) this.io.to(rooms).emit('doc:reset', { id, epoch, update });
  }

  /** Queues a durable update for the object's audience; flushed once per tick. */
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
      setImmediate(() => this.flush());
    }
  }

  private flush(): void {
    const batch = this.pending;
    this.pending = new Map();
    this.scheduled = false;
    for (const [id, item] of batch) {
      const entry = item.cell.index.get(id);
      // A re-mark in between started a new epoch: its doc:reset already carries these edits.
      if (!entry || entry.envelope.epoch !== item.epoch) continue;
      const levels = item.cell.audience.levelsForObject(id);
      if (levels.size === 0) continue;
      const update = item.updates.length === 1 ? item.updates[0]! : Y.mergeUpdates(item.updates);
      let target = this.io.to(this.rooms(item.cell, levels));
      // The sender already has its own edit; with several senders, each gets the merge (idempotent).
      if (item.senders.size === 1) target = target.except([...item.senders][0]!);
      target.emit('doc:update', { id, epoch: item.epoch, update });
      this.metrics.fanoutSeconds.observe((performance.now() - item.firstReceivedAt) / 1000);
      this.metrics.fanouts.inc();
    }
  }
}
