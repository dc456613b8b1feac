// Room broadcasts written straight to each WebSocket: the same bytes socket.io would send, never
// ahead of a packet engine.io still holds, and through engine.io whenever the direct path
// cannot be taken (long polling, binary attachments).
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { io as connect, type Socket as ClientSocket } from 'socket.io-client';
import { afterAll, beforeAll, beforeEach, expect, test } from 'vitest';
import { DirectFrameAdapter, directFrameCounts } from '../../server/rooms/directFrames';

let http: HttpServer;
let io: Server;
let url: string;
/** The same server with socket.io's own adapter: what socket.io sends, to compare bytes with. */
let stockHttp: HttpServer;
let stock: Server;
let stockUrl: string;
const clients: ClientSocket[] = [];

async function listen(server: HttpServer): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  http = createServer();
  io = new Server(http, { adapter: DirectFrameAdapter });
  stockHttp = createServer();
  stock = new Server(stockHttp);
  stock.on('connection', (socket) => void socket.join('room'));
  io.on('connection', (socket) => {
    void socket.join('room');
    // Interleaves per-socket emits (always through engine.io) with room broadcasts.
    socket.on('interleave', (count: number) => {
      for (let i = 0; i < count; i++) {
        if (i % 3 === 0) socket.emit('seq', i);
        else io.to('room').emit('seq', i);
      }
    });
  });
  url = await listen(http);
  stockUrl = await listen(stockHttp);
});
afterAll(async () => {
  for (const client of clients) client.close();
  await io.close();
  await stock.close();
});
beforeEach(() => {
  directFrameCounts.direct = 0;
  directFrameCounts.engine = 0;
});

async function join(transports: ('websocket' | 'polling')[], to = url): Promise<ClientSocket> {
  const client = connect(to, { transports, forceNew: true, reconnection: false, upgrade: false });
  clients.push(client);
  await new Promise<void>((resolve, reject) => {
    client.once('connect', resolve);
    client.once('connect_error', reject);
  });
  await new Promise((r) => setTimeout(r, 50)); // the server-side join
  return client;
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

/** The next engine.io message the client receives, as the text on the wire (the socket.io packet). */
function nextMessage(client: ClientSocket): Promise<string> {
  return new Promise((resolve) => {
    const onPacket = (packet: { type: string; data?: unknown }) => {
      if (packet.type !== 'message') return;
      client.io.engine.off('packet', onPacket);
      resolve(String(packet.data));
    };
    client.io.engine.on('packet', onPacket);
  });
}

test('a text broadcast reaches WebSocket clients directly, byte for byte what socket.io sends', async () => {
  const [a, b, reference] = [await join(['websocket']), await join(['websocket']), await join(['websocket'], stockUrl)];
  const payload = { updates: [{ id: 'x1', epoch: 3, update: 'AQID' }], note: 'Überwachung — 監視 ✓' };
  const arrived = Promise.all([receive(a, 'doc:updates', 1), receive(b, 'doc:updates', 1)]);
  const wire = Promise.all([nextMessage(a), nextMessage(reference)]);
  io.to('room').emit('doc:updates', payload);
  stock.to('room').emit('doc:updates', payload);
  expect((await arrived).map((got) => got[0])).toEqual([payload, payload]);
  const [direct, socketIo] = await wire;
  expect(direct).toBe(socketIo);
  expect(directFrameCounts.direct).toBe(2);
  expect(directFrameCounts.engine).toBe(0);
  for (const client of [a, b, reference]) client.close();
});

test('never overtakes a packet engine.io holds: order is kept when emits and broadcasts interleave', async () => {
  const client = await join(['websocket']);
  const count = 300;
  const arrived = receive<number>(client, 'seq', count);
  client.emit('interleave', count);
  expect(await arrived).toEqual([...Array(count).keys()]);
  // Each of the 200 broadcasts took one path, and both were taken: some found engine.io holding
  // a packet (an emit of the same tick) and went through it, the others went straight out.
  const broadcasts = [...Array(count).keys()].filter((i) => i % 3 !== 0).length;
  expect(directFrameCounts.direct + directFrameCounts.engine).toBe(broadcasts);
  expect(directFrameCounts.direct).toBeGreaterThan(0);
  expect(directFrameCounts.engine).toBeGreaterThan(0);
  client.close();
});

test('long-polling clients and binary payloads go through engine.io', async () => {
  const polling = await join(['polling']);
  const websocket = await join(['websocket']);
  const text = Promise.all([receive(polling, 'note', 1), receive(websocket, 'note', 1)]);
  io.to('room').emit('note', { text: 'hello' });
  expect((await text).map((got) => got[0])).toEqual([{ text: 'hello' }, { text: 'hello' }]);
  expect(directFrameCounts).toEqual({ direct: 1, engine: 1 });

  const binary = Promise.all([receive<{ update: Uint8Array }>(polling, 'doc:update', 1), receive<{ update: Uint8Array }>(websocket, 'doc:update', 1)]);
  io.to('room').emit('doc:update', { id: 'x1', update: new Uint8Array([1, 2, 3]) });
  for (const [got] of await binary) expect([...new Uint8Array(got!.update)]).toEqual([1, 2, 3]);
  // Both clients' binary packets went through engine.io; the direct count did not move.
  expect(directFrameCounts).toEqual({ direct: 1, engine: 3 });
  polling.close();
  websocket.close();
});
