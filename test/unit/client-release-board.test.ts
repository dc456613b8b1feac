// The client's release board against a socket double: loaded on every (re)join, kept live by
// `release:changed` and by its own acks, inbox only for FDOs of the originator nation, and a
// decision never undone by a notification that crossed it.
import { describe, expect, it, vi } from 'vitest';
import type { ClientEvent, ReleaseRequest } from '../../shared/protocol';
import type { Connection } from '../../client/src/session/connection';
import { ServerError } from '../../client/src/session/errors';
import type { PictureSnapshot, PictureStatus } from '../../client/src/session/picture';
import { PresenceStore } from '../../client/src/session/presenceStore';
import { ReleaseBoard, type ReleaseViewer } from '../../client/src/session/releaseBoard';
import { FakeClientSocket } from '../helpers/clientSocket';

/** The bits of a workspace session the board watches: its id and its status. */
class FakeSession {
  readonly workspaceId = 'ws1';
  private status: PictureStatus = 'joining';
  private readonly listeners = new Set<() => void>();
  subscribe = (listener: () => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };
  getSnapshot = () => ({ status: this.status }) as PictureSnapshot;
  replica = () => undefined;
  readonly editable = true;
  readonly presence = new PresenceStore();
  set(status: PictureStatus) {
    this.status = status;
    for (const listener of this.listeners) listener();
  }
}

function request(id: string, patch: Partial<ReleaseRequest> = {}): ReleaseRequest {
  return {
    id,
    workspaceId: 'ws1',
    objectId: `obj-${id}`,
    originator: 'USA',
    fromMarking: 'SECRET//REL TO USA, AUS',
    targetMarking: 'SECRET//REL TO USA, AUS, JPN',
    justification: 'JPN patrol.',
    requestedBy: { sub: 'aus-analyst', name: 'Liam Walsh', nation: 'AUS' },
    requestedAt: '2026-03-01T12:00:00.000Z',
    deadline: '2026-03-01T13:00:00.000Z',
    state: 'pending',
    ...patch,
  } as ReleaseRequest;
}

const approved = (r: ReleaseRequest): ReleaseRequest =>
  ({ ...r, state: 'approved', closedAt: '2026-03-01T12:10:00.000Z', decidedBy: { sub: 'usa-fdo', name: 'Jordan Blake', nation: 'USA' } }) as ReleaseRequest;

const failed = (r: ReleaseRequest): ReleaseRequest =>
  ({ ...r, state: 'failed', closedAt: '2026-03-01T12:10:01.000Z', decidedBy: { sub: 'usa-fdo', name: 'Jordan Blake', nation: 'USA' }, failure: 'The item is still marked SECRET//REL TO USA, AUS.' }) as ReleaseRequest;

type Lists = { inbox: ReleaseRequest[]; mine: ReleaseRequest[]; failed: ReleaseRequest[] };

function setup(viewer: ReleaseViewer, lists: Lists = { inbox: [], mine: [], failed: [] }) {
  const socket = new FakeClientSocket();
  const session = new FakeSession();
  const calls: { event: ClientEvent; payload: unknown }[] = [];
  let answer: (event: ClientEvent, payload: unknown) => unknown = (event) => {
    if (event === 'release:list') return lists;
    throw new Error(`unexpected ${event}`);
  };
  const connection = {
    socket,
    request: vi.fn(async (event: ClientEvent, payload: unknown) => {
      calls.push({ event, payload });
      return answer(event, payload);
    }),
  } as unknown as Connection;
  const board = new ReleaseBoard(connection, session, viewer);
  return { board, socket, session, calls, answerWith: (next: typeof answer) => (answer = next) };
}

const fdo: ReleaseViewer = { sub: 'usa-fdo', nation: 'USA', roles: ['editor', 'fdo'] };
const ausAnalyst: ReleaseViewer = { sub: 'aus-analyst', nation: 'AUS', roles: ['editor'] };
const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('ReleaseBoard', () => {
  it('loads the inbox and own requests each time the session (re)joins', async () => {
    const first = request('r1');
    const { board, session, calls } = setup(fdo, { inbox: [first], mine: [], failed: [] });
    expect(calls).toEqual([]);
    session.set('live');
    await flush();
    expect(calls).toEqual([{ event: 'release:list', payload: { workspaceId: 'ws1' } }]);
    expect(board.getSnapshot()).toMatchObject({ loaded: true, inbox: [first], mine: [], error: null });
    session.set('live');
    await flush();
    expect(calls).toHaveLength(1);
    session.set('offline');
    session.set('live');
    await flush();
    expect(calls).toHaveLength(2);
  });

  it('puts a new request in the inbox of an FDO of the originator nation, live, and drops it once decided', async () => {
    const { board, session, socket } = setup(fdo);
    session.set('live');
    await flush();
    const soon = request('r2', { deadline: '2026-03-01T12:30:00.000Z' });
    socket.fire('release:changed', request('r1'));
    socket.fire('release:changed', soon);
    expect(board.getSnapshot().inbox.map((r) => r.id)).toEqual(['r2', 'r1']);
    socket.fire('release:changed', approved(soon));
    expect(board.getSnapshot().inbox.map((r) => r.id)).toEqual(['r1']);
    expect(board.getSnapshot().mine).toEqual([]);
  });

  it('keeps the requester’s own requests with their outcome, and nobody else’s', async () => {
    const { board, session, socket } = setup(ausAnalyst);
    session.set('live');
    await flush();
    const mine = request('r1');
    socket.fire('release:changed', mine);
    socket.fire('release:changed', request('r9', { requestedBy: { sub: 'aus-other', name: 'Other', nation: 'AUS' } }));
    socket.fire('release:changed', request('r8', { workspaceId: 'ws2' }));
    const denied = { ...mine, state: 'denied', closedAt: '2026-03-01T12:05:00.000Z', decidedBy: { sub: 'usa-fdo', name: 'J', nation: 'USA' }, reason: 'Source.' } as ReleaseRequest;
    socket.fire('release:changed', denied);
    expect(board.getSnapshot()).toMatchObject({ inbox: [], mine: [denied] });
  });

  it('never shows an FDO of another nation the request', async () => {
    const { board, session, socket } = setup({ sub: 'gbr-fdo', nation: 'GBR', roles: ['editor', 'fdo'] });
    session.set('live');
    await flush();
    socket.fire('release:changed', request('r1'));
    expect(board.getSnapshot().inbox).toEqual([]);
  });

  it('does not let a late pending notification undo a decision it crossed', async () => {
    const pending = request('r1');
    const { board, session, socket, answerWith } = setup(fdo, { inbox: [pending], mine: [], failed: [] });
    session.set('live');
    await flush();
    answerWith((event) => (event === 'release:decide' ? { request: approved(pending) } : { inbox: [], mine: [], failed: [] }));
    await board.decide('r1', 'approve');
    socket.fire('release:changed', pending);
    expect(board.getSnapshot().inbox).toEqual([]);
  });

  it('shows an FDO their nation’s releases that could not be carried out, loaded and live, and never lets a late approval hide one', async () => {
    const earlier = failed(request('r0', { requestedAt: '2026-03-01T11:00:00.000Z' }));
    const { board, session, socket, answerWith } = setup(fdo, { inbox: [request('r1')], mine: [], failed: [earlier] });
    session.set('live');
    await flush();
    expect(board.getSnapshot().failed).toEqual([earlier]);
    // The approval's ack answers `failed` (its re-mark could not be carried out); the approval notification crosses it.
    answerWith((event) => (event === 'release:decide' ? { request: failed(request('r1')) } : { inbox: [], mine: [], failed: [] }));
    await board.decide('r1', 'approve');
    socket.fire('release:changed', approved(request('r1')));
    expect(board.getSnapshot()).toMatchObject({ inbox: [], failed: [failed(request('r1')), earlier] });
  });

  it('says in words why the list could not be loaded', async () => {
    const { board, session, answerWith } = setup(fdo);
    answerWith(() => {
      throw new ServerError('not_found', 'No such cell.');
    });
    session.set('live');
    await flush();
    expect(board.getSnapshot()).toMatchObject({ loaded: false, error: 'Release requests could not be loaded: No such cell.' });
  });
});
