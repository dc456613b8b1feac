// The live picture of one workspace over the socket: join, sync every releasable doc, apply the
// server's fan-out, send local edits with their epoch, and on reconnect rejoin, purge what is no
// longer releasable, resync and resend the edits made while offline. A request the server refuses
// as `rate_limited` (a reconnect storm, a spent budget) is tried again when it says, with jitter.
// Presence lives in its own store (a cursor message re-renders only what shows that cursor), and
// a (re)join's whole load reaches the views as one change, not one per step. Every replica, with
// the edits the server has not acknowledged, is also kept on disk (offlineStore.ts): a reload
// while the server is away shows the last-known picture and the unsent edits, which are sent at
// the next join; a record leaves the disk as soon as its object is no longer releasable. Each
// update's sequence number is tracked (seqGaps.ts): an object that misses one is synced again with
// its state vector.
import { buildContent } from '../../../shared/content';
import type { AckBodies, ClientInput, ClientPayload, DocState, Envelope, ObjectKind, PresenceState, VersionSummary, VersionView, WorkspaceSummary } from '../../../shared/protocol';
import { docStateFrom, type AccessLevel, type Connection, type LocalDocState } from './connection';
import { describeError, retryDelayMs, ServerError } from './errors';
import { whenIdle } from './idle';
import type { Notice, Picture, PictureSnapshot, PictureStatus } from './picture';
import { PresenceStore } from './presenceStore';
import { SeqGaps } from './seqGaps';
import type { CellRecord, KeptObject, OfflineStore } from './offlineStore';
import { pipelined } from './pipeline';
import { ObjectReplica } from './replica';
import { ValueStore } from './valueStore';
import { StaticPicture } from './staticPicture';
import type { CrossNationEditing } from '../../../shared/suggestions';

const SYNC_BATCH = 500;
/**
 * doc:sync requests of one load unanswered at once: two keep both sides busy (the server answers
 * one socket's requests one at a time). Only while the last answer was small: the server ends a
 * session that leaves more than TEARLINE_MAX_PENDING_OUTPUT_BYTES (8 MiB by default) unread, and
 * a client busy applying one answer does not read the next, so two answers of large objects could
 * pass it where one does not. The first request goes alone, since nothing is known of the sizes.
 */
const SYNCS_IN_FLIGHT = 2;
/** The largest answer (characters of its updates) after which the next two may be unanswered at once: a quarter of the default bound, as a join page. */
const PIPELINED_ANSWER_MAX_CHARS = 2 * 1024 * 1024;
const PRESENCE_INTERVAL_MS = 150;
/** While the server cannot store (full disk), kept edits are sent again after this, doubling up to the maximum, with jitter. */
const STORAGE_RETRY_MS = 1000;
const STORAGE_RETRY_MAX_MS = 30_000;
/**
 * An unsent edit reaches the disk in the task that made it (a transaction begun before the page can
 * close: "an edit I made is never lost"). Its acknowledgement, which only spares a resend, and the
 * count of objects waiting, follow this long after: an edit acknowledged by then never shows as
 * waiting, and a key typed meanwhile writes the acknowledgement with its own edit.
 */
const KEEP_DELAY_MS = 50;
/**
 * What the server already holds (others' edits, a load) reaches the disk this long after: each
 * write encodes an object's whole state, and five writers at two edits a second each rewrote their
 * objects twenty times a second. Lost in a crash, it is only fetched again at the next join.
 */
const KEEP_LAZY_MS = 1000;
/**
 * Records written in one task: a cell of 20,000 objects is written in slices, not in one long task.
 * After the first, each slice waits for the page to be idle (at most KEEP_SLICE_WAIT_MS): at 20,000
 * objects the slices (40 of about 8 ms) took the page's idle time for a second after the load, so
 * the Timeline's and the RFI board's sort keys were not read ahead (readAhead.ts) and opening the
 * Timeline then read them, and waited behind the slices (docs/performance.md, session 10).
 */
const KEEP_SLICE = 500;
const KEEP_SLICE_WAIT_MS = 1000;
/**
 * How long a missing update number is waited for before its object is synced again: with several
 * nodes, another node's edit can arrive after a later one made on this client's node.
 */
const GAP_WAIT_MS = 1000;

export interface SessionOptions {
  /** How long a missing update number is waited for (tests shorten it). */
  gapWaitMs?: number;
}

export interface NewObject {
  kind: ObjectKind;
  marking: string;
  parentId?: string;
  orderKey?: string;
  fields?: Record<string, unknown>;
  body?: string;
}

export type PresenceUpdate = NonNullable<ClientPayload<'awareness:update'>['state']>;

function isOffline(error: unknown): boolean {
  return error instanceof ServerError && error.code === 'offline';
}

export class WorkspaceSession implements Picture {
  readonly editable = true;
  private readonly envelopes = new EnvelopeMap();
  private readonly replicas = new Map<string, ObjectReplica>();
  private readonly listeners = new Set<() => void>();
  private status: PictureStatus = 'joining';
  private workspace: WorkspaceSummary | null = null;
  private level: string | null = null;
  readonly presence = new PresenceStore();
  /** How many objects hold edits the server has not acknowledged yet (kept on disk meanwhile): apart from the picture. */
  readonly pendingEdits = new ValueStore(0);
  private notices: Notice[] = [];
  private nextNoticeId = 1;
  private snapshot: PictureSnapshot;
  private closed = false;
  /** Set while a (re)join loads: its changes reach the views together, once it is done. */
  private holding = false;
  private held = false;
  private ownPresence: PresenceUpdate | null = null;
  private presenceTimer: ReturnType<typeof setTimeout> | null = null;
  private presenceSentAt = 0;
  /** Objects whose edits the server could not store: how many tries so far, and the timer of the next. */
  private readonly storageRetries = new Map<ObjectReplica, { attempts: number; timer: ReturnType<typeof setTimeout> | null }>();
  /** Set while joining waits to be tried again. */
  private rejoinTimer: ReturnType<typeof setTimeout> | null = null;
  /** Set while edits wait for the server's budget: they stay unacknowledged and go together after. */
  private resendTimer: ReturnType<typeof setTimeout> | null = null;
  /** Set while a join lists the cell's objects: those announced (`object:added`) meanwhile, kept and synced with them. */
  private announced: Set<string> | null = null;
  /** Counts the joins begun: a join a later one (a second connect) overtook stops where it is. */
  private joins = 0;
  /** Objects announced since the last sync of new objects: fetched together, in one request. */
  private readonly added = new Set<string>();
  /** Objects holding edits the server has not acknowledged (kept on disk with the rest, once written). */
  private readonly pending = new Set<string>();
  /** When the picture shown was last in step with the server, while it comes from disk (a reload while offline); null once joined. */
  private shownFrom: string | null = null;
  /** When the kept picture was last in step with the server, as the disk records it. */
  private keptAt: string | null = null;
  /** The cell's record as last written (its summary and level). */
  private cellKept: { workspace: WorkspaceSummary; level: string | null } | null = null;
  /**
   * Objects whose record on disk is to be written or deleted, at the next keep; `unkeptSoon` those
   * whose unsent edits were acknowledged, discarded or merged; `unkeptNow` those just edited, written
   * at the end of the current task.
   */
  private readonly unkept = new Set<string>();
  private readonly unkeptSoon = new Set<string>();
  private readonly unkeptNow = new Set<string>();
  /** Objects being written, a slice a task. */
  private readonly keeping = new Set<string>();
  /** What each record on disk was written from: an unchanged object is not written again (a rejoin lists every object). */
  private readonly keptFrom = new Map<string, { replica: ObjectReplica; version: number; unacked: number; envelope: Envelope }>();
  /** Records to delete, together, at the end of the current task. */
  private readonly unwanted = new Set<string>();
  private keepTimer: ReturnType<typeof setTimeout> | null = null;
  private lazyKeepTimer: ReturnType<typeof setTimeout> | null = null;
  private cancelSlice: (() => void) | null = null;
  /** Done once the edits kept by an earlier page are back in the replicas; joining waits for it. */
  private readonly restored: Promise<void>;
  /** Which update numbers each replica holds: an object that misses one is synced again. */
  readonly seqs = new SeqGaps();
  /** Objects missing an update number, each waited for until its timer fires. */
  private readonly gapTimers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly gapWaitMs: number;

  constructor(
    private readonly connection: Connection,
    readonly workspaceId: string,
    private readonly store: OfflineStore | null = null,
    options: SessionOptions = {},
  ) {
    this.gapWaitMs = options.gapWaitMs ?? GAP_WAIT_MS;
    this.snapshot = this.buildSnapshot();
    this.restored = store ? this.restore(store) : Promise.resolve();
    const socket = connection.socket;
    socket.on('connect', this.start);
    socket.on('disconnect', this.onDisconnect);
    socket.on('object:added', this.onAdded);
    socket.on('object:changed', this.onChanged);
    socket.on('object:removed', this.onRemoved);
    socket.on('doc:update', this.onDocUpdate);
    socket.on('doc:updates', this.onDocUpdates);
    socket.on('doc:reset', this.onDocReset);
    socket.on('awareness', this.onAwareness);
    socket.on('workspace:changed', this.onWorkspaceChanged);
    if (store && typeof window !== 'undefined') window.addEventListener('pagehide', this.onPageHide);
    if (socket.connected) void this.start();
  }

  // ---- Picture -------------------------------------------------------------------------------

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): PictureSnapshot => this.snapshot;

  replica(id: string): ObjectReplica | undefined {
    return this.replicas.get(id);
  }

  // ---- actions -------------------------------------------------------------------------------

  async createObject(input: NewObject): Promise<Envelope> {
    const content = buildContent({ fields: input.fields, body: input.body });
    const { object } = await this.connection.request('object:create', {
      workspaceId: this.workspaceId,
      kind: input.kind,
      marking: input.marking,
      ...(input.parentId ? { parentId: input.parentId } : {}),
      ...(input.orderKey ? { orderKey: input.orderKey } : {}),
      content,
    });
    return this.adopt(object);
  }

  /** A tearline of `sourceId`: a new object holding a fresh copy of its current content, marked like it. */
  async createTearline(sourceId: string): Promise<Envelope> {
    const { object } = await this.connection.request('tearline:create', { workspaceId: this.workspaceId, sourceId });
    return this.adopt(object);
  }

  /** A comment on `onId` (an object, or a comment to reply to); the server checks its marking and mentions. */
  async createComment(input: Omit<ClientInput<'comment:create'>, 'workspaceId'>): Promise<Envelope> {
    const { object } = await this.connection.request('comment:create', { workspaceId: this.workspaceId, ...input });
    return this.adopt(object);
  }

  /** Suggests tracked changes to another nation's paragraph, for its nation's editors to accept or reject. */
  async suggest(onId: string, ops: ClientInput<'suggestion:create'>['ops']): Promise<Envelope> {
    const { object } = await this.connection.request('suggestion:create', { workspaceId: this.workspaceId, onId, ops });
    return this.adopt(object);
  }

  /** Accepts or rejects a suggestion (its author may reject, i.e. withdraw, their own); it then leaves everyone. */
  async decideSuggestion(id: string, decision: 'accept' | 'reject'): Promise<void> {
    await this.connection.request('suggestion:decide', { workspaceId: this.workspaceId, id, decision });
    this.purge(id);
  }

  /** The cell's creator or an administrator: whether other nations edit paragraphs directly or suggest. */
  async setCrossNationEditing(crossNationEditing: CrossNationEditing): Promise<void> {
    const { workspace } = await this.connection.request('workspace:settings', { workspaceId: this.workspaceId, crossNationEditing });
    this.onWorkspaceChanged(workspace);
  }

  /** An answer to an RFI, marked at its own level (no wider than the RFI's; the server checks). */
  async answerRfi(input: Omit<ClientInput<'rfi:answer'>, 'workspaceId'>): Promise<Envelope> {
    const { object } = await this.connection.request('rfi:answer', { workspaceId: this.workspaceId, ...input });
    return this.adopt(object);
  }

  /** The envelope the server answered a change of object `id` with, in place of ours if we still hold it. */
  private replaceHeld(id: string, object: Envelope): Envelope {
    if (this.envelopes.has(id)) this.envelopes.set(id, object);
    this.emit();
    return object;
  }

  /** Takes in an object the server just created for us, with the server's doc for it. */
  private async adopt(object: Envelope): Promise<Envelope> {
    this.envelopes.set(object.id, object);
    // The server's doc is the truth (it may rebuild the content); take it rather than ours.
    if (!this.replicas.has(object.id)) await this.syncDocs([object.id]);
    this.emit();
    return object;
  }

  /** `from`: the marking the person decided from; the server answers `conflict` if it changed meanwhile. */
  async remark(id: string, marking: string, from?: string): Promise<Envelope> {
    const { object } = await this.connection.request('object:remark', { workspaceId: this.workspaceId, id, marking, ...(from === undefined ? {} : { from }) });
    return this.replaceHeld(id, object);
  }

  /** Deletes an object for everyone (with its paragraphs); answers until when `restore` can undo it. */
  async deleteObject(id: string): Promise<string> {
    const { undoUntil } = await this.connection.request('object:delete', { workspaceId: this.workspaceId, id });
    this.purge(id);
    return undoUntil;
  }

  /** Undoes a deletion within its grace period: the object (and its paragraphs) come back for everyone. */
  async restoreObject(id: string): Promise<Envelope> {
    const { object } = await this.connection.request('object:restore', { workspaceId: this.workspaceId, id });
    return this.adopt(object);
  }

  /** The object's versions this participant's level may see, oldest first. */
  async history(id: string): Promise<VersionSummary[]> {
    return (await this.connection.request('history:list', { workspaceId: this.workspaceId, id })).versions;
  }

  /** One version's content, each run of text with who wrote it. */
  async historyVersion(id: string, version: string): Promise<VersionView> {
    return (await this.connection.request('history:version', { workspaceId: this.workspaceId, id, version })).view;
  }

  /** Makes the object's content that of `version` again, as a new edit (it arrives like anyone's). */
  async restoreVersion(id: string, version: string): Promise<void> {
    await this.connection.request('history:restore', { workspaceId: this.workspaceId, id, version });
  }

  /** Moves an object among its siblings; `orderKey` lies between the two it should sit between. */
  async moveObject(id: string, orderKey: string): Promise<Envelope> {
    const { object } = await this.connection.request('object:move', { workspaceId: this.workspaceId, id, orderKey });
    return this.replaceHeld(id, object);
  }

  async viewAs(level: AccessLevel): Promise<StaticPicture> {
    const body = await this.connection.request('workspace:view-as', { workspaceId: this.workspaceId, level });
    const workspace = this.workspace;
    if (!workspace) throw new ServerError('offline', 'The workspace is not open yet.');
    // The server sends only objects the FDO may see too, so their content is already here.
    const docs: LocalDocState[] = [];
    for (const object of body.objects) {
      const replica = this.replicas.get(object.id);
      if (replica) docs.push({ id: object.id, epoch: replica.epoch, update: replica.stateAsUpdate() });
    }
    return new StaticPicture(workspace, body.level, body.objects, docs);
  }

  /** Where this participant is; sent at most every PRESENCE_INTERVAL_MS (the latest wins). */
  setPresence(state: PresenceUpdate | null): void {
    this.ownPresence = state;
    if (this.presenceTimer) return;
    const wait = Math.max(0, this.presenceSentAt + PRESENCE_INTERVAL_MS - Date.now());
    this.presenceTimer = setTimeout(() => {
      this.presenceTimer = null;
      void this.sendPresence();
    }, wait);
  }

  dismissNotice(id: number): void {
    this.notices = this.notices.filter((notice) => notice.id !== id);
    this.emit();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    const socket = this.connection.socket;
    socket.off('connect', this.start);
    socket.off('disconnect', this.onDisconnect);
    socket.off('object:added', this.onAdded);
    socket.off('object:changed', this.onChanged);
    socket.off('object:removed', this.onRemoved);
    socket.off('doc:update', this.onDocUpdate);
    socket.off('doc:updates', this.onDocUpdates);
    socket.off('doc:reset', this.onDocReset);
    socket.off('awareness', this.onAwareness);
    socket.off('workspace:changed', this.onWorkspaceChanged);
    if (typeof window !== 'undefined') window.removeEventListener('pagehide', this.onPageHide);
    if (this.presenceTimer) clearTimeout(this.presenceTimer);
    this.clearGaps();
    this.keep(true);
    this.deleteForgotten();
    this.store?.close();
    for (const replica of this.storageRetries.keys()) this.forgetRetry(replica);
    this.clearRetries();
    if (socket.connected) {
      // Leaving is a courtesy (the server also drops rooms on disconnect): nothing to tell the user.
      this.connection.request('workspace:leave', { workspaceId: this.workspaceId }).catch(() => undefined);
    }
    for (const replica of this.replicas.values()) replica.destroy();
    this.replicas.clear();
    this.envelopes.clear();
    this.listeners.clear();
  }

  // ---- lifecycle -----------------------------------------------------------------------------

  private start = async (): Promise<void> => {
    this.setStatus('joining');
    const join = ++this.joins;
    const overtaken = () => this.closed || join !== this.joins;
    try {
      await this.restored;
      if (overtaken()) return;
      const loaded = await this.holdingChanges(async () => {
        // Numbers are counted again from this join's answers.
        this.clearGaps();
        const announced = new Set<string>();
        this.announced = announced;
        const joined = await this.connection.request('workspace:join', { workspaceId: this.workspaceId });
        if (overtaken()) return false;
        this.workspace = joined.workspace;
        this.level = joined.level;
        const visible = new Set<string>();
        const take = (objects: readonly Envelope[], seqs: Record<string, number> | undefined) => {
          for (const object of objects) {
            visible.add(object.id);
            this.envelopes.set(object.id, object);
            const seq = seqs?.[object.id];
            if (seq !== undefined) this.seqs.expect(object.id, object.epoch, seq);
            this.toKeep(object.id);
          }
        };
        take(joined.objects, joined.seqs);
        // A large cell answers in pages: each asked for once the previous one is in, so the
        // server never holds more than a page for us. Objects announced meanwhile are kept.
        for (let next = joined.next; next !== undefined; ) {
          const page = await this.nextPage(next);
          if (overtaken()) return false;
          take(page.objects, page.seqs);
          next = page.next;
        }
        for (const id of announced) if (this.envelopes.has(id)) visible.add(id);
        this.announced = null;
        for (const id of Array.from(this.envelopes.keys())) if (!visible.has(id)) this.purge(id);
        await this.syncDocs(Array.from(visible).filter((id) => this.envelopes.has(id)));
        if (overtaken()) return false;
        this.shownFrom = null;
        this.setStatus('live');
        return true;
      });
      if (!loaded) return;
      // The picture just loaded is what a reload while offline shows: kept now, a slice a task.
      this.keep(true);
      this.flushUnacked();
      if (this.ownPresence) void this.sendPresence();
    } catch (error) {
      if (overtaken()) return;
      if (isOffline(error)) return; // the next connect retries
      if (error instanceof ServerError && error.code === 'not_found') {
        // No longer a cell of ours: nothing of it stays, in memory or on disk (the whole database
        // goes, so no record is deleted one by one).
        this.pending.clear();
        this.pendingEdits.set(0);
        for (const id of Array.from(this.envelopes.keys())) this.purge(id);
        void this.store?.clear().catch(() => undefined);
      }
      if (error instanceof ServerError && error.code === 'rate_limited') {
        // Admitted later: the join and the syncs after it start again (both pick up where they were).
        this.rejoinTimer = setTimeout(() => {
          this.rejoinTimer = null;
          void this.start();
        }, retryDelayMs(error));
        return;
      }
      this.setStatus('failed');
      this.notify(`Could not open the workspace: ${describeError(error)}`);
    }
  };

  /**
   * One more page of the join's objects. Pages are charged to the socket's answer budget by size,
   * so a large cell can spend it: a refused page was not given, and its cursor is asked for again
   * when the budget allows (a new join would only spend it again from the first page).
   */
  private async nextPage(cursor: string): Promise<AckBodies['workspace:objects']> {
    for (;;) {
      try {
        return await this.connection.request('workspace:objects', { workspaceId: this.workspaceId, cursor });
      } catch (error) {
        if (!(error instanceof ServerError && error.code === 'rate_limited') || this.closed) throw error;
        await new Promise((resolve) => setTimeout(resolve, retryDelayMs(error)));
        if (this.closed) throw error;
      }
    }
  }

  private onDisconnect = (): void => {
    // Whoever is still there is announced again when the rejoin answers; the rejoin resends edits.
    this.presence.replace([]);
    this.clearRetries();
    this.clearGaps();
    this.setStatus('offline');
  };

  /** Runs `load` with the views told once, at its end, of everything it changed. */
  private async holdingChanges<T>(load: () => Promise<T>): Promise<T> {
    this.holding = true;
    try {
      return await load();
    } finally {
      this.holding = false;
      if (this.held) {
        this.held = false;
        this.emit();
      }
    }
  }

  private clearRetries(): void {
    if (this.rejoinTimer) clearTimeout(this.rejoinTimer);
    if (this.resendTimer) clearTimeout(this.resendTimer);
    this.rejoinTimer = null;
    this.resendTimer = null;
  }

  /**
   * Fetches docs (incrementally when held) and applies them; a changed epoch means a reset. After
   * the first, the batches go SYNCS_IN_FLIGHT at a time while answers are small (pipeline.ts): the
   * server builds one answer while this client applies the one before.
   */
  private async syncDocs(ids: string[], full = false): Promise<void> {
    const batches: string[][] = [];
    for (let start = 0; start < ids.length; start += SYNC_BATCH) batches.push(ids.slice(start, start + SYNC_BATCH));
    const staleEpochs: string[] = [];
    let lastAnswerChars: number | null = null;
    const inFlight = () => (lastAnswerChars !== null && lastAnswerChars <= PIPELINED_ANSWER_MAX_CHARS ? SYNCS_IN_FLIGHT : 1);
    const request = (batch: string[]) =>
      this.connection.request('doc:sync', {
        workspaceId: this.workspaceId,
        // What a replica holds is read when its request goes, so an update taken meanwhile is only sent again.
        docs: batch.map((id) => {
          const replica = this.replicas.get(id);
          return replica && !full ? { id, stateVector: replica.stateVector() } : { id };
        }),
      });
    const take = ({ docs, missing, unavailable = [] }: AckBodies['doc:sync']) => {
      lastAnswerChars = 0;
      for (const { update } of docs) lastAnswerChars += typeof update === 'string' ? update.length : update.byteLength;
      if (this.closed) return;
      for (const id of missing) this.purge(id);
      // The rest of the picture loads; the server names each item it cannot read.
      for (const { error } of unavailable) this.notify(error.message);
      for (const raw of docs) {
        const state = docStateFrom(raw);
        const replica = this.replicas.get(state.id);
        if (!this.envelopes.has(state.id)) continue; // removed while the request was in flight
        if (!replica) this.addReplica(state);
        else if (state.epoch < replica.epoch) continue; // read before a doc:reset that came first
        else if (state.epoch === replica.epoch) replica.applyRemote(state.update);
        else if (full) replica.reset(state.epoch, state.update);
        else {
          staleEpochs.push(state.id);
          continue;
        }
        this.toKeep(state.id);
        this.anchored(state.id, state.epoch, raw.seq);
      }
    };
    await pipelined(batches, inFlight, request, take, () => !this.closed);
    if (this.closed) return;
    if (staleEpochs.length > 0) await this.syncDocs(staleEpochs, true);
    this.emit();
  }

  private addReplica(state: LocalDocState): void {
    this.replicas.set(state.id, new ObjectReplica(state.id, state.epoch, state.update, this.onLocalUpdate));
    this.toKeep(state.id);
  }

  private onLocalUpdate = (replica: ObjectReplica, update: Uint8Array): void => {
    this.toKeep(replica.id, 'now');
    if (this.status === 'live' && !this.resendTimer) void this.sendUpdate(replica, update);
  };

  private flushUnacked(): void {
    for (const replica of this.replicas.values()) {
      for (const merged of replica.mergeUnacked()) void this.sendUpdate(replica, merged);
    }
  }

  private async sendUpdate(replica: ObjectReplica, update: Uint8Array): Promise<void> {
    // The server cannot store yet: the edit waits with the others, all sent together at the retry.
    if (this.storageRetries.get(replica)?.timer) return;
    const epoch = replica.epoch;
    try {
      const { seq } = await this.connection.request('doc:update', { workspaceId: this.workspaceId, id: replica.id, epoch, update });
      replica.acknowledge(update);
      this.toKeep(replica.id, 'soon');
      // The fan-out does not echo an edit back to its only sender: its number comes with the ack.
      if (seq !== undefined && this.replicas.get(replica.id) === replica) this.sawUpdate(replica.id, epoch, seq, seq);
      if (this.storageRetries.delete(replica)) this.notify('The server can store again: the edits kept on this screen are saved.');
    } catch (error) {
      // Kept unacknowledged: resent after the reconnect.
      if (error instanceof ServerError && (error.code === 'offline' || error.code === 'timeout')) return;
      if (error instanceof ServerError && error.code === 'rate_limited') {
        // Kept, and later edits held too: sent one by one they could reach the server before this
        // one they build on. All go merged when the budget allows.
        this.resendTimer ??= setTimeout(() => {
          this.resendTimer = null;
          if (this.status === 'live') this.flushUnacked();
        }, retryDelayMs(error));
        return;
      }
      // Already moved to a new epoch (its reset replayed the edit) or purged.
      if (this.replicas.get(replica.id) !== replica || replica.epoch !== epoch) return;
      if (error instanceof ServerError && error.code === 'unavailable') {
        this.retryWhenStored(replica, error);
        return;
      }
      // Sent before the refusal arrived, it built on the refused edit: the retry sends both.
      if (this.storageRetries.get(replica)?.timer) return;
      this.storageRetries.delete(replica);
      if (error instanceof ServerError && error.code === 'conflict') {
        await this.refetch(replica, true);
        return;
      }
      this.notify(`An edit was not saved: ${describeError(error)} The item shows the server's copy again.`);
      await this.refetch(replica, false);
    }
  }

  /**
   * The server could not store an edit (its disk is full): the unacknowledged edits stay on this
   * screen and are sent again, merged, after a backoff with jitter (so a cell's clients do not all
   * retry at once), until the server takes them. The user is told once, and again when they are saved.
   */
  private retryWhenStored(replica: ObjectReplica, error: ServerError): void {
    const retry = this.storageRetries.get(replica) ?? { attempts: 0, timer: null };
    if (retry.timer) return;
    if (retry.attempts === 0) this.notify(`${error.message} Your edits stay on this screen and are sent again automatically.`);
    retry.attempts++;
    const wait = Math.min(STORAGE_RETRY_MAX_MS, STORAGE_RETRY_MS * 2 ** (retry.attempts - 1)) * (0.5 + Math.random() / 2);
    retry.timer = setTimeout(() => {
      retry.timer = null;
      if (this.closed || this.replicas.get(replica.id) !== replica || this.status !== 'live') return;
      for (const merged of replica.mergeUnacked()) void this.sendUpdate(replica, merged);
    }, wait);
    this.storageRetries.set(replica, retry);
  }

  private forgetRetry(replica: ObjectReplica): void {
    const timer = this.storageRetries.get(replica)?.timer;
    if (timer) clearTimeout(timer);
    this.storageRetries.delete(replica);
  }

  /** Reloads one doc in full; `keepEdits` replays the unacknowledged local edits onto it. */
  private async refetch(replica: ObjectReplica, keepEdits: boolean): Promise<void> {
    try {
      const { docs, missing, unavailable = [] } = await this.connection.request('doc:sync', {
        workspaceId: this.workspaceId,
        docs: [{ id: replica.id }],
      });
      if (missing.includes(replica.id)) {
        this.purge(replica.id);
        return;
      }
      for (const { error } of unavailable) this.notify(error.message);
      const raw = docs[0];
      if (!raw || this.replicas.get(replica.id) !== replica) return;
      const state = docStateFrom(raw);
      // Read before a doc:reset that came first moved the replica on: nothing to take from it.
      if (state.epoch < replica.epoch) return;
      if (!keepEdits) replica.discardUnacked();
      if (state.epoch !== replica.epoch || !keepEdits) replica.reset(state.epoch, state.update);
      else {
        replica.applyRemote(state.update);
        for (const merged of replica.mergeUnacked()) void this.sendUpdate(replica, merged);
      }
      // Its unsent edits changed (discarded, or merged and sent again): kept soon, like an acknowledgement.
      this.toKeep(replica.id, 'soon');
      this.anchored(replica.id, state.epoch, raw.seq);
    } catch (error) {
      // Offline: the rejoin on reconnect resyncs it and resends the edits still unacknowledged.
      if (!isOffline(error)) this.notify(`Could not reload an item from the server: ${describeError(error)}`);
    }
  }

  private async sendPresence(): Promise<void> {
    if (this.status !== 'live' || this.closed) return;
    this.presenceSentAt = Date.now();
    try {
      await this.connection.request('awareness:update', { workspaceId: this.workspaceId, state: this.ownPresence });
    } catch (error) {
      if (error instanceof ServerError && (error.code === 'offline' || error.code === 'rate_limited')) return;
      this.notify(`Your position in the workspace could not be shared: ${describeError(error)}`);
    }
  }

  // ---- server events -------------------------------------------------------------------------

  private onWorkspaceChanged = (workspace: WorkspaceSummary): void => {
    if (workspace.id !== this.workspaceId) return;
    this.workspace = workspace;
    this.emit();
  };

  private onAdded = (envelope: Envelope): void => {
    if (envelope.workspaceId !== this.workspaceId) return;
    this.envelopes.set(envelope.id, envelope);
    this.announced?.add(envelope.id);
    this.emit();
    if (this.replicas.has(envelope.id) || this.status !== 'live') return;
    this.queueAdded([envelope.id]);
  };

  /**
   * New objects to fetch, together: a tearline of a long report announces each portion, and one
   * request for all of them beats one each (the server bounds requests waiting for an answer).
   */
  private queueAdded(ids: Iterable<string>): void {
    if (this.added.size === 0) queueMicrotask(() => this.syncAdded());
    for (const id of ids) this.added.add(id);
  }

  private syncAdded(): void {
    const ids = Array.from(this.added).filter((id) => this.envelopes.has(id) && !this.replicas.has(id));
    this.added.clear();
    if (ids.length === 0 || this.closed) return;
    this.syncDocs(ids).catch((error: unknown) => {
      if (error instanceof ServerError && error.code === 'rate_limited') {
        setTimeout(() => this.queueAdded(ids), retryDelayMs(error));
        return;
      }
      // Offline: the rejoin on reconnect loads every object, these included.
      if (!isOffline(error)) this.notify(`A new item could not be loaded: ${describeError(error)}`);
    });
  }

  private onChanged = (envelope: Envelope): void => {
    if (envelope.workspaceId !== this.workspaceId || !this.envelopes.has(envelope.id)) return;
    this.envelopes.set(envelope.id, envelope);
    this.toKeep(envelope.id);
    this.emit();
  };

  private onRemoved = ({ id }: { id: string }): void => {
    this.purge(id);
  };

  private onDocUpdate = (raw: DocState): void => {
    const replica = this.replicas.get(raw.id);
    if (!replica) {
      // Its copy is on its way (a sync answer read before this update, perhaps): it must hold this one.
      if (raw.seq !== undefined && this.envelopes.has(raw.id)) this.seqs.expect(raw.id, raw.epoch, raw.seq);
      return;
    }
    const state = docStateFrom(raw);
    if (state.epoch === replica.epoch) {
      replica.applyRemote(state.update);
      this.toKeep(replica.id);
      if (raw.seq !== undefined) this.sawUpdate(raw.id, state.epoch, raw.from ?? raw.seq, raw.seq);
    } else if (state.epoch > replica.epoch) void this.refetch(replica, true);
  };

  /** A window of updates for our level in one frame (our own edits included: applying is idempotent). */
  private onDocUpdates = (body: { updates: DocState[] }): void => {
    for (const update of body.updates) this.onDocUpdate(update);
  };

  private onDocReset = (raw: DocState): void => {
    if (!this.envelopes.has(raw.id)) return;
    const state = docStateFrom(raw);
    const replica = this.replicas.get(state.id);
    // The server switches epochs before it sends the reset: a conflict answer or a frame of the
    // new epoch may come first, and the refetch they start already brought this replica to it
    // (with what others wrote since, and its own edits replayed and sent). Reset again, it would
    // drop that and replay the same edits a second time.
    if (replica && state.epoch < replica.epoch) return;
    if (replica && state.epoch === replica.epoch) replica.applyRemote(state.update);
    else if (replica) replica.reset(state.epoch, state.update);
    else this.addReplica(state);
    this.toKeep(state.id);
    this.anchored(state.id, state.epoch, raw.seq);
    this.emit();
  };

  // ---- sequence numbers ------------------------------------------------------------------------

  /** The replica now holds every update of `epoch` through `seq` (absent from servers without numbers). */
  private anchored(id: string, epoch: number, seq: number | undefined): void {
    if (seq === undefined) return;
    this.seqs.anchor(id, epoch, seq);
    this.watchGap(id);
  }

  private sawUpdate(id: string, epoch: number, from: number, seq: number): void {
    this.seqs.saw(id, epoch, from, seq);
    this.watchGap(id);
  }

  /** An object missing a number is synced again (with its state vector) if it still misses one after the wait. */
  private watchGap(id: string): void {
    if (!this.seqs.lacking(id) || this.gapTimers.has(id)) return;
    this.gapTimers.set(
      id,
      setTimeout(() => {
        this.gapTimers.delete(id);
        if (this.closed || !this.replicas.has(id) || !this.seqs.lacking(id)) return;
        // Still joining (a large cell): looked at again after another wait.
        if (this.status === 'joining') return this.watchGap(id);
        if (this.status !== 'live') return;
        this.syncDocs([id]).catch((error: unknown) => {
          // Offline: the rejoin syncs every object. Otherwise the next update's number tries again.
          if (!isOffline(error)) this.notify(`An item could not be brought up to date: ${describeError(error)}`);
        });
      }, this.gapWaitMs),
    );
  }

  private clearGaps(): void {
    for (const timer of this.gapTimers.values()) clearTimeout(timer);
    this.gapTimers.clear();
    this.seqs.clear();
  }

  /** Presence arrives as changes: new or changed states, and the client ids that left. */
  private onAwareness = (body: { workspaceId: string; states: PresenceState[]; removed?: string[] }): void => {
    if (body.workspaceId !== this.workspaceId) return;
    const byClient = new Map(this.presence.getSnapshot().map((state) => [state.clientId, state]));
    for (const id of body.removed ?? []) byClient.delete(id);
    // A batch for our level carries our own state too.
    for (const state of body.states) if (state.clientId !== this.connection.socket.id) byClient.set(state.clientId, state);
    this.presence.replace(Array.from(byClient.values()));
  };

  // ---- state ---------------------------------------------------------------------------------

  /** Forgets an object entirely: envelope, doc and any unsent edit (it is no longer releasable). */
  private purge(id: string): void {
    const replica = this.replicas.get(id);
    if (replica && replica.unacked.length > 0) {
      this.notify('An item you were editing is no longer releasable to you; your unsaved change to it was discarded.');
    }
    if (replica) this.forgetRetry(replica);
    replica?.destroy();
    this.replicas.delete(id);
    this.seqs.forget(id);
    this.unkept.delete(id);
    this.unkeptSoon.delete(id);
    this.unkeptNow.delete(id);
    this.keeping.delete(id);
    this.pending.delete(id);
    this.pendingEdits.set(this.pending.size);
    // Its record leaves the disk too, whether or not it held edits: nothing hidden stays at rest.
    this.forget(id);
    if (this.envelopes.delete(id) || replica) this.emit();
  }

  // ---- the picture and edits kept on disk -------------------------------------------------------

  /** Takes back the picture and edits an earlier page kept: shown at once, edits sent when the join is done. */
  private async restore(store: OfflineStore): Promise<void> {
    let kept: Awaited<ReturnType<OfflineStore['load']>>;
    try {
      kept = await store.load();
    } catch (error) {
      this.keepFailed(error);
      return;
    }
    if (this.closed || kept.records.length === 0) return;
    if (kept.cell) {
      this.workspace = kept.cell.workspace;
      this.level = kept.cell.level;
      this.keptAt = kept.cell.keptAt;
    }
    for (const record of kept.records) {
      const replica = new ObjectReplica(record.id, record.epoch, record.confirmed, this.onLocalUpdate);
      this.envelopes.set(record.id, record.envelope);
      this.replicas.set(record.id, replica);
      // As on disk: a reload's join that changes nothing writes nothing.
      this.keptFrom.set(record.id, { replica, version: replica.version, unacked: 0, envelope: record.envelope });
      if (record.unacked.length > 0) {
        replica.restoreUnsent(record.epoch, record.confirmed, record.unacked);
        this.pending.add(record.id);
      }
    }
    this.pendingEdits.set(this.pending.size);
    if (!this.connection.connected) {
      this.shownFrom = this.keptAt;
      this.setStatus('offline');
    }
    this.emit();
  }

  /** `now` for an edit (written at the end of this task), `soon` for its acknowledgement; the rest is kept lazily. */
  private toKeep(id: string, when: 'now' | 'soon' | 'lazy' = 'lazy'): void {
    if (!this.store) return;
    this.unkept.add(id);
    if (when === 'now') {
      if (this.unkeptNow.size === 0) queueMicrotask(this.keepNow);
      this.unkeptNow.add(id);
    }
    if (when === 'lazy') this.lazyKeepTimer ??= setTimeout(() => this.keep(true), KEEP_LAZY_MS);
    else this.unkeptSoon.add(id);
    // The count of objects waiting follows the soon keep, edits included (see KEEP_DELAY_MS).
    if (when !== 'lazy') this.keepTimer ??= setTimeout(() => this.keep(false), KEEP_DELAY_MS);
  }

  /**
   * Writes the objects edited in this task, in one transaction begun before the task ends, even
   * while a (re)join loads: what a person typed is on disk before the page could be closed.
   */
  private keepNow = (): void => {
    if (this.closed || this.unkeptNow.size === 0) return;
    this.writeKept(this.unkeptNow, Infinity, true);
  };

  /**
   * Writes each changed object's replica and unsent edits to disk, or deletes its record once it is
   * gone: the objects holding unsent edits, or (`all`) every object changed. Not while a (re)join
   * loads (its objects are written once it is done), and a slice at a time, but at `close`.
   */
  private keep(all: boolean, now = this.closed): void {
    const closing = now;
    if (this.holding && !closing) {
      // Written once the load is done: a keep between its sync batches delays the picture.
      if (all) this.lazyKeepTimer = setTimeout(() => this.keep(true), KEEP_LAZY_MS);
      else this.keepTimer = setTimeout(() => this.keep(false), KEEP_DELAY_MS);
      return;
    }
    if (all) {
      if (this.lazyKeepTimer) clearTimeout(this.lazyKeepTimer);
      this.lazyKeepTimer = null;
    }
    if (this.keepTimer) clearTimeout(this.keepTimer);
    this.keepTimer = null;
    if (!this.store) return;
    const ids = all ? this.unkept : this.unkeptSoon;
    for (const id of [...ids, ...this.unkeptNow]) {
      this.keeping.add(id);
      this.unkept.delete(id);
      this.unkeptSoon.delete(id);
      this.unkeptNow.delete(id);
    }
    this.keepSlice(closing);
  }

  /** Writes the next slice of `keeping` (everything, when the page closes), updates the count of objects waiting, and schedules the rest. */
  private keepSlice(everything: boolean): void {
    this.cancelSlice?.();
    this.cancelSlice = null;
    if (!this.store) return;
    this.writeKept(this.keeping, everything ? Infinity : KEEP_SLICE);
    this.pendingEdits.set(this.pending.size);
    if (this.keeping.size > 0) this.cancelSlice = whenIdle(() => this.keepSlice(false), KEEP_SLICE_WAIT_MS);
  }

  /**
   * Takes up to `max` objects out of `ids` and writes their records in one transaction (an object
   * unchanged since its last write is skipped), or deletes the records of those gone. `edits`: the
   * objects just edited, whose write leaves the cell's record as it is once there (an edit says
   * nothing of when the picture was last in step, and each key's write is one record less).
   */
  private writeKept(ids: Set<string>, max: number, edits = false): void {
    const store = this.store;
    if (!store) return;
    const cellKept = edits && this.cellKept?.workspace === this.workspace && this.cellKept.level === this.level;
    // Written while joined, the picture is the server's as of now; while offline, as of the last time it was.
    if (this.status === 'live' && !cellKept) this.keptAt = new Date().toISOString();
    const cell: CellRecord | null = this.workspace && { workspace: this.workspace, level: this.level, keptAt: this.keptAt ?? new Date().toISOString() };
    const records: KeptObject[] = [];
    for (const id of ids) {
      if (records.length >= max) break;
      ids.delete(id);
      const replica = this.replicas.get(id);
      const envelope = this.envelopes.get(id);
      // Listed but not loaded yet (a sync in flight): written when its doc arrives.
      if (envelope && !replica) continue;
      if (!replica || !envelope || !cell) {
        this.pending.delete(id);
        this.forget(id);
        continue;
      }
      if (replica.unacked.length > 0) this.pending.add(id);
      else this.pending.delete(id);
      const from = { replica, version: replica.version, unacked: replica.unacked.length, envelope };
      const kept = this.keptFrom.get(id);
      if (kept && kept.replica === replica && kept.version === from.version && kept.unacked === from.unacked && sameEnvelope(kept.envelope, envelope)) continue;
      this.keptFrom.set(id, from);
      records.push({ id, envelope, epoch: replica.epoch, confirmed: replica.confirmedState(), unacked: [...replica.unacked] });
    }
    if (records.length === 0 || !cell) return;
    store.put(records, cellKept ? null : cell).catch((error: unknown) => this.keepFailed(error));
    this.cellKept = { workspace: cell.workspace, level: cell.level };
  }

  /**
   * The page is going away (a reload, the tab closed): what waits to be kept, lazily or in slices,
   * is written now and whole, so a reload straight after typing, or after the picture loaded,
   * still finds it on disk.
   */
  private onPageHide = (): void => {
    if (!this.closed) this.keep(true, true);
  };

  /** Deletes an object's record: with the others deleted in the same task, in one transaction. */
  private forget(id: string): void {
    this.keptFrom.delete(id);
    if (!this.store) return;
    if (this.unwanted.size === 0) queueMicrotask(() => this.deleteForgotten());
    this.unwanted.add(id);
  }

  private deleteForgotten(): void {
    if (this.unwanted.size === 0 || !this.store) return;
    const ids = Array.from(this.unwanted);
    this.unwanted.clear();
    this.store.delete(ids).catch((error: unknown) => this.keepFailed(error));
  }

  private keepFailedOnce = false;

  private keepFailed(error: unknown): void {
    if (this.keepFailedOnce) return;
    this.keepFailedOnce = true;
    const reason = error instanceof Error ? ` (${error.message})` : '';
    this.notify(`This browser cannot keep the picture and your unsent edits on disk${reason}: edits are still sent while this page stays open.`);
  }

  private notify(message: string): void {
    this.notices = [...this.notices, { id: this.nextNoticeId++, message }];
    this.emit();
  }

  private setStatus(status: PictureStatus): void {
    if (this.status === status) return;
    this.status = status;
    this.emit();
  }

  private buildSnapshot(): PictureSnapshot {
    return {
      status: this.status,
      workspace: this.workspace,
      level: this.level,
      objects: this.envelopes.takeChange() ? Array.from(this.envelopes.values()) : this.snapshot.objects,
      notices: this.notices,
      shownFrom: this.status === 'live' ? null : this.shownFrom,
    };
  }

  private emit(): void {
    if (this.closed) return;
    if (this.holding) {
      this.held = true;
      return;
    }
    this.snapshot = this.buildSnapshot();
    for (const listener of this.listeners) listener();
  }
}

/**
 * The envelopes, noting whether they changed since the snapshot last listed them: a change of
 * status, notices or settings keeps the same objects array, so what the views derive from it (each
 * kind's sorted selection, the map's features) is kept too.
 */
class EnvelopeMap extends Map<string, Envelope> {
  private changed = true;

  override set(id: string, envelope: Envelope): this {
    this.changed = true;
    return super.set(id, envelope);
  }

  override delete(id: string): boolean {
    const deleted = super.delete(id);
    this.changed ||= deleted;
    return deleted;
  }

  override clear(): void {
    this.changed = true;
    super.clear();
  }

  /** True once after any change. */
  takeChange(): boolean {
    const changed = this.changed;
    this.changed = false;
    return changed;
  }
}

/** The same envelope, field by field (a rejoin sends new objects for unchanged envelopes). */
function sameEnvelope(a: Envelope, b: Envelope): boolean {
  if (a === b) return true;
  const keys = Object.keys(a) as (keyof Envelope)[];
  return keys.length === Object.keys(b).length && keys.every((key) => a[key] === b[key]);
}
