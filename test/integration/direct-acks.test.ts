// Answers to a socket's requests written straight to its WebSocket: the same bytes socket.io
// sends, never through engine.io's send path when nothing is pending there, through it whenever
// the direct path cannot be taken (long polling, binary attachments, output engine.io holds,
// versions other than the verified ones), and never reordered with the room frames and packets
// written to the same socket.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server, type Socket } from 'socket.io';
import { Adapter } from 'socket.io-adapter';
import type { Socket as ClientSocket } from 'socket.io-client';
import { afterEach, expect, test, vi } from 'vitest';
import * as ws from 'ws';
import { withDirectFrames, type FrameCounts } from '../../server/rooms/directFrames';
import {
  VERIFIED_ACK_VERSIONS,
  directAckRefusal,
  installDirectAcks,
  installedAckVersions,
  type AckCounts,
  type InstalledAckVersions,
} from '../../server/sessions/directAcks';
import { messageFrame } from '../../server/sessions/directSocket';
import { rawSockets } from '../helpers/rawSockets';

type Answer = (value: unknown) => void;

/** One step of a script the server runs against one socket: answer a held request, broadcast, emit, or let the loop turn. */
type Step = ['ack', number] | ['room', number] | ['emit', number] | ['tick'];

interface Node {
  io: Server;
  url: string;
  acks: AckCounts;
  frames: FrameCounts;
  warnings: string[];
  /** The server side of each connected socket, in connection order. */
  sockets: Socket[];
}

// Registered before rawSockets' hook: after-hooks run last-registered first, so the sockets close
// before the mocks are restored, as they did when one hook did both.
afterEach(() => {
  vi.restoreAllMocks();
});
const { join, started } = rawSockets<Node>();

async function runScript(io: Server, socket: Socket, held: Answer[], steps: Step[]): Promise<void> {
  for (const step of steps) {
    if (step[0] === 'tick') await new Promise((resolve) => setImmediate(resolve));
    else if (step[0] === 'ack') held[step[1]]!({ ok: true, n: step[1] });
    else if (step[0] === 'room') io.to('room').emit('seq', `room ${step[1]}`);
    else socket.emit('seq', `emit ${step[1]}`);
  }
}

/** A socket.io server with direct frames and, unless `installed` says otherwise, direct acks. */
async function startNode(installed: InstalledAckVersions = installedAckVersions()): Promise<Node> {
  const http = createServer();
  const frames: FrameCounts = { direct: 0, engine: 0 };
  const acks: AckCounts = { direct: 0, engine: 0 };
  const warnings: string[] = [];
  const log = { warn: (details: object) => warnings.push(JSON.stringify(details)) };
  const io = new Server(http, { adapter: withDirectFrames(Adapter, { counts: frames, log }) });
  const direct = installDirectAcks({ counts: acks, log, installed });
  const sockets: Socket[] = [];
  io.on('connection', (socket) => {
    direct(socket);
    sockets.push(socket);
    void socket.join('room');
    const held: Answer[] = [];
    socket.on('ask', (value: unknown, answer: Answer) => answer({ ok: true, value }));
    socket.on('hold', (answer: Answer) => held.push(answer));
    socket.on('script', (steps: Step[], done: Answer) => void runScript(io, socket, held, steps).then(() => done('done')));
    socket.on('twice', (answer: Answer) => {
      answer('first');
      answer('second');
    });
    socket.on('binary', (answer: Answer) => answer({ ok: true, update: new Uint8Array([1, 2, 3]) }));
    // Two emits in one tick: the first goes to the transport, the second waits in engine.io's buffer.
    socket.on('burst', (answer: Answer) => {
      socket.emit('seq', 'emit 0');
      socket.emit('seq', 'emit 1');
      answer({ ok: true });
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const node = { io, url: `http://127.0.0.1:${(http.address() as AddressInfo).port}`, acks, frames, warnings, sockets };
  return started(node);
}

/** Watches engine.io's send path of a socket: the socket.io packets of each type it is given (`3…` is an ack). */
function engineSends(socket: Socket): string[] {
  const sent: string[] = [];
  const conn = socket.conn as unknown as { sendPacket(type: string, data?: unknown): void };
  const original = conn.sendPacket.bind(conn);
  vi.spyOn(conn, 'sendPacket').mockImplementation((type: string, data?: unknown, ...rest: unknown[]) => {
    if (type === 'message') sent.push(typeof data === 'string' ? data : '<binary attachment>');
    (original as (...args: unknown[]) => void)(type, data, ...rest);
  });
  return sent;
}

/** Every engine.io message the client receives, as the text on the wire (socket.io packets). */
function wire(client: ClientSocket): string[] {
  const got: string[] = [];
  client.io.engine.on('packet', (packet: { type: string; data?: unknown }) => {
    if (packet.type === 'message') got.push(typeof packet.data === 'string' ? packet.data : '<binary attachment>');
  });
  return got;
}

test('the versions installed are the ones direct acks were verified with (else they are off: re-verify, then update VERIFIED_ACK_VERSIONS)', () => {
  expect(installedAckVersions()).toEqual(VERIFIED_ACK_VERSIONS);
  expect(directAckRefusal(installedAckVersions())).toBeUndefined();
  expect(directAckRefusal({ ...VERIFIED_ACK_VERSIONS, 'socket.io > socket.io-parser': undefined })).toBe(
    'socket.io > socket.io-parser is missing, verified with 4.2.7',
  );
});

test('the frame written is the one ws builds for the same message, whatever its length', () => {
  // Not in ws's typings: the static frame builder socket.io-adapter uses for broadcasts.
  const sender = (ws as unknown as { Sender: { frame(data: Buffer, options: object): Buffer[] } }).Sender;
  for (const text of ['', '3', '31[{"ok":true}]', 'x'.repeat(124), 'x'.repeat(125), 'ü'.repeat(80), 'x'.repeat(65534), 'x'.repeat(65535), 'x'.repeat(70000)]) {
    const expected = Buffer.concat(sender.frame(Buffer.from(`4${text}`), { readOnly: false, mask: false, rsv1: false, opcode: 1, fin: true }));
    expect(messageFrame(text).equals(expected)).toBe(true);
  }
});

test('an answer on an idle WebSocket skips engine.io and arrives byte for byte as socket.io sends it', async () => {
  const direct = await startNode();
  const stock = await startNode({ ...VERIFIED_ACK_VERSIONS, 'socket.io': '4.9.0' });
  const [client, reference] = [await join(direct), await join(stock)];
  const sent = engineSends(direct.sockets[0]!);
  const [onDirect, onStock] = [wire(client), wire(reference)];
  const value = { text: 'Überwachung — 監視 ✓', n: 7 };
  expect(await client.emitWithAck('ask', value)).toEqual({ ok: true, value });
  expect(await reference.emitWithAck('ask', value)).toEqual({ ok: true, value });
  expect(onDirect).toEqual(onStock);
  expect(onDirect[0]).toMatch(/^3\d+\[/);
  expect(sent).toEqual([]);
  expect(direct.acks).toEqual({ direct: 1, engine: 0 });
  // Off: socket.io's own path, logged once.
  expect(stock.acks).toEqual({ direct: 0, engine: 0 });
  expect(stock.warnings).toHaveLength(1);
  expect(stock.warnings[0]).toContain('socket.io is 4.9.0, verified with 4.8.4');
});

test('an answer to a socket whose output engine.io holds goes through engine.io, after what it holds', async () => {
  const node = await startNode();
  const client = await join(node);
  const sent = engineSends(node.sockets[0]!);
  const order: string[] = [];
  client.on('seq', (value: string) => order.push(value));
  const answer = await client.emitWithAck('burst');
  order.push('ack');
  expect(answer).toEqual({ ok: true });
  expect(order).toEqual(['emit 0', 'emit 1', 'ack']);
  expect(sent.filter((packet) => packet.startsWith('3'))).toHaveLength(1);
  expect(node.acks).toEqual({ direct: 0, engine: 1 });
});

test('long polling and answers with binary attachments go through engine.io; an answer is sent once', async () => {
  const node = await startNode();
  const polling = await join(node, ['polling']);
  const websocket = await join(node);
  const [pollingSent, websocketSent] = [engineSends(node.sockets[0]!), engineSends(node.sockets[1]!)];
  expect(await polling.emitWithAck('ask', 1)).toEqual({ ok: true, value: 1 });
  expect(pollingSent.filter((packet) => packet.startsWith('3'))).toHaveLength(1);
  expect(node.acks).toEqual({ direct: 0, engine: 1 });

  const binary = (await websocket.emitWithAck('binary')) as { update: ArrayBuffer };
  expect([...new Uint8Array(binary.update)]).toEqual([1, 2, 3]);
  // A binary ack ("61-…") and its attachment.
  expect(websocketSent.map((packet) => packet.slice(0, 3))).toEqual(['61-', '<bi']);
  expect(node.acks).toEqual({ direct: 0, engine: 2 });

  const got = wire(websocket);
  expect(await websocket.emitWithAck('twice')).toBe('first');
  await websocket.emitWithAck('ask', 'after');
  expect(got.filter((packet) => packet.includes('first') || packet.includes('second'))).toHaveLength(1);
  expect(node.acks).toEqual({ direct: 2, engine: 2 });
});

/** A script of `count` answers, broadcasts and emits in a seeded order, with turns of the loop between some. */
function script(count: number, seed: number): Step[] {
  let state = seed;
  const next = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const answers = [...Array(count).keys()];
  const steps: Step[] = [];
  let frame = 0;
  while (answers.length > 0) {
    const roll = next();
    if (roll < 0.4) steps.push(['ack', answers.splice(Math.floor(next() * answers.length), 1)[0]!]);
    else if (roll < 0.75) steps.push(['room', frame++]);
    else if (roll < 0.9) steps.push(['emit', frame++]);
    else steps.push(['tick']);
  }
  return steps;
}

test('answers, room frames and emits to one socket arrive in the order written, on both paths, as with socket.io alone', async () => {
  const count = 120;
  const steps = script(count, 20261130);
  const written = steps.flatMap((step) => (step[0] === 'tick' ? [] : [step[0] === 'ack' ? `ack ${step[1]}` : `${step[0]} ${step[1]}`]));
  const sequences: string[][] = [];
  const wires: string[][] = [];
  const on = await startNode();
  const off = await startNode({ ...VERIFIED_ACK_VERSIONS, 'engine.io > ws': '8.99.0' });
  for (const node of [on, off]) {
    const client = await join(node);
    const order: string[] = [];
    client.on('seq', (value: string) => order.push(value));
    // Plain callbacks, not promises: each runs as its packet is decoded, so `order` is the wire's order.
    const answered = new Promise<void>((resolve) => {
      for (let i = 0; i < count; i++) {
        client.emit('hold', (answer: { n: number }) => {
          order.push(`ack ${answer.n}`);
          if (order.filter((entry) => entry.startsWith('ack')).length === count) resolve();
        });
      }
    });
    const got = wire(client);
    // Handled after every `hold`: socket.io delivers one socket's events in order.
    expect(await client.emitWithAck('script', steps)).toBe('done');
    await answered;
    sequences.push(order);
    wires.push(got);
  }
  expect(sequences[0]).toEqual(written);
  expect(sequences[1]).toEqual(written);
  expect(wires[0]).toEqual(wires[1]);
  // Both paths were taken by answers and by room frames: some found engine.io holding an emit of
  // the same turn and went through it, the others went straight out.
  expect(on.acks.direct).toBeGreaterThan(0);
  expect(on.acks.engine).toBeGreaterThan(0);
  // The script's own answer ("done") is counted too.
  expect(on.acks.direct + on.acks.engine).toBe(count + 1);
  expect(on.frames.direct).toBeGreaterThan(0);
  expect(on.frames.engine).toBeGreaterThan(0);
  expect(off.acks).toEqual({ direct: 0, engine: 0 });
});
