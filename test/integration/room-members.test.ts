// The arrays of a room's sockets the direct frame path keeps (server/rooms/roomMembers.ts): a
// socket gets a room's broadcasts exactly while it is in the room, whatever the arrays held when
// it joined, left, moved rooms or disconnected, even when that happens in the middle of a
// broadcast; a socket in several of the rooms gets a broadcast once, an excepted one not at all.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server, type Socket } from 'socket.io';
import { Adapter } from 'socket.io-adapter';
import type { Socket as ClientSocket } from 'socket.io-client';
import { expect, test } from 'vitest';
import { withDirectFrames, type FrameCounts } from '../../server/rooms/directFrames';
import { rawSockets } from '../helpers/rawSockets';

interface Node {
  io: Server;
  url: string;
  counts: FrameCounts;
  /** The server's socket of each client, by the client's id. */
  sockets: Map<string, Socket>;
}

const { join, started } = rawSockets<Node>();

async function startNode(): Promise<Node> {
  const http = createServer();
  const counts = { direct: 0, engine: 0 };
  const io = new Server(http, { adapter: withDirectFrames(Adapter, { counts, log: { warn: () => undefined } }) });
  const sockets = new Map<string, Socket>();
  io.on('connection', (socket) => {
    void socket.join('room');
    sockets.set(socket.id, socket);
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  return started({ io, url: `http://127.0.0.1:${(http.address() as AddressInfo).port}`, counts, sockets });
}

/** A client, the events it receives (names, in order) and its socket on the server. */
async function member(node: Node): Promise<{ client: ClientSocket; events: string[]; socket: Socket }> {
  const client = await join(node);
  const events: string[] = [];
  client.onAny((event: string) => events.push(event));
  return { client, events, socket: node.sockets.get(client.id!)! };
}

/**
 * Sends each socket an 'end' of its own (after whatever was written to it before, on either path)
 * and waits for them all: what a client has recorded then is all it will ever get of the test.
 */
async function settle(node: Node, members: { client: ClientSocket; socket: Socket }[]): Promise<void> {
  const ends = members.map(({ client }) => new Promise((resolve) => client.once('end', resolve)));
  for (const { socket } of members) socket.emit('end');
  await Promise.all(ends);
}

test('a socket that leaves a room gets none of its broadcasts afterwards; one that joins gets them from then on', async () => {
  const node = await startNode();
  const [a, b] = [await member(node), await member(node)];
  node.io.to('room').emit('first');
  b.socket.leave('room');
  node.io.to('room').emit('second');
  await b.socket.join('room');
  const c = await member(node);
  node.io.to('room').emit('third');
  await settle(node, [a, b, c]);
  expect(a.events).toEqual(['first', 'second', 'third', 'end']);
  expect(b.events).toEqual(['first', 'third', 'end']);
  expect(c.events).toEqual(['third', 'end']);
  expect(node.counts).toEqual({ direct: 6, engine: 0 });
});

test('a socket moved to another room in the middle of a broadcast gets nothing more of the room it left', async () => {
  const node = await startNode();
  const [a, b, c] = [await member(node), await member(node), await member(node)];
  node.io.to('room').emit('warm'); // the room's array is built
  // Written to `a` first (sockets in the order they joined), the frame's listener moves `b` down a level.
  a.socket.onAnyOutgoing((event: string) => {
    if (event !== 'secret') return;
    b.socket.leave('room');
    void b.socket.join('lower');
  });
  node.io.to('room').emit('secret');
  node.io.to(['room', 'lower']).emit('both');
  await settle(node, [a, b, c]);
  expect(a.events).toEqual(['warm', 'secret', 'both', 'end']);
  expect(b.events).toEqual(['warm', 'both', 'end']);
  expect(c.events).toEqual(['warm', 'secret', 'both', 'end']);
});

test('a broadcast started while one is being written reaches each socket once, and so does the first', async () => {
  const node = await startNode();
  const [a, b] = [await member(node), await member(node)];
  await a.socket.join('other');
  a.socket.onAnyOutgoing((event: string) => {
    if (event === 'outer') node.io.to('room').emit('inner');
  });
  node.io.to(['room', 'other']).emit('outer');
  await settle(node, [a, b]);
  // `a` got 'outer' after its listener ran (the listener runs before the write), so 'inner' first.
  expect(a.events).toEqual(['inner', 'outer', 'end']);
  expect(b.events).toEqual(['inner', 'outer', 'end']);
});

test('a socket in several of the rooms gets a broadcast once, an excepted socket none, a disconnected socket is skipped', async () => {
  const node = await startNode();
  const [a, b, c] = [await member(node), await member(node), await member(node)];
  await a.socket.join('other');
  const reachedB = new Promise((resolve) => b.client.once('once', resolve));
  node.io.to(['room', 'other']).except(c.client.id!).emit('once');
  expect(node.counts).toEqual({ direct: 2, engine: 0 });
  await reachedB;
  b.client.close();
  await new Promise<void>((resolve) => b.socket.once('disconnect', () => resolve()));
  node.io.to(['room', 'other']).emit('after');
  expect(node.counts).toEqual({ direct: 4, engine: 0 });
  await settle(node, [a, c]);
  expect(a.events).toEqual(['once', 'after', 'end']);
  expect(c.events).toEqual(['after', 'end']);
  expect(b.events).toEqual(['once']);
});
