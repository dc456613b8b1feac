// The release requests of one workspace that concern this participant, live: the FDO inbox
// (pending requests about their nation's objects), the FDO's releases that could not be carried
// out, and their own requests. Loaded with
// `release:list` each time the workspace session (re)joins, then kept current by `release:changed`
// and by the answers to this participant's own requests and decisions.
import type { ReleaseRequest } from '../../../shared/protocol';
import { isPending, type DenialCategory } from '../../../shared/release';
import type { Connection } from './connection';
import { describeError, ServerError } from './errors';
import type { Picture } from './picture';

export type Decision = 'approve' | 'deny' | 'withdraw';

export interface ReleaseViewer {
  sub: string;
  nation: string;
  roles: readonly string[];
}

export interface ReleaseBoardSnapshot {
  /** False until the first list arrived. */
  loaded: boolean;
  /** Pending requests this participant, an FDO of the originator nation, decides; soonest deadline first. */
  inbox: readonly ReleaseRequest[];
  /** This participant's requests, newest first. */
  mine: readonly ReleaseRequest[];
  /** For an FDO: their nation's releases the server could not carry out, newest first. */
  failed: readonly ReleaseRequest[];
  /** Why the list could not be loaded, in words; null when it was. */
  error: string | null;
}

export class ReleaseBoard {
  /** The latest state seen of every request, so a decision is remembered after it leaves the inbox. */
  private readonly known = new Map<string, ReleaseRequest>();
  private inbox = new Set<string>();
  private mine = new Set<string>();
  private failed = new Set<string>();
  private readonly listeners = new Set<() => void>();
  private snapshot: ReleaseBoardSnapshot = { loaded: false, inbox: [], mine: [], failed: [], error: null };
  private wasLive = false;
  private closed = false;
  private readonly stopWatching: () => void;

  constructor(
    private readonly connection: Connection,
    private readonly session: Picture & { readonly workspaceId: string },
    private readonly viewer: ReleaseViewer,
  ) {
    connection.socket.on('release:changed', this.apply);
    this.stopWatching = session.subscribe(this.onSession);
    this.onSession();
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): ReleaseBoardSnapshot => this.snapshot;

  async request(objectId: string, marking: string, justification: string): Promise<ReleaseRequest> {
    const { request } = await this.connection.request('release:request', {
      workspaceId: this.session.workspaceId,
      id: objectId,
      marking,
      justification,
    });
    this.apply(request);
    return request;
  }

  async decide(requestId: string, decision: Decision, reason?: string, category?: DenialCategory): Promise<ReleaseRequest> {
    const { request } = await this.connection.request('release:decide', {
      workspaceId: this.session.workspaceId,
      requestId,
      decision,
      ...(reason === undefined ? {} : { reason }),
      ...(category === undefined ? {} : { category }),
    });
    this.apply(request);
    return request;
  }

  /** Opts this FDO's nation's material in to (or out of) automatic release at the deadline; the cell's new settings arrive as `workspace:changed`. */
  async setAutoRelease(autoRelease: boolean): Promise<void> {
    await this.connection.request('release:policy', { workspaceId: this.session.workspaceId, autoRelease });
  }

  close(): void {
    this.closed = true;
    this.connection.socket.off('release:changed', this.apply);
    this.stopWatching();
    this.listeners.clear();
  }

  /** Reloads after every (re)join: what changed while offline arrives with the list. */
  private onSession = (): void => {
    const live = this.session.getSnapshot().status === 'live';
    if (live && !this.wasLive) void this.reload();
    this.wasLive = live;
  };

  private async reload(): Promise<void> {
    try {
      const { inbox, mine, failed } = await this.connection.request('release:list', { workspaceId: this.session.workspaceId });
      if (this.closed) return;
      // The list is the server's current word: it replaces what was known of these requests.
      for (const request of [...inbox, ...mine, ...failed]) this.known.set(request.id, request);
      this.inbox = new Set(inbox.map((request) => request.id));
      this.mine = new Set(mine.map((request) => request.id));
      this.failed = new Set(failed.map((request) => request.id));
      this.emit(null);
    } catch (error) {
      if (this.closed || (error instanceof ServerError && error.code === 'offline')) return;
      this.emit(`Release requests could not be loaded: ${describeError(error)}`);
    }
  }

  private apply = (request: ReleaseRequest): void => {
    if (request.workspaceId !== this.session.workspaceId) return;
    const known = latest(this.known.get(request.id), request);
    this.known.set(request.id, known);
    if (known.requestedBy.sub === this.viewer.sub) this.mine.add(known.id);
    if (this.viewer.roles.includes('fdo') && known.originator === this.viewer.nation) {
      if (isPending(known)) this.inbox.add(known.id);
      else this.inbox.delete(known.id);
      if (known.state === 'failed') this.failed.add(known.id);
    }
    this.emit(this.snapshot.error);
  };

  private requests(ids: ReadonlySet<string>): ReleaseRequest[] {
    return [...ids].map((id) => this.known.get(id)).filter((request): request is ReleaseRequest => request !== undefined);
  }

  private emit(error: string | null): void {
    if (this.closed) return;
    this.snapshot = {
      loaded: this.snapshot.loaded || error === null,
      inbox: this.requests(this.inbox).sort((a, b) => compare(a.deadline, b.deadline) || compare(a.id, b.id)),
      mine: this.requests(this.mine).sort(newestFirst),
      failed: this.requests(this.failed).sort(newestFirst),
      error,
    };
    for (const listener of this.listeners) listener();
  }
}

/** How far a request has come: pending, then its outcome, then (for a release) `failed`. */
function stage(request: ReleaseRequest): number {
  return isPending(request) ? 0 : request.state === 'failed' ? 2 : 1;
}

/** A request never goes back a stage: an ack and its notification may cross. */
function latest(known: ReleaseRequest | undefined, incoming: ReleaseRequest): ReleaseRequest {
  return known && stage(known) > stage(incoming) ? known : incoming;
}

function newestFirst(a: ReleaseRequest, b: ReleaseRequest): number {
  return compare(b.requestedAt, a.requestedAt) || compare(a.id, b.id);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
