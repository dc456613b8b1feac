// Fan-out decides who gets what: only the levels that may see an object, each socket in its
// encoding, one object's updates of a window merged into one, its sender left out when it is the
// only one, and rooms due the same updates sharing one message. In-memory doubles, no server.
import * as Y from 'yjs';
import { afterEach, describe, expect, test, vi } from 'vitest';
import type { DocState, Envelope } from '../../shared/protocol';
import { Fanout } from '../../server/rooms/fanout';
import { encodeBytes } from '../../server/sessions/encoding';
import type { Cell } from '../../server/workspaces/cellRegistry';
import { envelope, fakeCell, FakeIo, fakeMetrics, joinedSocket, participants, type FakeSocket } from '../helpers/fakeSocket';

const { usaTopSecret, gbrSecret, jpnSecret } = participants;
/** A `doc:update` as a binary socket gets it. */
type BinaryDocState = Omit<DocState, 'update'> & { update: Uint8Array };
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** An edit to an object's body, as a client would send it. */
function edit(doc: Y.Doc, text: string): Uint8Array {
  let update: Uint8Array | undefined;
  doc.once('update', (u: Uint8Array) => (update = u));
  doc.getText('body').insert(doc.getText('body').length, text);
  return update!;
}

function bodyOf(...updates: Uint8Array[]): string {
  const doc = new Y.Doc();
  for (const update of updates) Y.applyUpdate(doc, update);
  return doc.getText('body').toString();
}

interface Setup {
  io: FakeIo;
  cell: Cell;
  fanout: Fanout;
  sockets: Record<'usaBin' | 'usaB64' | 'gbrBin' | 'gbrB64' | 'jpnBin' | 'jpnB64', FakeSocket>;
}

/** USA (TS), GBR and JPN (S), each with a binary and a base64 socket; `rel` is USA and GBR only. */
function setup(envelopes: Envelope[] = [envelope('rel', 'SECRET//REL TO USA, GBR'), envelope('fvey', 'SECRET//REL TO USA, FVEY')]): Setup {
  const io = new FakeIo();
  const cell = fakeCell(envelopes, [usaTopSecret, gbrSecret, jpnSecret]);
  const sockets = {
    usaBin: joinedSocket(io, cell, 'usa-bin', usaTopSecret),
    usaB64: joinedSocket(io, cell, 'usa-b64', usaTopSecret, { encoding: 'base64' }),
    gbrBin: joinedSocket(io, cell, 'gbr-bin', gbrSecret),
    gbrB64: joinedSocket(io, cell, 'gbr-b64', gbrSecret, { encoding: 'base64' }),
    jpnBin: joinedSocket(io, cell, 'jpn-bin', jpnSecret),
    jpnB64: joinedSocket(io, cell, 'jpn-b64', jpnSecret, { encoding: 'base64' }),
  };
  return { io, cell, fanout: new Fanout(io.asServer(), fakeMetrics(), 0), sockets };
}

describe('doc updates', () => {
  test('reach only the levels that may see the object, binary sockets as doc:update, base64 ones as doc:updates', async () => {
    const { cell, fanout, sockets } = setup();
    const update = edit(new Y.Doc(), 'contact at grid 38S');
    fanout.update(cell, 'rel', 0, update, 'someone-else', performance.now(), { from: 1, to: 1 });
    await nextTurn();
    for (const socket of [sockets.usaBin, sockets.gbrBin]) {
      expect(socket.got<BinaryDocState>('doc:update')).toEqual([{ id: 'rel', epoch: 0, update, seq: 1 }]);
      expect(socket.got('doc:updates')).toEqual([]);
    }
    for (const socket of [sockets.usaB64, sockets.gbrB64]) {
      expect(socket.got('doc:updates')).toEqual([{ updates: [{ id: 'rel', epoch: 0, update: encodeBytes('base64', update), seq: 1 }] }]);
      expect(socket.got('doc:update')).toEqual([]);
    }
    expect(sockets.jpnBin.received).toEqual([]);
    expect(sockets.jpnB64.received).toEqual([]);
  });

  test('tell the commit policy how many frames each flush wrote: one per socket reached', async () => {
    const { io, cell, sockets } = setup();
    const written: number[] = [];
    const fanout = new Fanout(io.asServer(), fakeMetrics(), 0, { add: (frames) => written.push(frames) });
    fanout.update(cell, 'rel', 0, edit(new Y.Doc(), 'a'), 'usa-bin', performance.now(), { from: 1, to: 1 });
    fanout.update(cell, 'fvey', 0, edit(new Y.Doc(), 'b'), 'usa-bin', performance.now(), { from: 1, to: 1 });
    await nextTurn();
    // Both objects reach USA and GBR only: binary sockets get a frame per object, base64 ones one for both.
    expect(written).toEqual([2 + 2 + 2]);
    expect(sockets.gbrB64.got('doc:updates')).toHaveLength(1);
  });

  test('emit nothing to rooms without a socket: a cell whose sockets all take base64 encodes no binary packet, and the reverse', async () => {
    const { io, cell, fanout, sockets } = setup();
    for (const socket of [sockets.usaBin, sockets.gbrBin, sockets.jpnBin]) io.sockets.delete(socket.id);
    fanout.update(cell, 'fvey', 0, edit(new Y.Doc(), 'a'), 'someone-else', performance.now(), { from: 1, to: 1 });
    await nextTurn();
    expect(io.emitted('doc:update')).toEqual([]);
    expect(io.emitted('doc:updates')).toHaveLength(1);
    expect(sockets.usaB64.got('doc:updates')).toHaveLength(1);

    for (const socket of [sockets.usaB64, sockets.gbrB64, sockets.jpnB64]) io.sockets.delete(socket.id);
    io.add(sockets.usaBin);
    fanout.update(cell, 'fvey', 0, edit(new Y.Doc(), 'b'), 'someone-else', performance.now(), { from: 1, to: 1 });
    await nextTurn();
    expect(io.emitted('doc:updates')).toHaveLength(1);
    const [binary, ...more] = io.emitted('doc:update');
    expect(more).toEqual([]);
    expect(binary!.rooms.every((room) => room.startsWith('bin:'))).toBe(true);
    expect(sockets.usaBin.got('doc:update')).toHaveLength(1);
  });

  test("merge one object's updates of a window into one, and leave out its only sender", async () => {
    const { cell, fanout, sockets } = setup();
    const doc = new Y.Doc();
    const first = edit(doc, 'first ');
    const second = edit(doc, 'second');
    fanout.update(cell, 'rel', 0, first, 'usa-bin', performance.now(), { from: 1, to: 1 });
    fanout.update(cell, 'rel', 0, second, 'usa-bin', performance.now(), { from: 2, to: 2 });
    await nextTurn();
    expect(sockets.usaBin.received).toEqual([]);
    const [merged, ...more] = sockets.gbrBin.got<BinaryDocState>('doc:update');
    expect(more).toEqual([]);
    expect(bodyOf(merged!.update)).toBe('first second');
    // The merge holds numbers 1 through 2.
    expect([merged!.from, merged!.seq]).toEqual([1, 2]);
    const [frame, ...moreFrames] = sockets.usaB64.got<{ updates: DocState[] }>('doc:updates');
    expect(moreFrames).toEqual([]);
    expect(frame!.updates).toHaveLength(1);
    expect([frame!.updates[0]!.from, frame!.updates[0]!.seq]).toEqual([1, 2]);
  });

  test('numbers that do not follow on (one still on its way from another node) go as separate items, lowest first, never one claiming a number it lacks', async () => {
    const { cell, fanout, sockets } = setup();
    const doc = new Y.Doc();
    const updates = ['a', 'b', 'c', 'd'].map((text) => edit(doc, text));
    // 4 arrives first, then 1 and 2; 3 is not here (yet).
    fanout.update(cell, 'rel', 0, updates[3]!, '', performance.now(), { from: 4, to: 4 });
    fanout.update(cell, 'rel', 0, updates[0]!, '', performance.now(), { from: 1, to: 1 });
    fanout.update(cell, 'rel', 0, updates[1]!, '', performance.now(), { from: 2, to: 2 });
    await nextTurn();
    const binary = sockets.gbrBin.got<BinaryDocState>('doc:update');
    expect(binary.map(({ from, seq }) => [from, seq])).toEqual([
      [1, 2],
      [undefined, 4],
    ]);
    expect(bodyOf(binary[0]!.update)).toBe('ab');
    const [frame] = sockets.gbrB64.got<{ updates: DocState[] }>('doc:updates');
    expect(frame!.updates.map(({ from, seq }) => [from, seq])).toEqual([
      [1, 2],
      [undefined, 4],
    ]);
  });

  test('with several senders in a window, each gets the merge (it is idempotent)', async () => {
    const { cell, fanout, sockets } = setup();
    const mine = edit(new Y.Doc(), 'mine');
    const theirs = edit(new Y.Doc(), 'theirs');
    fanout.update(cell, 'rel', 0, mine, 'usa-bin', performance.now(), { from: 1, to: 1 });
    fanout.update(cell, 'rel', 0, theirs, 'gbr-bin', performance.now(), { from: 2, to: 2 });
    await nextTurn();
    for (const socket of [sockets.usaBin, sockets.gbrBin]) {
      const got = socket.got<BinaryDocState>('doc:update');
      expect(got).toHaveLength(1);
      expect(bodyOf(got[0]!.update)).toBe(bodyOf(mine, theirs));
    }
  });

  test("a base64 level gets one frame per window with every object it may see, and only those; levels due the same share one message", async () => {
    const { io, cell, fanout, sockets } = setup();
    const rel = edit(new Y.Doc(), 'rel');
    const fvey = edit(new Y.Doc(), 'fvey');
    fanout.update(cell, 'rel', 0, rel, 'x', performance.now(), { from: 1, to: 1 });
    fanout.update(cell, 'fvey', 0, fvey, 'x', performance.now(), { from: 1, to: 1 });
    await nextTurn();
    const both = [
      { id: 'rel', epoch: 0, update: encodeBytes('base64', rel), seq: 1 },
      { id: 'fvey', epoch: 0, update: encodeBytes('base64', fvey), seq: 1 },
    ];
    expect(sockets.usaB64.got('doc:updates')).toEqual([{ updates: both }]);
    expect(sockets.gbrB64.got('doc:updates')).toEqual([{ updates: both }]);
    // JPN is not in FVEY: nothing at all.
    expect(sockets.jpnB64.received).toEqual([]);
    // USA and GBR are due the same updates: one message, encoded once, for both rooms.
    expect(io.emitted('doc:updates')).toHaveLength(1);
    expect(io.emitted('doc:updates')[0]!.rooms).toHaveLength(2);
  });

  test("delivers to this node's sockets only (io.local): with several nodes each delivers what the relay brings it, filtered by its own envelopes", async () => {
    const { io, cell, fanout, sockets } = setup();
    const clusterWide: string[] = [];
    const local = io.to.bind(io);
    Object.defineProperty(io, 'local', { value: { to: local } });
    io.to = (rooms) => {
      clusterWide.push(...[rooms].flat());
      return local(rooms);
    };
    fanout.update(cell, 'rel', 0, edit(new Y.Doc(), 'rel'), 'x', performance.now(), { from: 1, to: 1 });
    await nextTurn();
    const levels = cell.audience.levelsForObject('rel');
    fanout.envelope(cell, 'object:changed', cell.index.get('rel')!.envelope, levels);
    fanout.removed(cell, 'fvey', levels);
    fanout.reset(cell, 'rel', 1, edit(new Y.Doc(), 'reset'), levels, 0);
    expect(sockets.usaBin.got('doc:update')).toHaveLength(1);
    expect(io.emits.length).toBeGreaterThan(3);
    expect(clusterWide).toEqual([]);
  });

  test('a portion reaches only the levels that may see its report too', async () => {
    const { cell, fanout, sockets } = setup([
      envelope('report', 'SECRET//REL TO USA, GBR'),
      envelope('portion', 'UNCLASSIFIED', { parentId: 'report', kind: 'portion' }),
    ]);
    fanout.update(cell, 'portion', 0, edit(new Y.Doc(), 'p'), 'x', performance.now(), { from: 1, to: 1 });
    await nextTurn();
    expect(sockets.gbrBin.got('doc:update')).toHaveLength(1);
    expect(sockets.jpnBin.received).toEqual([]);
    expect(sockets.jpnB64.received).toEqual([]);
  });

  test('updates of an epoch a re-mark replaced are dropped: the doc:reset carries them', async () => {
    const { cell, fanout, sockets } = setup();
    fanout.update(cell, 'rel', 0, edit(new Y.Doc(), 'old epoch'), 'x', performance.now(), { from: 1, to: 1 });
    const fresh = edit(new Y.Doc(), 'new epoch');
    fanout.reset(cell, 'rel', 1, fresh, cell.audience.levelsForObject('rel'), 0);
    await nextTurn();
    expect(sockets.gbrBin.received).toEqual([{ event: 'doc:reset', payload: { id: 'rel', epoch: 1, update: fresh, seq: 0 } }]);
    expect(sockets.gbrB64.received).toEqual([{ event: 'doc:reset', payload: { id: 'rel', epoch: 1, update: encodeBytes('base64', fresh), seq: 0 } }]);
    expect(sockets.jpnBin.received).toEqual([]);

    // Queued before the index moved to a new epoch without a reset in between: dropped as well.
    fanout.update(cell, 'rel', 1, edit(new Y.Doc(), 'stale'), 'x', performance.now(), { from: 1, to: 1 });
    cell.index.put({ ...cell.index.get('rel')!.envelope, epoch: 2 });
    await nextTurn();
    expect(sockets.gbrBin.got('doc:update')).toEqual([]);
  });
});

describe('envelopes', () => {
  test("each level gets the envelope as it may see it: a tearline's source only where the source is visible", () => {
    const { cell, fanout, sockets } = setup([envelope('source', 'SECRET//NOFORN'), envelope('tearline', 'SECRET//REL TO USA, GBR', { sourceId: 'source' })]);
    const tearline = cell.index.get('tearline')!.envelope;
    fanout.envelope(cell, 'object:added', tearline, cell.audience.levelsForObject('tearline'));
    expect(sockets.usaBin.got('object:added')).toEqual([tearline]);
    const { sourceId: _hidden, ...withoutSource } = tearline;
    expect(sockets.gbrBin.got('object:added')).toEqual([withoutSource]);
    expect(sockets.gbrB64.got('object:added')).toEqual([withoutSource]);
    expect(sockets.jpnBin.received).toEqual([]);
  });

  test('object:removed goes to the levels given, and to no other', () => {
    const { cell, fanout, sockets } = setup();
    fanout.removed(cell, 'rel', ['GBR|S|']);
    expect(sockets.gbrBin.got('object:removed')).toEqual([{ id: 'rel' }]);
    expect(sockets.gbrB64.got('object:removed')).toEqual([{ id: 'rel' }]);
    expect(sockets.usaBin.received).toEqual([]);
    expect(sockets.jpnBin.received).toEqual([]);
  });
});

describe('updates relayed from other nodes', () => {
  afterEach(() => vi.useRealTimers());

  /** A fan-out whose relayed updates are paced 25 ms, on a clock the test moves. */
  function paced() {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setImmediate'] });
    const { io, cell, sockets } = setup();
    const clock = { now: 0 };
    const written: number[] = [];
    const fanout = new Fanout(io.asServer(), fakeMetrics(), 0, { add: (frames) => written.push(frames) }, () => 25, () => clock.now);
    const advance = (ms: number) => {
      clock.now += ms;
      vi.advanceTimersByTime(ms);
    };
    return { cell, sockets, fanout, written, advance };
  }

  test('arriving between this node\'s commits share one frame per socket (each other node\'s commit used to cost one)', () => {
    const { cell, sockets, fanout, written, advance } = paced();
    fanout.update(cell, 'rel', 0, edit(new Y.Doc(), 'local'), 'usa-bin', 0, { from: 1, to: 1 });
    vi.runOnlyPendingTimers();
    // `rel` reaches USA and GBR: a binary and a base64 socket each.
    expect(written).toEqual([4]);
    // Three other nodes' commits, 5 ms apart, within the pace: nothing goes out yet.
    const relayed = ['a', 'b', 'c'].map((text) => edit(new Y.Doc(), text));
    relayed.forEach((update, i) => {
      advance(5);
      fanout.relayed(cell, 'rel', 0, update, { from: i + 2, to: i + 2 });
    });
    expect(written).toEqual([4]);
    expect(sockets.gbrBin.got('doc:update')).toHaveLength(1);
    advance(10);
    // One frame per socket for the three, merged, and to the local writer's socket too (it has not got them).
    expect(written).toEqual([4, 4]);
    const [, merged] = sockets.gbrBin.got<BinaryDocState>('doc:update');
    expect(bodyOf(merged!.update)).toBe(bodyOf(...relayed));
    expect(sockets.usaBin.got('doc:update')).toHaveLength(1);
    expect(sockets.gbrB64.got('doc:updates')).toHaveLength(2);
  });

  test('go out with the next local flush, without waiting for the pace', () => {
    const { cell, sockets, fanout, written, advance } = paced();
    fanout.update(cell, 'rel', 0, edit(new Y.Doc(), 'first'), 'usa-bin', 0, { from: 1, to: 1 });
    vi.runOnlyPendingTimers();
    advance(3);
    fanout.relayed(cell, 'fvey', 0, edit(new Y.Doc(), 'theirs'), { from: 1, to: 1 });
    fanout.update(cell, 'rel', 0, edit(new Y.Doc(), 'second'), 'usa-bin', 3, { from: 1, to: 1 });
    vi.runOnlyPendingTimers();
    expect(written).toHaveLength(2);
    expect(sockets.gbrB64.got<{ updates: DocState[] }>('doc:updates').map((frame) => frame.updates.map((u) => u.id))).toEqual([['rel'], ['fvey', 'rel']]);
  });

  test('long after the last flush go out at once', () => {
    const { cell, sockets, fanout, advance } = paced();
    advance(1000);
    fanout.relayed(cell, 'rel', 0, edit(new Y.Doc(), 'lone'), { from: 1, to: 1 });
    vi.runAllTicks();
    vi.advanceTimersToNextTimer();
    expect(sockets.gbrBin.got('doc:update')).toHaveLength(1);
  });
});
