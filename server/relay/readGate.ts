// Reads on a node that may be behind on the relay. A node serves reads (doc:sync, joins and their
// pages, history, exports, figures, …) from its own picture of a cell, which the relay keeps
// current. While the relay is healthy that picture lags only by the relay's latency. When the node
// knows it is behind (Redis stopped, frozen, just back: `RedisRelay.trusted`), a narrowing re-mark,
// deletion or membership change committed on another node may not have reached it, and its picture
// would serve content to a level that lost it. So then, fail closed: a read first re-reads the
// cell's record, deletions and envelopes from PostgreSQL (`RelayReceiver.recheck`, one read begun
// after the request arrived; requests arriving meanwhile share the next one). Entries already read
// from the relay that change who sees what are applied before a read of their cell, too.
import type { Cell } from '../workspaces/cellRegistry';

export interface ReadGatePorts {
  /** Whether the relay has brought every change committed elsewhere (but for a healthy relay's latency). */
  trusted(): boolean;
  /** Settles once entries read for the cell that change who sees what are applied; undefined when none waits. */
  applied(workspaceId: string): Promise<void> | undefined;
  /** Reads the cell's record, deletions and envelopes again from PostgreSQL, telling the rooms what changed. */
  recheck(cell: Cell): Promise<void>;
  /** Whether a reader's state vector holds more than this node's live doc (server/objects/docRegistry.ts). */
  readerAhead(id: string, stateVector: Uint8Array): Promise<boolean>;
  /** Catches the live doc up from PostgreSQL, delivering what this node's rooms lack. */
  repair(cell: Cell, id: string): Promise<void>;
}

interface Rechecks {
  running?: Promise<void>;
  /** The one that starts after `running`, for the requests that arrived while it ran. */
  next?: Promise<void>;
}

export class ReadGate {
  private readonly rechecks = new WeakMap<Cell, Rechecks>();

  constructor(private readonly ports: ReadGatePorts) {}

  /** Whether reads are served from this node's picture now, without reading PostgreSQL first. */
  trusting(): boolean {
    return this.ports.trusted();
  }

  /** Settles when `cell` may be read from this node's picture; undefined (nothing to wait for) on the healthy path. */
  ready(cell: Cell): Promise<void> | undefined {
    const applying = this.ports.applied(cell.workspace.id);
    if (this.ports.trusted()) return applying;
    return applying ? applying.then(() => this.recheck(cell)) : this.recheck(cell);
  }

  /**
   * Read-your-writes across nodes: a reader whose state vector is ahead of this node's live doc (it
   * wrote through another node, acknowledged, and the relay has not brought it here yet) would be
   * answered an older state. Such docs are caught up from PostgreSQL first. Costs nothing when the
   * reader sends no state vector, and a store read only when it is ahead (or holds unsent edits).
   */
  caughtUp(cell: Cell, requests: readonly { id: string; stateVector?: Uint8Array }[]): Promise<void> | undefined {
    return requests.some((request) => request.stateVector !== undefined) ? this.catchUp(cell, requests) : undefined;
  }

  private async catchUp(cell: Cell, requests: readonly { id: string; stateVector?: Uint8Array }[]): Promise<void> {
    for (const { id, stateVector } of requests) if (stateVector && (await this.ports.readerAhead(id, stateVector))) await this.ports.repair(cell, id);
  }

  /** A recheck that starts after this call (one already under way may have read PostgreSQL before the request arrived). */
  private recheck(cell: Cell): Promise<void> {
    let state = this.rechecks.get(cell);
    if (!state) this.rechecks.set(cell, (state = {}));
    if (!state.running) return this.start(cell, state);
    state.next ??= state.running.catch(() => undefined).then(() => {
      state.next = undefined;
      return this.start(cell, state);
    });
    return state.next;
  }

  private start(cell: Cell, state: Rechecks): Promise<void> {
    const running = this.ports.recheck(cell).finally(() => {
      if (state.running === running) state.running = undefined;
    });
    state.running = running;
    return running;
  }
}
