// What one WebSocket frame to one client costs the server, by sending path: `ws.send` per socket
// (what y-websocket does), a socket.io room broadcast (what Tearline does: encoded once, one
// write per socket through engine.io), and the pre-encoded frame written straight to each TCP
// socket (the floor: the system call alone), and Tearline's own path (`tearline`: the direct-frame
// adapter with each socket's output bound, the sockets spread over six level rooms, the sender
// excepted, as the fan-out emits). Receivers are bare `ws` clients in a child process, so this
// process's CPU is the sender's only. `--base <dir>` adds the `tearline` path of another checkout
// (A/B, in turns). `npm run bench -- frames [--sockets 200] [--rounds 1500] [--base <dir>] [--repeat 1] [--only <path>] [--callgrind]`.
import { execFile, fork } from 'node:child_process';
import { promisify } from 'node:util';
import path from 'node:path';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo, Socket as NetSocket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Server as SocketIoServer, type Socket } from 'socket.io';
import { Adapter } from 'socket.io-adapter';
import WebSocket, { WebSocketServer } from 'ws';

const MODES = ['ws', 'socket.io', 'raw', 'tearline'] as const;
type Mode = (typeof MODES)[number] | `tearline ${string}`;
const LEVEL_ROOMS = ['lvl:0', 'lvl:1', 'lvl:2', 'lvl:3', 'lvl:4', 'lvl:5'];

/** The direct-frame adapter and output bound of the checkout at `root`. */
async function tearlinePath(root: string) {
  const frames = (await import(path.join(root, 'server/rooms/directFrames.ts'))) as typeof import('../server/rooms/directFrames');
  const bound = (await import(path.join(root, 'server/sessions/outputBound.ts'))) as typeof import('../server/sessions/outputBound');
  const adapter = frames.withDirectFrames(Adapter, { counts: { direct: 0, engine: 0 }, log: { warn: () => undefined } });
  return { adapter, boundOutput: bound.boundOutput };
}
const GAP_MS = 4;
const WARMUP_ROUNDS = 200;

// A `doc:updates` frame as a base64 socket gets it, with one update.
const PAYLOAD = { updates: [{ id: '0123456789abcdef0123456789abcdef0123', epoch: 1, update: 'AQHP3/rtDAAEAQRib2R5Cn5UTDEuMjM0NTY7' }] };
const TEXT = `42${JSON.stringify(['doc:updates', PAYLOAD])}`;

/** The TCP socket under a socket.io socket (engine.io's transport holds a `ws` WebSocket). */
function tcpOf(socket: Socket): NetSocket {
  return (socket.conn.transport as unknown as { socket: { _socket: NetSocket } }).socket._socket;
}

/** An unmasked, final WebSocket text frame (RFC 6455 §5.2), for payloads under 64 KiB. */
function textFrame(text: string): Buffer {
  const payload = Buffer.from(text);
  const header = payload.length < 126 ? Buffer.from([0x81, payload.length]) : Buffer.from([0x81, 126, payload.length >> 8, payload.length & 0xff]);
  return Buffer.concat([header, payload]);
}

/**
 * Under `valgrind --tool=callgrind --instr-atstart=no` (`--callgrind`): counts instructions over
 * the measured rounds alone, `callgrind_control` switching collection on before them and off after.
 */
async function callgrind(instrument: 'on' | 'off'): Promise<void> {
  await promisify(execFile)('callgrind_control', [`--instr=${instrument}`, String(process.pid)]);
}

async function measure(mode: Mode, sockets: number, rounds: number, root: string, counted: boolean): Promise<{ mode: Mode; userUs: number; systemUs: number; sendUs: number }> {
  const http: HttpServer = createServer();
  const wsClients: WebSocket[] = [];
  const ioSockets: Socket[] = [];
  let io: SocketIoServer | undefined;
  if (mode === 'ws') new WebSocketServer({ server: http }).on('connection', (ws) => wsClients.push(ws));
  else if (mode.startsWith('tearline')) {
    const tearline = await tearlinePath(root);
    io = new SocketIoServer(http, { adapter: tearline.adapter });
    io.on('connection', (socket) => {
      tearline.boundOutput(socket.conn as never, 1 << 24, () => undefined);
      void socket.join(LEVEL_ROOMS[ioSockets.length % LEVEL_ROOMS.length]!);
      ioSockets.push(socket);
    });
  } else {
    io = new SocketIoServer(http);
    io.on('connection', (socket) => {
      void socket.join('room');
      ioSockets.push(socket);
    });
  }
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  const child = fork(fileURLToPath(import.meta.url), ['--receivers', String(port), String(sockets), mode === 'ws' ? 'ws' : 'socket.io'], {
    execArgv: ['--import', 'tsx'],
  });
  await new Promise<void>((resolve) => child.on('message', (m) => m === 'ready' && resolve()));
  while (wsClients.length + ioSockets.length < sockets) await new Promise((r) => setTimeout(r, 20));

  const bytes = Buffer.from(TEXT);
  const frame = textFrame(TEXT);
  const send = () => {
    if (mode === 'ws') for (const ws of wsClients) ws.send(bytes);
    else if (mode === 'socket.io') io!.to('room').emit('doc:updates', PAYLOAD);
    else if (mode.startsWith('tearline')) io!.local.to(LEVEL_ROOMS).except(ioSockets[0]!.id).emit('doc:updates', PAYLOAD);
    else for (const socket of ioSockets) tcpOf(socket).write(frame);
  };
  for (let i = 0; i < WARMUP_ROUNDS; i++) {
    send();
    await new Promise((r) => setTimeout(r, GAP_MS));
  }
  if (counted) await callgrind('on');
  const start = process.cpuUsage();
  let inSend = 0;
  for (let i = 0; i < rounds; i++) {
    const before = process.cpuUsage();
    send();
    const spent = process.cpuUsage(before);
    inSend += spent.user + spent.system;
    await new Promise((r) => setTimeout(r, GAP_MS));
  }
  const used = process.cpuUsage(start);
  if (counted) await callgrind('off');
  child.kill();
  await io?.close();
  http.close();
  const frames = (mode.startsWith('tearline') ? sockets - 1 : sockets) * rounds;
  return { mode, userUs: used.user / frames, systemUs: used.system / frames, sendUs: inSend / frames };
}

/** Child: `count` bare WebSocket receivers that only answer socket.io's handshake and pings. */
function receivers(port: string, count: number, protocol: 'ws' | 'socket.io'): void {
  const url = protocol === 'ws' ? `ws://127.0.0.1:${port}/` : `ws://127.0.0.1:${port}/socket.io/?EIO=4&transport=websocket`;
  let open = 0;
  for (let i = 0; i < count; i++) {
    const ws = new WebSocket(url);
    ws.on('message', (data: Buffer) => {
      const text = data.toString();
      if (protocol === 'socket.io' && text.startsWith('0')) ws.send('40');
      else if (text === '2') ws.send('3');
    });
    ws.on('open', () => {
      if (++open === count) setTimeout(() => process.send!('ready'), 300);
    });
  }
}

export async function run(args: string[]): Promise<number> {
  const flag = (name: string, fallback: number) => {
    const at = args.indexOf(`--${name}`);
    return at >= 0 ? Number(args[at + 1]) : fallback;
  };
  const sockets = flag('sockets', 200);
  const rounds = flag('rounds', 1500);
  const repeat = flag('repeat', 1);
  const baseAt = args.indexOf('--base');
  const here = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const paths: [Mode, string][] = MODES.map((mode) => [mode, here]);
  if (baseAt >= 0) paths.push([`tearline ${args[baseAt + 1]!}`, path.resolve(args[baseAt + 1]!)]);
  // `--only <path>`: that path alone (e.g. one process per path under callgrind, whose instruction
  // counts at two round counts give the instructions per frame exactly).
  const onlyAt = args.indexOf('--only');
  const chosen = onlyAt >= 0 ? paths.filter(([mode]) => mode === args[onlyAt + 1]) : paths;
  console.log(`Server CPU per frame, ${sockets} sockets, ${rounds} rounds ${GAP_MS} ms apart, ${TEXT.length + 1}-byte text frames\n`);
  // "in the send": the CPU of the synchronous call that writes a round's frames, per frame (the
  // rest is the event loop's, between rounds).
  console.log('| path | µs per frame | user | system | in the send |\n| --- | --- | --- | --- | --- |');
  for (let turn = 0; turn < repeat; turn++) {
    for (const [mode, root] of turn % 2 === 0 ? chosen : [...chosen].reverse()) {
      const r = await measure(mode, sockets, rounds, root, args.includes('--callgrind'));
      console.log(`| ${r.mode} | ${(r.userUs + r.systemUs).toFixed(2)} | ${r.userUs.toFixed(2)} | ${r.systemUs.toFixed(2)} | ${r.sendUs.toFixed(2)} |`);
    }
  }
  return 0;
}

if (process.argv[2] === '--receivers') receivers(process.argv[3]!, Number(process.argv[4]), process.argv[5] as 'ws' | 'socket.io');
