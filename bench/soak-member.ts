// One participant of the soak: a real socket.io client that holds, as the web client does, a Y.Doc
// for every object its level may see, kept current from `doc:updates`, replaced on `doc:reset` (a
// new epoch) and dropped on `object:removed`. It types, points its presence, creates, re-marks and
// asks for releases; an FDO approves what its nation is asked. Every acknowledged edit goes to the
// book, so the end of the soak can check that the server kept each one.
import type { Socket } from 'socket.io-client';
import * as Y from 'yjs';
import { bodyOf, buildContent } from '../shared/content';
import { bytesOf, SYNC_MAX_DOCS, type ClientEvent, type ClientInput, type AckBodies, type DocState, type Envelope, type ErrorCode, type ReleaseRequest } from '../shared/protocol';
import { LEVELS, MIXED_MARKINGS, SHARED_MARKING } from './levels';
import { markerText } from './markers';
import { ask, connectFull, type DevTokens } from './targets/tearline';

/** What a USA member narrows a shared object to (the JPN and KOR levels lose it), and what a release widens back from. */
export const NARROWED_MARKING = MIXED_MARKINGS[1]!.marking;
const RELEASABLE = new Set([NARROWED_MARKING, 'SECRET//NOFORN']);
const KINDS = ['note', 'report', 'event', 'rfi'] as const;
const REMOTE = 'remote';

/** The FDO persona: USA, TOP SECRET, so it sees what the first level sees. */
export const FDO = { persona: 'usa-fdo', nation: 'USA', level: 0 } as const;

/** Answers the server may give in the normal course of a mixed load (a new epoch, an object re-marked away, a race for one request). */
const EXPECTED: Partial<Record<ClientEvent, readonly ErrorCode[]>> = {
  'doc:update': ['conflict', 'not_found'],
  'awareness:update': ['not_found'],
  'object:remark': ['not_found', 'conflict'],
  'release:request': ['not_found', 'conflict', 'bad_request'],
  'release:decide': ['not_found', 'conflict'],
};

/** What the soak did, what the server refused, and every edit it acknowledged. */
export class SoakBook {
  /** Acknowledged edit markers, by object. */
  readonly acked = new Map<string, string[]>();
  readonly done = new Map<string, number>();
  readonly refused = new Map<string, number>();
  readonly errors: string[] = [];
  private readonly pending = new Set<Promise<unknown>>();

  ack(objectId: string, token: string): void {
    const tokens = this.acked.get(objectId);
    if (tokens) tokens.push(token);
    else this.acked.set(objectId, [token]);
  }

  count(what: string): void {
    this.done.set(what, (this.done.get(what) ?? 0) + 1);
  }

  refuse(event: ClientEvent, code: ErrorCode, message: string): void {
    if (EXPECTED[event]?.includes(code)) this.refused.set(`${event} ${code}`, (this.refused.get(`${event} ${code}`) ?? 0) + 1);
    else this.error(`${event} answered ${code}: ${message}`);
  }

  error(what: string): void {
    this.errors.push(what);
  }

  /** Keeps `work` until it settles, so `settle()` can wait for everything in flight. */
  track(work: Promise<unknown>): void {
    const kept = work.catch((error: unknown) => this.error(error instanceof Error ? error.message : String(error)));
    this.pending.add(kept);
    void kept.finally(() => this.pending.delete(kept));
  }

  async settle(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }
}

interface Held {
  envelope: Envelope;
  doc: Y.Doc;
  /** The epoch `doc` belongs to: edits name it, and updates of another epoch are not applied. */
  epoch: number;
  synced: boolean;
}

export class SoakMember {
  private readonly held = new Map<string, Held>();
  private readonly inflight = new Set<Promise<unknown>>();
  private readonly decided = new Set<string>();
  private seq = 0;
  private focus: string | null = null;
  active = true;

  private constructor(
    private readonly serial: number,
    readonly persona: { persona: string; nation: string; level: number },
    private readonly socket: Socket,
    private readonly workspaceId: string,
    private readonly book: SoakBook,
  ) {}

  static async join(tokens: DevTokens, workspaceId: string, persona: SoakMember['persona'], serial: number, book: SoakBook): Promise<SoakMember> {
    const socket = await connectFull(tokens.url, await tokens.of(persona.persona));
    const member = new SoakMember(serial, persona, socket, workspaceId, book);
    member.listen();
    const joined = await ask(socket, 'workspace:join', { workspaceId });
    if (!joined.ok) throw new Error(`${persona.persona} could not join: ${joined.error.code} ${joined.error.message}`);
    await member.hold(joined.objects);
    return member;
  }

  /** Appends or prepends this member's next marker to the body of the object it is in. */
  type(random: () => number): void {
    const id = this.pickFocus(random);
    const held = id ? this.held.get(id) : undefined;
    if (!id || !held) return;
    const token = markerText(this.serial, this.seq++);
    const body = bodyOf(held.doc);
    const update = localUpdate(held.doc, () => body.insert(random() < 0.5 ? 0 : body.length, token));
    this.send('doc:update', { workspaceId: this.workspaceId, id, epoch: held.epoch, update }, () => this.book.ack(id, token), () => this.resync(id));
  }

  presence(random: () => number): void {
    const objectId = this.pickFocus(random);
    this.send('awareness:update', { workspaceId: this.workspaceId, state: objectId ? { objectId, view: 'reports' } : { view: 'map' } });
  }

  create(random: () => number): void {
    const markings = MIXED_MARKINGS.filter((m) => m.levels.includes(this.persona.level));
    const marking = markings[Math.floor(random() * markings.length)]!.marking;
    const token = markerText(this.serial, this.seq++);
    const kind = KINDS[Math.floor(random() * KINDS.length)]!;
    const content = buildContent({ fields: { title: `Soak ${kind} ${token}` }, body: token });
    this.send('object:create', { workspaceId: this.workspaceId, kind, marking, content }, ({ object }) => {
      this.book.ack(object.id, token);
      this.keep(this.hold([object]));
    });
  }

  /** A USA member narrows one of its nation's shared objects. */
  narrow(random: () => number): void {
    const id = this.pickOwn(random, (marking) => marking === SHARED_MARKING);
    if (id) this.send('object:remark', { workspaceId: this.workspaceId, id, marking: NARROWED_MARKING });
  }

  /** A USA member asks its FDO to release a narrowed object to the whole cell. */
  requestRelease(random: () => number): void {
    const id = this.pickOwn(random, (marking) => RELEASABLE.has(marking));
    if (id) this.send('release:request', { workspaceId: this.workspaceId, id, marking: SHARED_MARKING, justification: 'Soak: the partners need it.' });
  }

  /** Stops acting, lets what it sent be answered, then closes its socket. */
  async leave(): Promise<void> {
    this.active = false;
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
    this.socket.disconnect();
    for (const held of this.held.values()) held.doc.destroy();
  }

  private listen(): void {
    this.socket.on('object:added', (envelope: Envelope) => {
      if (this.active) this.keep(this.hold([envelope]));
    });
    this.socket.on('object:changed', (envelope: Envelope) => {
      const held = this.held.get(envelope.id);
      if (held) held.envelope = envelope;
    });
    this.socket.on('object:removed', ({ id }: { id: string }) => this.drop(id));
    this.socket.on('doc:reset', (state: DocState) => {
      if (this.held.has(state.id)) this.replace(state);
    });
    this.socket.on('doc:updates', ({ updates }: { updates: DocState[] }) => {
      for (const state of updates) {
        const held = this.held.get(state.id);
        if (held && held.epoch === state.epoch) Y.applyUpdate(held.doc, bytesOf(state.update), REMOTE);
      }
    });
    this.socket.on('release:changed', (request: ReleaseRequest) => {
      if (!this.active || this.persona.persona !== FDO.persona || request.state !== 'pending' || request.originator !== this.persona.nation) return;
      if (this.decided.has(request.id)) return;
      this.decided.add(request.id);
      this.send('release:decide', { workspaceId: this.workspaceId, requestId: request.id, decision: 'approve' });
    });
  }

  /** Holds a doc for each new envelope at once (updates may arrive before its sync answer), then syncs them. */
  private async hold(envelopes: readonly Envelope[]): Promise<void> {
    const fresh = envelopes.filter((envelope) => !this.held.has(envelope.id));
    for (const envelope of fresh) this.held.set(envelope.id, { envelope, doc: new Y.Doc(), epoch: envelope.epoch, synced: false });
    for (let start = 0; start < fresh.length; start += SYNC_MAX_DOCS) {
      const docs = fresh.slice(start, start + SYNC_MAX_DOCS).map(({ id }) => ({ id }));
      const answer = await ask(this.socket, 'doc:sync', { workspaceId: this.workspaceId, docs });
      if (!answer.ok) {
        this.book.refuse('doc:sync', answer.error.code, answer.error.message);
        continue;
      }
      for (const state of answer.docs) {
        const held = this.held.get(state.id);
        if (!held || state.epoch < held.epoch) continue;
        if (state.epoch > held.epoch) this.replace(state);
        else Y.applyUpdate(held.doc, bytesOf(state.update), REMOTE);
        held.synced = true;
      }
    }
  }

  private replace(state: DocState): void {
    const held = this.held.get(state.id)!;
    held.doc.destroy();
    held.doc = new Y.Doc();
    Y.applyUpdate(held.doc, bytesOf(state.update), REMOTE);
    held.epoch = state.epoch;
    held.synced = true;
  }

  private drop(id: string): void {
    this.held.get(id)?.doc.destroy();
    this.held.delete(id);
    if (this.focus === id) this.focus = null;
  }

  /** After an answer the soak did not expect, the local doc may hold what the server refused: start again from the server's. */
  private resync(id: string): void {
    const held = this.held.get(id);
    if (!held) return;
    this.drop(id);
    this.keep(this.hold([held.envelope]));
  }

  /** The object this member is in: mostly the same one, now and then another. */
  private pickFocus(random: () => number): string | null {
    const current = this.focus ? this.held.get(this.focus) : undefined;
    if (current?.synced && random() > 0.05) return this.focus;
    const synced = [...this.held.values()].filter((held) => held.synced);
    this.focus = synced.length > 0 ? synced[Math.floor(random() * synced.length)]!.envelope.id : null;
    return this.focus;
  }

  /** One of this member's nation's objects at a marking `wanted`; only the originating nation re-marks or asks. */
  private pickOwn(random: () => number, wanted: (marking: string) => boolean): string | null {
    if (this.persona.nation !== 'USA') return null;
    const own = [...this.held.values()].filter((held) => held.envelope.originator === 'USA' && wanted(held.envelope.marking));
    return own.length > 0 ? own[Math.floor(random() * own.length)]!.envelope.id : null;
  }

  private send<E extends ClientEvent>(event: E, payload: ClientInput<E>, onOk?: (body: AckBodies[E]) => void, onUnexpected?: () => void): void {
    const work = ask(this.socket, event, payload).then((answer) => {
      if (answer.ok) {
        this.book.count(event);
        onOk?.(answer);
        return;
      }
      this.book.refuse(event, answer.error.code, answer.error.message);
      if (!EXPECTED[event]?.includes(answer.error.code)) onUnexpected?.();
    });
    this.keep(work);
  }

  /** Work on the socket: `leave` waits for it before closing the socket, and the book before the read-back. */
  private keep(work: Promise<unknown>): void {
    this.inflight.add(work);
    void work.finally(() => this.inflight.delete(work)).catch(() => undefined);
    this.book.track(work);
  }
}

/** The update of one local change, and nothing else the doc holds (never pending structs of other writers). */
function localUpdate(doc: Y.Doc, change: () => void): Uint8Array {
  let update: Uint8Array | null = null;
  const take = (bytes: Uint8Array, origin: unknown) => {
    if (origin !== REMOTE) update = bytes;
  };
  doc.on('update', take);
  try {
    doc.transact(change);
  } finally {
    doc.off('update', take);
  }
  if (!update) throw new Error('a local change made no update');
  return update;
}

/** The level a persona's member stands at, by its index in LEVELS. */
export function levelIndex(persona: string): number {
  return LEVELS.findIndex((level) => level.persona === persona);
}
