// @vitest-environment happy-dom
// The client's live workspace session against an in-memory server double: sync, purge on
// narrowing, offline edits merged on reconnect, and edits carried across a new epoch; unsent edits
// kept in a store across a reload (the IndexedDB store itself runs in test/e2e/offline.test.ts).
import * as Y from 'yjs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { bodyOf, buildContent, encodeFreshContent, fieldsOf } from '../../shared/content';
import type { ClientEvent, ClientPayload, Envelope, PresenceState } from '../../shared/protocol';
import type { Connection } from '../../client/src/session/connection';
import { ServerError } from '../../client/src/session/errors';
import type { CellRecord, KeptObject, OfflineStore } from '../../client/src/session/offlineStore';
import { WorkspaceSession } from '../../client/src/session/workspaceSession';
import { FakeClientSocket } from '../helpers/clientSocket';
import { cellSummary } from '../helpers/clientWorkspace';

const workspace = cellSummary();

function envelope(id: string, epoch = 0): Envelope {
  return {
    id,
    workspaceId: 'ws1',
    kind: 'note',
    marking: 'SECRET//REL TO USA, AUS',
    portion: '(S//REL TO USA, AUS)',
    originator: 'USA',
    parentId: null,
    orderKey: 'a0',
    createdBy: 'usa-analyst',
    createdAt: '2025-01-01T00:00:00.000Z',
    epoch,
  };
}

/** The server side: envelopes and docs per object, epochs, and a log of requests. */
class FakeServer {
  readonly socket = new FakeClientSocket();
  readonly docs = new Map<string, { epoch: number; doc: Y.Doc }>();
  readonly envelopes = new Map<string, Envelope>();
  readonly requests: { event: ClientEvent; payload: unknown }[] = [];
  /** When set, doc:update waits for this before answering. */
  hold: Promise<void> | null = null;
  /** When set, doc:update answers with this error. */
  refuseUpdates: ServerError | null = null;
  /** When set, the next workspace:join answers with this error. */
  refuseJoin: ServerError | null = null;
  /** Objects whose stored content the server cannot read: doc:sync answers them `unavailable`. */
  readonly unreadable = new Set<string>();
  /** When set, a join answers this many objects a page, the rest through workspace:objects. */
  pageSize: number | null = null;
  /** Runs before each workspace:objects page is answered (an announcement arriving mid-listing). */
  beforePage: (() => void) | null = null;
  private listing: Envelope[] = [];
  /** When set, the next workspace:objects answers with this error (the page is not given). */
  refusePage: ServerError | null = null;
  /** When set, each doc:sync waits to be let go (`letSyncGo`) before it answers. */
  holdSyncs = false;
  private readonly heldSyncs: (() => void)[] = [];
  /** doc:sync requests not answered yet, and the most there were at once. */
  syncsUnanswered = 0;
  mostSyncsUnanswered = 0;
  /** doc:sync requests answered with an error instead, by their number (1 is the first). */
  readonly refuseSyncs = new Map<number, ServerError>();

  add(id: string, body: string) {
    const doc = new Y.Doc();
    Y.applyUpdate(doc, buildContent({ body }));
    this.docs.set(id, { epoch: 0, doc });
    this.envelopes.set(id, envelope(id));
  }

  body(id: string) {
    return bodyOf(this.docs.get(id)!.doc).toString();
  }

  /** Another participant's edit, as the server would fan it out. */
  editByOther(id: string, edit: (text: Y.Text) => void) {
    const entry = this.docs.get(id)!;
    const before = Y.encodeStateVector(entry.doc);
    edit(bodyOf(entry.doc));
    return { id, epoch: entry.epoch, update: Y.encodeStateAsUpdate(entry.doc, before) };
  }

  /** A widening re-mark: the doc is rebuilt from its current content in a new epoch. */
  newEpoch(id: string) {
    const entry = this.docs.get(id)!;
    const fresh = new Y.Doc();
    Y.applyUpdate(fresh, encodeFreshContent(entry.doc));
    this.docs.set(id, { epoch: entry.epoch + 1, doc: fresh });
    this.envelopes.set(id, envelope(id, entry.epoch + 1));
    return { id, epoch: entry.epoch + 1, update: Y.encodeStateAsUpdate(fresh) };
  }

  /** Lets the oldest held doc:sync answer. */
  letSyncGo() {
    this.heldSyncs.shift()!();
  }

  sent(event: ClientEvent) {
    return this.requests.filter((request) => request.event === event).map((request) => request.payload);
  }

  connection(): Connection {
    const fake = {
      socket: this.socket,
      get connected() {
        return fake.socket.connected;
      },
      request: async <E extends ClientEvent>(event: E, payload: ClientPayload<E>) => {
        if (!this.socket.connected) throw new ServerError('offline', 'offline');
        this.requests.push({ event, payload });
        return this.answer(event, payload);
      },
      close: () => undefined,
    };
    return fake as unknown as Connection;
  }

  private async answer(event: ClientEvent, payload: unknown): Promise<object> {
    switch (event) {
      case 'workspace:join': {
        const refusal = this.refuseJoin;
        this.refuseJoin = null;
        if (refusal) throw refusal;
        const objects = [...this.envelopes.values()];
        if (this.pageSize === null || objects.length <= this.pageSize) return { level: 'AUS|S|', objects, workspace };
        this.listing = objects.slice(this.pageSize);
        return { level: 'AUS|S|', objects: objects.slice(0, this.pageSize), workspace, next: `after-${this.pageSize}` };
      }
      case 'workspace:objects': {
        const refusal = this.refusePage;
        this.refusePage = null;
        if (refusal) throw refusal;
        this.beforePage?.();
        const objects = this.listing.splice(0, this.pageSize!);
        return this.listing.length > 0 ? { objects, next: `more-${this.listing.length}` } : { objects };
      }
      case 'doc:sync': {
        const number = this.sent('doc:sync').length;
        this.mostSyncsUnanswered = Math.max(this.mostSyncsUnanswered, ++this.syncsUnanswered);
        try {
          if (this.holdSyncs) await new Promise<void>((resolve) => this.heldSyncs.push(resolve));
        } finally {
          this.syncsUnanswered--;
        }
        const refusal = this.refuseSyncs.get(number);
        if (refusal) throw refusal;
        const { docs: asked } = payload as ClientPayload<'doc:sync'>;
        const readable = asked.filter((d) => !this.unreadable.has(d.id));
        const docs = readable.filter((d) => this.docs.has(d.id)).map((d) => {
          const entry = this.docs.get(d.id)!;
          return { id: d.id, epoch: entry.epoch, update: Y.encodeStateAsUpdate(entry.doc, d.stateVector) };
        });
        const unavailable = asked
          .filter((d) => this.unreadable.has(d.id))
          .map((d) => ({ id: d.id, error: { code: 'unavailable', message: `The server cannot read this item's stored content (object ${d.id}).` } }));
        return { docs, missing: readable.filter((d) => !this.docs.has(d.id)).map((d) => d.id), ...(unavailable.length > 0 ? { unavailable } : {}) };
      }
      case 'doc:update': {
        if (this.hold) await this.hold;
        if (this.refuseUpdates) throw this.refuseUpdates;
        const { id, epoch, update } = payload as ClientPayload<'doc:update'>;
        const entry = this.docs.get(id);
        if (!entry) throw new ServerError('not_found', 'No such object.');
        if (entry.epoch !== epoch) throw new ServerError('conflict', 'This object moved to a new epoch.');
        Y.applyUpdate(entry.doc, update);
        return {};
      }
      default:
        return {};
    }
  }
}

/** What the server already holds reaches the disk up to a second after it changed (KEEP_LAZY_MS). */
const LAZILY_KEPT = { timeout: 3000 };

let session: WorkspaceSession | null = null;
afterEach(() => session?.close());

async function open(server: FakeServer) {
  session = new WorkspaceSession(server.connection(), 'ws1');
  await vi.waitFor(() => expect(session!.getSnapshot().status).toBe('live'));
  return session;
}

const clientBody = (s: WorkspaceSession, id: string) => bodyOf(s.replica(id)!.doc).toString();

describe('WorkspaceSession', () => {
  it('joins, loads every releasable doc and applies others’ updates of the current epoch', async () => {
    const server = new FakeServer();
    server.add('n1', 'Convoy sighted.');
    const live = await open(server);
    expect(live.getSnapshot().objects.map((o) => o.id)).toEqual(['n1']);
    expect(clientBody(live, 'n1')).toBe('Convoy sighted.');
    server.socket.fire('doc:update', server.editByOther('n1', (t) => t.insert(15, ' Six trucks.')));
    expect(clientBody(live, 'n1')).toBe('Convoy sighted. Six trucks.');
  });

  it('loads a cell of many objects in one change to the views, not one per step', async () => {
    const server = new FakeServer();
    for (let i = 0; i < 1200; i++) server.add(`n${i}`, `Item ${i}.`);
    session = new WorkspaceSession(server.connection(), 'ws1');
    let changes = 0;
    session.subscribe(() => changes++);
    await vi.waitFor(() => expect(session!.getSnapshot().status).toBe('live'));
    expect(server.sent('doc:sync').length).toBeGreaterThan(1); // several batches
    expect(changes).toBe(1);
    expect(session.getSnapshot().objects).toHaveLength(1200);
  });

  it('keeps two doc:syncs of a load in flight once an answer showed they are small: the next goes once one is applied, and the load converges', async () => {
    const server = new FakeServer();
    for (let i = 0; i < 2000; i++) server.add(`n${i}`, `Item ${i}.`);
    server.holdSyncs = true;
    session = new WorkspaceSession(server.connection(), 'ws1');
    await vi.waitFor(() => expect(server.sent('doc:sync')).toHaveLength(1));
    await new Promise((resolve) => setTimeout(resolve, 20));
    // The first goes alone: nothing is known yet of what an answer weighs.
    expect(server.sent('doc:sync')).toHaveLength(1);
    server.letSyncGo();
    await vi.waitFor(() => expect(server.sent('doc:sync')).toHaveLength(3));
    await new Promise((resolve) => setTimeout(resolve, 20));
    // Two unanswered: no fourth request.
    expect(server.sent('doc:sync')).toHaveLength(3);
    expect(session.replica('n500')).toBeUndefined();
    server.letSyncGo();
    await vi.waitFor(() => expect(server.sent('doc:sync')).toHaveLength(4));
    // The fourth went once the second answer was in the replicas, the third still unanswered.
    expect(session.replica('n999')).toBeDefined();
    expect(session.replica('n1000')).toBeUndefined();
    server.letSyncGo();
    server.letSyncGo();
    await vi.waitFor(() => expect(session!.getSnapshot().status).toBe('live'));
    expect(server.mostSyncsUnanswered).toBe(2);
    const asked = (server.sent('doc:sync') as ClientPayload<'doc:sync'>[]).flatMap((request) => request.docs.map((doc) => doc.id));
    expect(asked).toEqual(Array.from({ length: 2000 }, (_, i) => `n${i}`));
    for (const i of [0, 499, 500, 1999]) expect(clientBody(session, `n${i}`)).toBe(`Item ${i}.`);
  });

  it('asks for the docs of large objects one doc:sync at a time', async () => {
    const server = new FakeServer();
    // 500 objects of 4.5 KB: each answer over 2 MiB.
    for (let i = 0; i < 1500; i++) server.add(`n${i}`, `${i} `.padEnd(4500, 'x'));
    server.holdSyncs = true;
    session = new WorkspaceSession(server.connection(), 'ws1');
    for (let answered = 0; answered < 3; answered++) {
      await vi.waitFor(() => expect(server.sent('doc:sync')).toHaveLength(answered + 1));
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(server.sent('doc:sync')).toHaveLength(answered + 1);
      server.letSyncGo();
    }
    await vi.waitFor(() => expect(session!.getSnapshot().status).toBe('live'));
    expect(server.mostSyncsUnanswered).toBe(1);
    expect(clientBody(session, 'n1499')).toBe('1499 '.padEnd(4500, 'x'));
  });

  it('sends no more doc:syncs after one is refused, applies the answer already coming, and the rejoin syncs the rest', async () => {
    const server = new FakeServer();
    for (let i = 0; i < 2000; i++) server.add(`n${i}`, `Item ${i}.`);
    server.refuseSyncs.set(2, new ServerError('rate_limited', 'Too many messages too fast, or answers too large; slow down.', 20));
    const live = await open(server);
    expect(server.sent('workspace:join')).toHaveLength(2);
    const syncs = server.sent('doc:sync') as ClientPayload<'doc:sync'>[];
    // Three before the rejoin (the second refused, the third already sent with it), then the whole cell again.
    expect(server.requests.map((request) => request.event).filter((event) => event === 'workspace:join' || event === 'doc:sync')).toEqual([
      'workspace:join', 'doc:sync', 'doc:sync', 'doc:sync', 'workspace:join', 'doc:sync', 'doc:sync', 'doc:sync', 'doc:sync',
    ]);
    // The third batch's answer was applied: the rejoin asks for those objects by state vector, and for the refused ones whole.
    const byStateVector = (request: ClientPayload<'doc:sync'>) => request.docs.map((doc) => doc.stateVector !== undefined);
    expect(byStateVector(syncs[3]!).every(Boolean)).toBe(true);
    expect(byStateVector(syncs[4]!).some(Boolean)).toBe(false);
    expect(byStateVector(syncs[5]!).every(Boolean)).toBe(true);
    expect(live.getSnapshot().objects).toHaveLength(2000);
    for (const i of [0, 700, 1999]) expect(clientBody(live, `n${i}`)).toBe(`Item ${i}.`);
  });

  it('loads a cell listed in pages: every page, objects announced meanwhile kept, those no longer listed purged', async () => {
    const server = new FakeServer();
    for (let i = 0; i < 25; i++) server.add(`n${i}`, `Item ${i}.`);
    server.add('gone', 'Narrowed while offline.');
    const live = await open(server);
    server.socket.connected = false;
    server.socket.fire('disconnect');
    server.docs.delete('gone');
    server.envelopes.delete('gone');
    server.pageSize = 10;
    server.beforePage = () => {
      server.beforePage = null;
      server.add('new', 'Created during the listing.');
      server.socket.fire('object:added', server.envelopes.get('new'));
      // Listed by the server only after its pages were made: announced, never paged.
      server.envelopes.delete('new');
    };
    server.socket.connected = true;
    server.socket.fire('connect');
    await vi.waitFor(() => expect(server.sent('workspace:objects')).toHaveLength(2));
    await vi.waitFor(() => expect(live.getSnapshot().status).toBe('live'));
    expect(server.sent('workspace:objects')).toEqual([
      { workspaceId: 'ws1', cursor: 'after-10' },
      { workspaceId: 'ws1', cursor: 'more-5' },
    ]);
    const ids = live.getSnapshot().objects.map((o) => o.id);
    expect(ids).toHaveLength(26);
    expect(ids).toContain('new');
    expect(ids).not.toContain('gone');
    expect(clientBody(live, 'n24')).toBe('Item 24.');
    expect(clientBody(live, 'new')).toBe('Created during the listing.');
  });

  it('asks for a page again when the budget refused it, without joining again', async () => {
    const server = new FakeServer();
    for (let i = 0; i < 25; i++) server.add(`n${i}`, `Item ${i}.`);
    server.pageSize = 10;
    server.refusePage = new ServerError('rate_limited', 'Too many messages too fast, or answers too large; slow down.', 20);
    const live = await open(server);
    expect(server.sent('workspace:join')).toHaveLength(1);
    expect(server.sent('workspace:objects')).toEqual([
      { workspaceId: 'ws1', cursor: 'after-10' },
      { workspaceId: 'ws1', cursor: 'after-10' },
      { workspaceId: 'ws1', cursor: 'more-5' },
    ]);
    expect(live.getSnapshot().objects).toHaveLength(25);
  });

  it('builds an object’s doc only when something needs it, with the object id as guid, and resyncs unbuilt ones incrementally', async () => {
    const server = new FakeServer();
    server.add('n1', 'Convoy sighted.');
    server.add('n2', 'Harbour quiet.');
    const live = await open(server);
    expect(live.replica('n1')!.hasDoc).toBe(false);
    server.socket.fire('doc:update', server.editByOther('n1', (t) => t.insert(15, ' Six trucks.')));
    expect(live.replica('n1')!.hasDoc).toBe(false);
    server.socket.connected = false;
    server.socket.fire('disconnect');
    server.editByOther('n1', (t) => t.insert(0, '0930Z: '));
    server.socket.connected = true;
    server.socket.fire('connect');
    await vi.waitFor(() => expect(server.sent('doc:sync')).toHaveLength(2));
    await vi.waitFor(() => expect(live.getSnapshot().status).toBe('live'));
    const resync = server.sent('doc:sync')[1] as ClientPayload<'doc:sync'>;
    expect(resync.docs.every((doc) => doc.stateVector instanceof Uint8Array)).toBe(true);
    expect(clientBody(live, 'n1')).toBe('0930Z: Convoy sighted. Six trucks.');
    expect(live.replica('n1')!.doc.guid).toBe('n1');
    expect(live.replica('n2')!.hasDoc).toBe(false);
  });

  it('loads every other object when the server cannot read one, and says which', async () => {
    const server = new FakeServer();
    server.add('n1', 'Damaged on disk.');
    server.add('n2', 'Convoy sighted.');
    server.unreadable.add('n1');
    const live = await open(server);
    expect(clientBody(live, 'n2')).toBe('Convoy sighted.');
    expect(live.replica('n1')).toBeUndefined();
    expect(live.getSnapshot().notices.map((n) => n.message)).toEqual(["The server cannot read this item's stored content (object n1)."]);
  });

  it('keeps the same objects array through changes that are not to the objects (what views derive from it is kept)', async () => {
    const server = new FakeServer();
    server.add('n1', 'Convoy sighted.');
    const live = await open(server);
    const before = live.getSnapshot();
    server.socket.fire('workspace:changed', { ...workspace, name: 'Strait watch (renamed)' });
    expect(live.getSnapshot()).not.toBe(before);
    expect(live.getSnapshot().objects).toBe(before.objects);
    server.socket.fire('object:changed', { ...envelope('n1'), orderKey: 'a1' });
    expect(live.getSnapshot().objects).not.toBe(before.objects);
    expect(live.getSnapshot().objects[0]!.orderKey).toBe('a1');
  });

  it('takes a cell’s new settings as the server announces them', async () => {
    const server = new FakeServer();
    const live = await open(server);
    const optedIn = { ...workspace, releasePolicy: { ...workspace.releasePolicy, autoReleaseNations: ['USA'] } };
    server.socket.fire('workspace:changed', { ...optedIn, id: 'other-cell' });
    expect(live.getSnapshot().workspace).toEqual(workspace);
    server.socket.fire('workspace:changed', optedIn);
    expect(live.getSnapshot().workspace).toEqual(optedIn);
  });

  it('sends local edits with their epoch and forgets them once acknowledged', async () => {
    const server = new FakeServer();
    server.add('n1', 'Convoy sighted.');
    const live = await open(server);
    const replica = live.replica('n1')!;
    bodyOf(replica.doc).insert(0, 'UPDATE: ');
    await vi.waitFor(() => expect(server.body('n1')).toBe('UPDATE: Convoy sighted.'));
    expect(server.sent('doc:update')).toMatchObject([{ workspaceId: 'ws1', id: 'n1', epoch: 0 }]);
    await vi.waitFor(() => expect(replica.unacked).toHaveLength(0));
  });

  it('purges an object removed by narrowing, with any unsent edit', async () => {
    const server = new FakeServer();
    server.add('n1', 'Releasable.');
    server.add('n2', 'Soon NOFORN.');
    const live = await open(server);
    server.socket.connected = false;
    server.socket.fire('disconnect');
    const replica = live.replica('n2')!;
    bodyOf(replica.doc).insert(0, 'draft ');
    server.socket.fire('object:removed', { id: 'n2' });
    expect(live.replica('n2')).toBeUndefined();
    expect(live.getSnapshot().objects.map((o) => o.id)).toEqual(['n1']);
    expect(replica.unacked).toHaveLength(0);
    expect(live.getSnapshot().notices.map((n) => n.message)).toEqual([
      'An item you were editing is no longer releasable to you; your unsaved change to it was discarded.',
    ]);
  });

  it('drops on rejoin whatever stopped being releasable while offline', async () => {
    const server = new FakeServer();
    server.add('n1', 'Stays.');
    server.add('n2', 'Narrowed while away.');
    const live = await open(server);
    server.socket.connected = false;
    server.socket.fire('disconnect');
    server.envelopes.delete('n2');
    server.docs.delete('n2');
    server.socket.connected = true;
    server.socket.fire('connect');
    await vi.waitFor(() => expect(live.getSnapshot().status).toBe('live'));
    expect(live.replica('n2')).toBeUndefined();
    expect(live.getSnapshot().objects.map((o) => o.id)).toEqual(['n1']);
  });

  it('keeps edits made offline and merges them with others’ edits on reconnect', async () => {
    const server = new FakeServer();
    server.add('n1', 'Convoy sighted.');
    const live = await open(server);
    server.socket.connected = false;
    server.socket.fire('disconnect');
    expect(live.getSnapshot().status).toBe('offline');
    bodyOf(live.replica('n1')!.doc).insert(15, ' Heading north.');
    server.editByOther('n1', (t) => t.insert(0, '0930Z: '));
    expect(server.sent('doc:update')).toHaveLength(0);
    server.socket.connected = true;
    server.socket.fire('connect');
    await vi.waitFor(() => expect(server.body('n1')).toBe('0930Z: Convoy sighted. Heading north.'));
    expect(clientBody(live, 'n1')).toBe('0930Z: Convoy sighted. Heading north.');
  });

  it('replays unacknowledged edits onto a new epoch’s doc after a reset', async () => {
    const server = new FakeServer();
    server.add('n1', 'Convoy sighted.');
    const live = await open(server);
    let release!: () => void;
    server.hold = new Promise((resolve) => (release = resolve));
    bodyOf(live.replica('n1')!.doc).insert(15, ' Six trucks.');
    await vi.waitFor(() => expect(server.sent('doc:update')).toHaveLength(1));
    // The re-mark lands before our edit is durable: the new epoch does not contain it.
    const reset = server.newEpoch('n1');
    server.hold = null;
    server.socket.fire('doc:reset', reset);
    release();
    expect(live.replica('n1')!.epoch).toBe(1);
    expect(clientBody(live, 'n1')).toBe('Convoy sighted. Six trucks.');
    await vi.waitFor(() => expect(server.body('n1')).toBe('Convoy sighted. Six trucks.'));
    expect(server.sent('doc:update').map((p) => (p as { epoch: number }).epoch)).toEqual([0, 1]);
  });

  it('re-syncs on a conflict answer and resends the edit on the new epoch', async () => {
    const server = new FakeServer();
    server.add('n1', 'Title');
    const live = await open(server);
    server.newEpoch('n1'); // the reset is still on its way to this client
    fieldsOf(live.replica('n1')!.doc).set('title', 'Convoy');
    await vi.waitFor(() => expect(live.replica('n1')!.epoch).toBe(1));
    await vi.waitFor(() => expect(fieldsOf(server.docs.get('n1')!.doc).get('title')).toBe('Convoy'));
    expect(live.getSnapshot().notices).toEqual([]);
  });

  it('a doc:reset arriving after a conflict already moved the replica to its epoch changes nothing it holds', async () => {
    const server = new FakeServer();
    server.add('n1', 'Convoy sighted.');
    const live = await open(server);
    // The server switches epochs before it sends the reset: our edit meets the new epoch first.
    const reset = server.newEpoch('n1');
    bodyOf(live.replica('n1')!.doc).insert(15, ' Six trucks.');
    await vi.waitFor(() => expect(server.body('n1')).toBe('Convoy sighted. Six trucks.'));
    await vi.waitFor(() => expect(live.replica('n1')!.unacked).toHaveLength(0));
    server.socket.fire('doc:update', server.editByOther('n1', (t) => t.insert(0, '0930Z: ')));
    server.socket.fire('doc:reset', reset);
    expect(clientBody(live, 'n1')).toBe('0930Z: Convoy sighted. Six trucks.');
    expect(server.sent('doc:update').map((p) => (p as { epoch: number }).epoch)).toEqual([0, 1]);
  });

  it('a doc:reset arriving while the conflict’s replay is unacknowledged does not replay the edit again', async () => {
    const server = new FakeServer();
    server.add('n1', 'Convoy sighted.');
    const live = await open(server);
    let releaseFirst!: () => void;
    server.hold = new Promise((resolve) => (releaseFirst = resolve));
    const reset = server.newEpoch('n1');
    bodyOf(live.replica('n1')!.doc).insert(15, ' Six trucks.');
    await vi.waitFor(() => expect(server.sent('doc:update')).toHaveLength(1));
    // The replay on the new epoch is held unacknowledged until the reset has arrived.
    let releaseReplay!: () => void;
    server.hold = new Promise((resolve) => (releaseReplay = resolve));
    releaseFirst();
    await vi.waitFor(() => expect(server.sent('doc:update')).toHaveLength(2));
    server.socket.fire('doc:reset', reset);
    releaseReplay();
    await vi.waitFor(() => expect(live.replica('n1')!.unacked).toHaveLength(0));
    expect(server.body('n1')).toBe('Convoy sighted. Six trucks.');
    expect(clientBody(live, 'n1')).toBe('Convoy sighted. Six trucks.');
    expect(server.sent('doc:update').map((p) => (p as { epoch: number }).epoch)).toEqual([0, 1]);
  });

  it('a second connect while a join is under way loads the picture without a failure', async () => {
    const server = new FakeServer();
    server.add('n1', 'Convoy sighted.');
    const live = await open(server);
    server.socket.fire('connect');
    server.socket.fire('connect');
    expect(live.getSnapshot().status).toBe('joining');
    await vi.waitFor(() => expect(live.getSnapshot().status).toBe('live'));
    await vi.waitFor(() => expect(server.sent('doc:sync').length).toBeGreaterThanOrEqual(2));
    expect(live.getSnapshot().notices).toEqual([]);
    expect(clientBody(live, 'n1')).toBe('Convoy sighted.');
  });

  it('says in words when an edit is refused, and shows the server’s copy again', async () => {
    const server = new FakeServer();
    server.add('n1', 'Original.');
    const live = await open(server);
    server.refuseUpdates = new ServerError('forbidden', 'Viewers cannot edit.');
    bodyOf(live.replica('n1')!.doc).insert(0, 'Vandalised. ');
    await vi.waitFor(() =>
      expect(live.getSnapshot().notices.map((n) => n.message)).toEqual([
        "An edit was not saved: Viewers cannot edit. The item shows the server's copy again.",
      ]),
    );
    await vi.waitFor(() => expect(clientBody(live, 'n1')).toBe('Original.'));
  });

  it('keeps the edits a full server disk refused, says so, and sends them again, merged, once it can store', async () => {
    const server = new FakeServer();
    server.add('n1', 'Original.');
    const live = await open(server);
    vi.useFakeTimers();
    try {
      const full = 'The server cannot save right now: its storage is full or failing, so nothing of this request was saved. Try again shortly.';
      server.refuseUpdates = new ServerError('unavailable', full);
      bodyOf(live.replica('n1')!.doc).insert(0, 'Kept. ');
      await vi.waitFor(() =>
        expect(live.getSnapshot().notices.map((n) => n.message)).toEqual([`${full} Your edits stay on this screen and are sent again automatically.`]),
      );
      // Typed while the server cannot store: held here, not sent to be refused again.
      bodyOf(live.replica('n1')!.doc).insert(6, 'Also kept. ');
      expect(server.sent('doc:update')).toHaveLength(1);
      expect(clientBody(live, 'n1')).toBe('Kept. Also kept. Original.');
      // Still full at the first retry: another, later.
      await vi.advanceTimersByTimeAsync(1000);
      expect(server.sent('doc:update')).toHaveLength(2);
      server.refuseUpdates = null;
      await vi.advanceTimersByTimeAsync(2000);
      expect(server.sent('doc:update')).toHaveLength(3);
      expect(server.body('n1')).toBe('Kept. Also kept. Original.');
      expect(live.replica('n1')!.unacked).toHaveLength(0);
      expect(live.getSnapshot().notices.at(-1)?.message).toBe('The server can store again: the edits kept on this screen are saved.');
    } finally {
      vi.useRealTimers();
    }
  });

  it('merges presence changes and forgets who left', async () => {
    const server = new FakeServer();
    const live = await open(server);
    const liam: PresenceState = { clientId: 'c2', sub: 'aus-analyst', name: 'Liam Walsh', nation: 'AUS', view: 'reports' };
    const alex: PresenceState = { clientId: 'c3', sub: 'gbr-analyst', name: 'Harriet Cole', nation: 'GBR' };
    server.socket.fire('awareness', { workspaceId: 'ws1', states: [liam, alex] });
    server.socket.fire('awareness', { workspaceId: 'ws1', states: [{ ...liam, objectId: 'n1' }] });
    server.socket.fire('awareness', { workspaceId: 'ws1', states: [], removed: ['c3'] });
    expect(live.presence.getSnapshot()).toEqual([{ ...liam, objectId: 'n1' }]);
  });

  it('does not list itself when a batch for its level carries its own state', async () => {
    const server = new FakeServer();
    const live = await open(server);
    const liam: PresenceState = { clientId: 'c2', sub: 'aus-analyst', name: 'Liam Walsh', nation: 'AUS' };
    const own: PresenceState = { clientId: server.socket.id, sub: 'aus-viewer', name: 'Me', nation: 'AUS' };
    server.socket.fire('awareness', { workspaceId: 'ws1', states: [own, liam] });
    expect(live.presence.getSnapshot()).toEqual([liam]);
  });

  it('joins again when the server says, after a join refused during a reconnect storm', async () => {
    const server = new FakeServer();
    server.add('n1', 'Convoy sighted.');
    server.refuseJoin = new ServerError('rate_limited', 'Many participants are joining at once. Try again in 1 s.', 20);
    const live = await open(server);
    expect(server.sent('workspace:join')).toHaveLength(2);
    expect(clientBody(live, 'n1')).toBe('Convoy sighted.');
    expect(live.getSnapshot().notices).toEqual([]);
  });

  it('keeps an edit refused as rate_limited, holds later ones, and sends them together when the server says', async () => {
    const server = new FakeServer();
    server.add('n1', 'Convoy sighted.');
    const live = await open(server);
    server.refuseUpdates = new ServerError('rate_limited', 'Too many messages too fast. Try again in 1 s.', 50);
    const text = bodyOf(live.replica('n1')!.doc);
    text.insert(15, ' Six trucks.');
    await vi.waitFor(() => expect(server.sent('doc:update')).toHaveLength(1));
    await new Promise((resolve) => setTimeout(resolve, 0)); // the refusal reaches the session
    server.refuseUpdates = null;
    text.insert(27, ' Heading north.');
    await vi.waitFor(() => expect(server.body('n1')).toBe('Convoy sighted. Six trucks. Heading north.'));
    // The second edit waited for the first instead of overtaking it.
    expect(server.sent('doc:update')).toHaveLength(2);
    expect(live.getSnapshot().notices).toEqual([]);
  });
});

/** The disk of offlineStore.ts as a map: what a reloaded page would find. */
class MemoryStore implements OfflineStore {
  readonly records = new Map<string, KeptObject>();
  cell: CellRecord | null = null;
  cleared = 0;
  async load() {
    return { cell: this.cell, records: [...this.records.values()].map((r) => ({ ...r, unacked: [...r.unacked] })) };
  }
  /** The ids each call wrote (one transaction each). */
  puts: string[][] = [];
  /** The cells each call wrote (null: left as it was). */
  cells: (CellRecord | null)[] = [];
  async put(records: readonly KeptObject[], cell: CellRecord | null) {
    this.puts.push(records.map((record) => record.id));
    this.cells.push(cell);
    for (const record of records) this.records.set(record.id, record);
    if (cell) this.cell = cell;
  }
  /** Records holding edits not yet acknowledged. */
  unsent() {
    return [...this.records.values()].filter((r) => r.unacked.length > 0).map((r) => r.id);
  }
  /** Each call is one transaction. */
  deletions: string[][] = [];
  async delete(ids: readonly string[]) {
    this.deletions.push([...ids]);
    for (const id of ids) this.records.delete(id);
  }
  async clear() {
    this.records.clear();
    this.cell = null;
    this.cleared++;
  }
  close() {}
}

describe('WorkspaceSession: unsent edits kept across a reload', () => {
  /** Opens, goes offline, types into n1, and closes the page without having sent it. */
  async function editOfflineAndReload(server: FakeServer, store: MemoryStore, text: string) {
    const first = new WorkspaceSession(server.connection(), 'ws1', store);
    await vi.waitFor(() => expect(first.getSnapshot().status).toBe('live'));
    server.socket.connected = false;
    server.socket.fire('disconnect');
    bodyOf(first.replica('n1')!.doc).insert(0, text);
    await vi.waitFor(() => expect(first.pendingEdits.getSnapshot()).toBe(1));
    first.close();
    expect(store.unsent()).toEqual(['n1']);
  }

  it('writes an edit to disk in the task that made it, whatever waits to be written lazily', async () => {
    const server = new FakeServer();
    server.add('n1', 'Convoy sighted.');
    server.add('n2', 'Harbour quiet.');
    const store = new MemoryStore();
    const first = new WorkspaceSession(server.connection(), 'ws1', store);
    await vi.waitFor(() => expect(first.getSnapshot().status).toBe('live'));
    server.socket.connected = false;
    server.socket.fire('disconnect');
    store.puts = [];
    store.cells = [];
    server.socket.fire('doc:update', server.editByOther('n2', (t) => t.insert(0, 'Still ')));
    bodyOf(first.replica('n1')!.doc).insert(0, 'UPDATE: ');
    // Only microtasks run: no timer, no other task, no pagehide. The page may be gone after this.
    await Promise.resolve();
    expect(store.puts).toEqual([['n1']]);
    // The cell's record is there since the load: an edit's write is its own record only.
    expect(store.cells).toEqual([null]);
    expect(store.unsent()).toEqual(['n1']);
    const doc = new Y.Doc();
    Y.applyUpdate(doc, store.records.get('n1')!.confirmed);
    for (const update of store.records.get('n1')!.unacked) Y.applyUpdate(doc, update);
    expect(bodyOf(doc).toString()).toBe('UPDATE: Convoy sighted.');
    bodyOf(first.replica('n1')!.doc).insert(8, 'x');
    await Promise.resolve();
    expect(store.records.get('n1')!.unacked).toHaveLength(2);
    first.close();
  });

  it('shows the kept edit after a reload while offline, sends it at the join and then forgets it', async () => {
    const server = new FakeServer();
    server.add('n1', 'Convoy sighted.');
    const store = new MemoryStore();
    await editOfflineAndReload(server, store, 'UPDATE: ');
    session = new WorkspaceSession(server.connection(), 'ws1', store);
    await vi.waitFor(() => expect(session!.getSnapshot().status).toBe('offline'));
    expect(session.getSnapshot()).toMatchObject({ workspace: { id: 'ws1' } });
    expect(session.pendingEdits.getSnapshot()).toBe(1);
    expect(clientBody(session, 'n1')).toBe('UPDATE: Convoy sighted.');
    server.editByOther('n1', (t) => t.insert(15, ' Six trucks.'));
    server.socket.connected = true;
    server.socket.fire('connect');
    await vi.waitFor(() => expect(server.body('n1')).toBe('UPDATE: Convoy sighted. Six trucks.'));
    await vi.waitFor(() => expect(session!.pendingEdits.getSnapshot()).toBe(0));
    await vi.waitFor(() => expect(store.unsent()).toEqual([]));
    expect(clientBody(session, 'n1')).toBe('UPDATE: Convoy sighted. Six trucks.');
  });

  it('replays a kept edit onto the new epoch of an object widened while the page was closed', async () => {
    const server = new FakeServer();
    server.add('n1', 'Convoy sighted.');
    const store = new MemoryStore();
    await editOfflineAndReload(server, store, 'UPDATE: ');
    server.newEpoch('n1');
    server.socket.connected = true;
    session = new WorkspaceSession(server.connection(), 'ws1', store);
    await vi.waitFor(() => expect(server.body('n1')).toBe('UPDATE: Convoy sighted.'));
    expect(server.docs.get('n1')!.epoch).toBe(1);
    await vi.waitFor(() => expect(store.unsent()).toEqual([]));
    // The record kept is the new epoch's replica, the earlier one replaced.
    await vi.waitFor(() => expect(store.records.get('n1')?.epoch).toBe(1), LAZILY_KEPT);
  });

  it('drops a kept edit to an object no longer releasable, says so, and deletes it from disk', async () => {
    const server = new FakeServer();
    server.add('n1', 'Soon NOFORN.');
    const store = new MemoryStore();
    await editOfflineAndReload(server, store, 'draft ');
    server.docs.delete('n1');
    server.envelopes.delete('n1');
    server.socket.connected = true;
    session = new WorkspaceSession(server.connection(), 'ws1', store);
    await vi.waitFor(() => expect(session!.getSnapshot().status).toBe('live'));
    expect(session.replica('n1')).toBeUndefined();
    expect(session.getSnapshot()).toMatchObject({ objects: [] });
    expect(session.pendingEdits.getSnapshot()).toBe(0);
    expect(session.getSnapshot().notices.map((n) => n.message)).toEqual([
      'An item you were editing is no longer releasable to you; your unsaved change to it was discarded.',
    ]);
    expect(store.records.size).toBe(0);
    expect(server.sent('doc:update')).toHaveLength(0);
  });

  it('drops a kept edit the server refuses, says so once, and does not send it again', async () => {
    const server = new FakeServer();
    server.add('n1', 'Convoy sighted.');
    const store = new MemoryStore();
    await editOfflineAndReload(server, store, 'draft ');
    server.refuseUpdates = new ServerError('forbidden', 'Viewers cannot edit.');
    server.socket.connected = true;
    session = new WorkspaceSession(server.connection(), 'ws1', store);
    await vi.waitFor(() => expect(store.unsent()).toEqual([]));
    await vi.waitFor(() => expect(clientBody(session!, 'n1')).toBe('Convoy sighted.'));
    expect(session.pendingEdits.getSnapshot()).toBe(0);
    expect(session.getSnapshot().notices.map((n) => n.message)).toEqual([expect.stringContaining('An edit was not saved: Viewers cannot edit.')]);
    server.socket.fire('disconnect');
    server.socket.fire('connect');
    await vi.waitFor(() => expect(server.sent('workspace:join').length).toBeGreaterThanOrEqual(3));
    await vi.waitFor(() => expect(session!.getSnapshot().status).toBe('live'));
    expect(server.sent('doc:update')).toHaveLength(1);
  });

  it('clears the cell’s store when the cell is no longer ours', async () => {
    const server = new FakeServer();
    server.add('n1', 'Convoy sighted.');
    const store = new MemoryStore();
    await editOfflineAndReload(server, store, 'draft ');
    server.refuseJoin = new ServerError('not_found', 'There is no such workspace, or your nation is not a member of it.');
    server.socket.connected = true;
    session = new WorkspaceSession(server.connection(), 'ws1', store);
    await vi.waitFor(() => expect(session!.getSnapshot().status).toBe('failed'));
    expect(store.cleared).toBe(1);
    expect(store.records.size).toBe(0);
    expect(session.replica('n1')).toBeUndefined();
  });
});

describe('WorkspaceSession: the last-known picture kept on disk', () => {
  const kept = (store: MemoryStore, id: string) => {
    const record = store.records.get(id);
    if (!record) return undefined;
    const doc = new Y.Doc();
    Y.applyUpdate(doc, record.confirmed);
    return bodyOf(doc).toString();
  };

  it('keeps every object the user sees, so a reload while offline shows the whole picture and when it was last in step', async () => {
    const server = new FakeServer();
    server.add('n1', 'Convoy sighted.');
    server.add('n2', 'Harbour quiet.');
    const store = new MemoryStore();
    const first = new WorkspaceSession(server.connection(), 'ws1', store);
    await vi.waitFor(() => expect(first.getSnapshot().status).toBe('live'));
    expect(first.getSnapshot().shownFrom).toBeNull();
    server.socket.fire('doc:update', server.editByOther('n2', (t) => t.insert(14, ' Two tugs.')));
    await vi.waitFor(() => expect(kept(store, 'n2')).toBe('Harbour quiet. Two tugs.'), LAZILY_KEPT);
    expect(kept(store, 'n1')).toBe('Convoy sighted.');
    expect(store.unsent()).toEqual([]);
    first.close();

    server.socket.connected = false;
    session = new WorkspaceSession(server.connection(), 'ws1', store);
    await vi.waitFor(() => expect(session!.getSnapshot().status).toBe('offline'));
    expect(session.getSnapshot().objects.map((o) => o.id).sort()).toEqual(['n1', 'n2']);
    expect(clientBody(session, 'n2')).toBe('Harbour quiet. Two tugs.');
    expect(session.getSnapshot()).toMatchObject({ shownFrom: store.cell!.keptAt });
    expect(session.pendingEdits.getSnapshot()).toBe(0);
    expect(Date.parse(store.cell!.keptAt)).not.toBeNaN();

    server.socket.connected = true;
    server.socket.fire('connect');
    await vi.waitFor(() => expect(session!.getSnapshot().status).toBe('live'));
    expect(session.getSnapshot().shownFrom).toBeNull();
    expect(server.sent('doc:update')).toHaveLength(0);
  });

  it('counts an edit waiting for the server apart from the picture: typing changes nothing the whole workspace follows', async () => {
    const server = new FakeServer();
    server.add('n1', 'Convoy sighted.');
    const store = new MemoryStore();
    session = new WorkspaceSession(server.connection(), 'ws1', store);
    await vi.waitFor(() => expect(session!.getSnapshot().status).toBe('live'));
    let release = () => undefined as void;
    server.hold = new Promise((resolve) => (release = resolve));
    let pictureChanges = 0;
    const counts: number[] = [];
    session.subscribe(() => pictureChanges++);
    session.pendingEdits.subscribe(() => counts.push(session!.pendingEdits.getSnapshot()));
    bodyOf(session.replica('n1')!.doc).insert(0, 'UPDATE: ');
    await vi.waitFor(() => expect(session!.pendingEdits.getSnapshot()).toBe(1));
    release();
    await vi.waitFor(() => expect(session!.pendingEdits.getSnapshot()).toBe(0));
    expect(counts).toEqual([1, 0]);
    expect(pictureChanges).toBe(0);
  });

  it('writes a large cell after its load, in slices, deleting nothing that was never written', async () => {
    const server = new FakeServer();
    for (let i = 0; i < 1200; i++) server.add(`n${i}`, `Item ${i}.`);
    const store = new MemoryStore();
    session = new WorkspaceSession(server.connection(), 'ws1', store);
    let putsWhenLive: number | null = null;
    session.subscribe(() => {
      if (putsWhenLive === null && session!.getSnapshot().status === 'live') putsWhenLive = store.puts.length;
    });
    await vi.waitFor(() => expect(session!.getSnapshot().status).toBe('live'));
    // Nothing written between the load's sync batches: the load is not held up by the disk.
    expect(putsWhenLive).toBe(0);
    await vi.waitFor(() => expect(store.records.size).toBe(1200), LAZILY_KEPT);
    expect(store.puts.length).toBeGreaterThanOrEqual(3);
    expect(Math.max(...store.puts.map((ids) => ids.length))).toBeLessThanOrEqual(500);
    expect(store.deletions).toEqual([]);
  });

  it('writes a large cell after its first slice only when the page is idle, so the read-ahead and a click are not kept waiting', async () => {
    const idle: IdleRequestCallback[] = [];
    vi.stubGlobal('requestIdleCallback', (callback: IdleRequestCallback) => idle.push(callback));
    vi.stubGlobal('cancelIdleCallback', () => undefined);
    try {
      const server = new FakeServer();
      for (let i = 0; i < 1200; i++) server.add(`n${i}`, `Item ${i}.`);
      const store = new MemoryStore();
      session = new WorkspaceSession(server.connection(), 'ws1', store);
      await vi.waitFor(() => expect(session!.getSnapshot().status).toBe('live'));
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(store.records.size).toBe(500);
      const deadline = { didTimeout: false, timeRemaining: () => 10 };
      while (idle.length > 0) idle.shift()!(deadline);
      expect(store.records.size).toBe(1200);
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('writes an object others edit once for a run of their edits, and nothing again at a rejoin that changed nothing', async () => {
    const server = new FakeServer();
    server.add('n1', 'Convoy sighted.');
    server.add('n2', 'Harbour quiet.');
    const store = new MemoryStore();
    session = new WorkspaceSession(server.connection(), 'ws1', store);
    await vi.waitFor(() => expect(store.records.size).toBe(2), LAZILY_KEPT);
    store.puts = [];
    for (let i = 0; i < 5; i++) {
      server.socket.fire('doc:update', server.editByOther('n1', (t) => t.insert(0, `${i}`)));
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await vi.waitFor(() => expect(kept(store, 'n1')).toBe('43210Convoy sighted.'), LAZILY_KEPT);
    expect(store.puts).toEqual([['n1']]);
    store.puts = [];
    server.socket.connected = false;
    server.socket.fire('disconnect');
    server.socket.connected = true;
    server.socket.fire('connect');
    await vi.waitFor(() => expect(session!.getSnapshot().status).toBe('live'));
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(store.puts.flat()).toEqual([]);
  });

  it('writes nothing again after a reload whose join changed nothing', async () => {
    const server = new FakeServer();
    server.add('n1', 'Convoy sighted.');
    server.add('n2', 'Harbour quiet.');
    const store = new MemoryStore();
    const first = new WorkspaceSession(server.connection(), 'ws1', store);
    await vi.waitFor(() => expect(store.records.size).toBe(2), LAZILY_KEPT);
    first.close();
    store.puts = [];
    session = new WorkspaceSession(server.connection(), 'ws1', store);
    await vi.waitFor(() => expect(session!.getSnapshot().status).toBe('live'));
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(store.puts.flat()).toEqual([]);
    expect(clientBody(session, 'n2')).toBe('Harbour quiet.');
  });

  it('deletes a removed object’s record and replaces one whose epoch changed', async () => {
    const server = new FakeServer();
    server.add('n1', 'Convoy sighted.');
    server.add('n2', 'Harbour quiet.');
    const store = new MemoryStore();
    session = new WorkspaceSession(server.connection(), 'ws1', store);
    await vi.waitFor(() => expect(store.records.size).toBe(2), LAZILY_KEPT);
    server.docs.delete('n2');
    server.envelopes.delete('n2');
    server.socket.fire('object:removed', { id: 'n2' });
    await vi.waitFor(() => expect(store.records.has('n2')).toBe(false));
    server.editByOther('n1', (t) => t.insert(15, ' Released.'));
    server.socket.fire('doc:reset', server.newEpoch('n1'));
    await vi.waitFor(() => expect(store.records.get('n1')?.epoch).toBe(1), LAZILY_KEPT);
    expect(kept(store, 'n1')).toBe('Convoy sighted. Released.');
  });
});
