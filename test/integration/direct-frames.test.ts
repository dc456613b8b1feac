// Room broadcasts written straight to each WebSocket: the same bytes socket.io would send, never
// ahead of a packet engine.io still holds, through engine.io whenever the direct path cannot be
// taken (long polling, binary attachments, a socket with buffered output, internals other than
// the verified ones), and the same over any adapter built on the in-memory one, a cluster
// adapter included.
import { EventEmitter } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server, type Namespace } from 'socket.io';
import { Adapter, ClusterAdapter, type ClusterMessage, type ClusterResponse } from 'socket.io-adapter';
import type { Socket as ClientSocket } from 'socket.io-client';
import { expect, test } from 'vitest';
import {
  VERIFIED_VERSIONS,
  directFrameSupport,
  installedVersions,
  withDirectFrames,
  type DirectFrameOptions,
  type FrameCounts,
} from '../../server/rooms/directFrames';
import { rawSockets } from '../helpers/rawSockets';

type AdapterOption = ConstructorParameters<typeof Server>[1] extends infer O ? (O extends { adapter?: infer A } ? A : never) : never;

interface Node {
  io: Server;
  url: string;
}

const { join, started } = rawSockets<Node>();

function directOptions(installed = installedVersions()): DirectFrameOptions & { counts: FrameCounts; warnings: string[] } {
  const warnings: string[] = [];
  return { counts: { direct: 0, engine: 0 }, installed, warnings, log: { warn: (details) => warnings.push(JSON.stringify(details)) } };
}

/** The script every node runs on `script`: per-socket emits (always through engine.io) between room broadcasts. */
function runScript(io: Server, socket: { emit(event: string, value: unknown): void }, count: number): void {
  for (let i = 0; i < count; i++) {
    if (i % 3 === 0) socket.emit('seq', i);
    else io.to('room').emit('seq', i);
  }
}

async function startNode(adapter?: AdapterOption): Promise<Node> {
  const http = createServer();
  const io = new Server(http, adapter ? { adapter } : {});
  io.on('connection', (socket) => {
    void socket.join('room');
    socket.on('script', (count: number) => runScript(io, socket, count));
    // Two emits in one tick: the first goes to the transport, the second waits in engine.io's buffer.
    socket.on('burst', () => {
      socket.emit('seq', 0);
      socket.emit('seq', 1);
      io.to('room').emit('seq', 2);
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const node = { io, url: `http://127.0.0.1:${(http.address() as AddressInfo).port}` };
  return started(node);
}

function receive<T>(client: ClientSocket, event: string, count: number): Promise<T[]> {
  const got: T[] = [];
  return new Promise((resolve) => {
    client.on(event, (value: T) => {
      got.push(value);
      if (got.length === count) resolve(got);
    });
  });
}

/** The next `count` engine.io messages the client receives, as the text on the wire (socket.io packets). */
function wire(client: ClientSocket, count: number): Promise<string[]> {
  const got: string[] = [];
  return new Promise((resolve) => {
    const onPacket = (packet: { type: string; data?: unknown }) => {
      if (packet.type !== 'message') return;
      got.push(String(packet.data));
      if (got.length < count) return;
      client.io.engine.off('packet', onPacket);
      resolve(got);
    };
    client.io.engine.on('packet', onPacket);
  });
}

test('the versions installed are the ones the direct path was verified with (else it is off: re-verify, then update VERIFIED_VERSIONS)', () => {
  expect(installedVersions()).toEqual(VERIFIED_VERSIONS);
  expect(directFrameSupport(Adapter, installedVersions())).toEqual({ direct: true });
});

test('a text broadcast reaches WebSocket clients directly, byte for byte what socket.io sends', async () => {
  const options = directOptions();
  const direct = await startNode(withDirectFrames(Adapter, options));
  const stock = await startNode();
  const [a, b, reference] = [await join(direct), await join(direct), await join(stock)];
  const payload = { updates: [{ id: 'x1', epoch: 3, update: 'AQID' }], note: 'Überwachung — 監視 ✓' };
  const arrived = Promise.all([receive(a, 'doc:updates', 1), receive(b, 'doc:updates', 1)]);
  const bytes = Promise.all([wire(a, 1), wire(reference, 1)]);
  direct.io.to('room').emit('doc:updates', payload);
  stock.io.to('room').emit('doc:updates', payload);
  expect((await arrived).map((got) => got[0])).toEqual([payload, payload]);
  const [viaDirect, viaSocketIo] = await bytes;
  expect(viaDirect).toEqual(viaSocketIo);
  expect(options.counts).toEqual({ direct: 2, engine: 0 });
  expect(options.warnings).toEqual([]);
});

test('a socket with output buffered in engine.io gets the broadcast through engine.io, after what it holds', async () => {
  const options = directOptions();
  const node = await startNode(withDirectFrames(Adapter, options));
  const client = await join(node);
  const arrived = receive<number>(client, 'seq', 3);
  client.emit('burst');
  expect(await arrived).toEqual([0, 1, 2]);
  expect(options.counts).toEqual({ direct: 0, engine: 1 });
  // With nothing buffered any more, the next broadcast goes straight out.
  const next = receive<string>(client, 'after', 1);
  node.io.to('room').emit('after', 'x');
  expect(await next).toEqual(['x']);
  expect(options.counts).toEqual({ direct: 1, engine: 1 });
});

test('with installed versions other than the verified ones the base adapter is used as it is, and that is logged once', async () => {
  const options = directOptions({ ...VERIFIED_VERSIONS, 'engine.io > ws': '8.99.0' });
  const Wrapped = withDirectFrames(Adapter, options);
  expect(Wrapped).toBe(Adapter);
  expect(options.warnings).toHaveLength(1);
  expect(options.warnings[0]).toContain('engine.io > ws is 8.99.0, verified with 8.21.3');
  const node = await startNode(Wrapped);
  const client = await join(node);
  const arrived = receive<number>(client, 'seq', 30);
  client.emit('script', 30);
  expect(await arrived).toEqual([...Array(30).keys()]);
  expect(options.counts).toEqual({ direct: 0, engine: 0 });
  expect(options.warnings).toHaveLength(1);
  expect(directFrameSupport(Adapter, { ...VERIFIED_VERSIONS, 'socket.io-adapter': undefined })).toEqual({
    direct: false,
    reason: 'socket.io-adapter is missing, verified with 2.5.8',
  });
  class NotInMemory extends EventEmitter {}
  expect(directFrameSupport(NotInMemory as unknown as typeof Adapter, installedVersions()).direct).toBe(false);
});

test('the same frames arrive in the same order on the direct path, with it off, and from socket.io itself', async () => {
  const count = 300;
  const on = directOptions();
  const off = directOptions({ ...VERIFIED_VERSIONS, 'engine.io': '6.7.0' });
  const sequences: string[][] = [];
  for (const adapter of [withDirectFrames(Adapter, on), withDirectFrames(Adapter, off), undefined]) {
    const node = await startNode(adapter);
    const client = await join(node);
    const got = wire(client, count);
    client.emit('script', count);
    sequences.push(await got);
  }
  expect(sequences[0]).toHaveLength(count);
  expect(sequences[1]).toEqual(sequences[0]);
  expect(sequences[2]).toEqual(sequences[0]);
  // Each of the 200 broadcasts took one path, and both were taken: some found engine.io holding a
  // packet (an emit of the same tick) and went through it, the others went straight out.
  const broadcasts = [...Array(count).keys()].filter((i) => i % 3 !== 0).length;
  expect(on.counts.direct + on.counts.engine).toBe(broadcasts);
  expect(on.counts.direct).toBeGreaterThan(0);
  expect(on.counts.engine).toBeGreaterThan(0);
  expect(off.counts).toEqual({ direct: 0, engine: 0 });
});

test('long-polling clients and binary payloads go through engine.io', async () => {
  const options = directOptions();
  const node = await startNode(withDirectFrames(Adapter, options));
  const polling = await join(node, ['polling']);
  const websocket = await join(node);
  const text = Promise.all([receive(polling, 'note', 1), receive(websocket, 'note', 1)]);
  node.io.to('room').emit('note', { text: 'hello' });
  expect((await text).map((got) => got[0])).toEqual([{ text: 'hello' }, { text: 'hello' }]);
  expect(options.counts).toEqual({ direct: 1, engine: 1 });

  const binary = Promise.all([receive<{ update: Uint8Array }>(polling, 'doc:update', 1), receive<{ update: Uint8Array }>(websocket, 'doc:update', 1)]);
  node.io.to('room').emit('doc:update', { id: 'x1', update: new Uint8Array([1, 2, 3]) });
  for (const [got] of await binary) expect([...new Uint8Array(got!.update)]).toEqual([1, 2, 3]);
  // Both clients' binary packets went through engine.io; the direct count did not move.
  expect(options.counts).toEqual({ direct: 1, engine: 3 });
});

test('broadcasts awaiting acks go through engine.io, and every socket answers', async () => {
  const options = directOptions();
  const node = await startNode(withDirectFrames(Adapter, options));
  const [a, b] = [await join(node), await join(node)];
  for (const client of [a, b]) client.on('ping?', (ack: (answer: string) => void) => ack(client.id ?? ''));
  const answers = await node.io.to('room').timeout(2000).emitWithAck('ping?');
  expect([...answers].sort()).toEqual([a.id, b.id].sort());
  expect(options.counts).toEqual({ direct: 0, engine: 0 });
});

/**
 * A cluster adapter whose nodes share an in-process bus: socket.io-adapter's ClusterAdapter, the
 * base of the Redis streams adapter, with the Redis part replaced by an EventEmitter.
 */
class BusAdapter extends ClusterAdapter {
  constructor(
    nsp: Namespace,
    private readonly bus: EventEmitter,
  ) {
    super(nsp);
    bus.on('message', (message: ClusterMessage) => this.onMessage(message));
    bus.on('response', (requester: string, response: ClusterResponse) => {
      if (requester === this.uid) this.onResponse(response);
    });
  }

  /** Every node on the bus listens for messages once. */
  override serverCount(): Promise<number> {
    return Promise.resolve(this.bus.listenerCount('message'));
  }

  protected override doPublish(message: ClusterMessage): Promise<string> {
    setImmediate(() => this.bus.emit('message', structuredClone(message)));
    return Promise.resolve('');
  }

  protected override doPublishResponse(requester: string, response: ClusterResponse): Promise<void> {
    setImmediate(() => this.bus.emit('response', requester, structuredClone(response)));
    return Promise.resolve();
  }
}

test('over a cluster adapter: what one node broadcasts reaches the other nodes, and each node writes its own sockets directly', async () => {
  const bus = new EventEmitter();
  const [first, second] = [directOptions(), directOptions()];
  const DirectBus = [withDirectFrames(BusAdapter, first), withDirectFrames(BusAdapter, second)];
  expect(DirectBus[0]).not.toBe(BusAdapter);
  // socket.io calls `new` on a factory, so it cannot be an arrow function.
  const nodeA = await startNode(function (nsp: Namespace) {
    return new DirectBus[0]!(nsp, bus);
  });
  const nodeB = await startNode(function (nsp: Namespace) {
    return new DirectBus[1]!(nsp, bus);
  });
  const [onA, onB] = [await join(nodeA), await join(nodeB)];

  const everywhere = Promise.all([receive(onA, 'note', 1), receive(onB, 'note', 1)]);
  nodeA.io.to('room').emit('note', 'to all nodes');
  expect((await everywhere).map((got) => got[0])).toEqual(['to all nodes', 'to all nodes']);
  expect(first.counts).toEqual({ direct: 1, engine: 0 });
  expect(second.counts).toEqual({ direct: 1, engine: 0 });

  // The base's own behaviour is untouched: a local broadcast stays on its node, and a query
  // across nodes (fetchSockets, used for presence) still answers with every node's sockets.
  const local = receive(onB, 'note', 1);
  nodeB.io.local.to('room').emit('note', 'node B only');
  expect(await local).toEqual(['node B only']);
  expect(first.counts).toEqual({ direct: 1, engine: 0 });
  expect(second.counts).toEqual({ direct: 2, engine: 0 });
  const sockets = await nodeA.io.in('room').fetchSockets();
  expect(sockets.map((socket) => socket.id).sort()).toEqual([onA.id, onB.id].sort());
});
