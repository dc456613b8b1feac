// Presence leaves in batches. Sent one change at a time to every other socket of the cell, it grew
// with the square of the cell: 500 rejoins after a restart made 125,000 frames, and one client
// moving its cursor 150 times a second made 45,000 frames a second. Here the changes of a cell
// wait for a short window and leave together (one `awareness` frame per access level and window,
// see server/rooms/presence.ts), the latest change of each client replacing any older one still
// waiting. Each socket's own states also draw on a small budget: a state over it waits, replaced
// by newer ones, until the budget allows; it is never refused. Removals (a client left) always go.
// A socket that joined during the window gets everyone's state then, in one frame per level
// shared by all that window's newcomers, rather than a snapshot of its own at once.
import type { PresenceState } from '../../shared/protocol';
import type { TokenBucket } from '../sessions/rateLimiter';
import type { Cell } from '../workspaces/cellRegistry';

export type PresenceChange = PresenceState | { clientId: string; removed: true };

interface Waiting {
  change: PresenceChange;
  /** The sender's presence budget; none for changes the server makes (joins, re-marks). */
  budget?: TokenBucket;
}

/** One cell's changes waiting to be sent. Pure: the caller passes the time. */
export class PresenceQueue {
  private readonly waiting = new Map<string, Waiting>();

  get size(): number {
    return this.waiting.size;
  }

  offer(change: PresenceChange, budget?: TokenBucket): void {
    this.waiting.set(change.clientId, { change, budget });
  }

  /** The changes that go now; states whose sender's budget is spent keep waiting. */
  take(now: number): PresenceChange[] {
    const due: PresenceChange[] = [];
    for (const [clientId, { change, budget }] of this.waiting) {
      if ('removed' in change || !budget || budget.take(now)) {
        due.push(change);
        this.waiting.delete(clientId);
      }
    }
    return due;
  }
}

interface Pending {
  cell: Cell;
  queue: PresenceQueue;
  /** Sockets that joined since the last window. */
  newcomers: Set<string>;
  timer: NodeJS.Timeout;
}

/** A window's work for one cell: changes for everyone, and everyone's state for its newcomers. */
export type PresenceSend = (cell: Cell, changes: PresenceChange[], newcomers: ReadonlySet<string>) => void;

/** A queue per cell and a timer per cell with changes waiting; idle cells cost nothing. */
export class PresenceBatcher {
  private readonly cells = new Map<string, Pending>();
  private closed = false;

  constructor(
    private readonly send: PresenceSend,
    /** How long a cell's changes wait: its window, longer for a cell with many sockets. */
    private readonly windowMs: (cell: Cell) => number,
  ) {}

  offer(cell: Cell, change: PresenceChange, budget?: TokenBucket): void {
    this.pending(cell)?.queue.offer(change, budget);
  }

  /** A socket that joined the cell: it gets everyone's state with the next window. */
  welcome(cell: Cell, socketId: string): void {
    this.pending(cell)?.newcomers.add(socketId);
  }

  private pending(cell: Cell): Pending | undefined {
    // Sockets closing with the server still leave their cells: nobody is left to tell.
    if (this.closed) return undefined;
    const id = cell.workspace.id;
    let entry = this.cells.get(id);
    if (!entry) {
      entry = { cell, queue: new PresenceQueue(), newcomers: new Set(), timer: setTimeout(() => this.flush(id), this.windowMs(cell)) };
      this.cells.set(id, entry);
    }
    return entry;
  }

  /** Whether the cell has presence changes waiting for their window. */
  waiting(workspaceId: string): boolean {
    return this.cells.has(workspaceId);
  }

  close(): void {
    this.closed = true;
    for (const { timer } of this.cells.values()) clearTimeout(timer);
    this.cells.clear();
  }

  private flush(id: string): void {
    const entry = this.cells.get(id)!;
    const due = entry.queue.take(Date.now());
    const newcomers = entry.newcomers;
    entry.newcomers = new Set();
    if (entry.queue.size > 0) entry.timer = setTimeout(() => this.flush(id), this.windowMs(entry.cell));
    else this.cells.delete(id);
    if (due.length > 0 || newcomers.size > 0) this.send(entry.cell, due, newcomers);
  }
}
