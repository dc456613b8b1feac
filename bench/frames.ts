// What one WebSocket frame to one client costs the server, by sending path: `ws.send` per socket
// (what y-websocket does), a socket.io room broadcast (what Tearline does: encoded once, one
// write per socket through engine.io), and the pre-encoded frame written straight to each TCP
// socket (the floor: the system call alone). Receivers are bare `ws` clients in a child process,
// so this process's CPU is the sender's only. `npm run bench -- frames [--sockets 200] [--rounds 1500]`.
import { fork } from 'node:child_process';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo, Socket as NetSocket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Server as SocketIoServer, type Socket } from 'socket.io';
import WebSocket, { WebSocketServer } from 'ws';

const MODES = ['ws', 'socket.io', 'raw'] as const;
type Mode = (typeof MODES)[number];
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

async function measure(mode: Mode, sockets: number, rounds: number): Promise<{ mode: Mode; userUs: number; systemUs: number }> {
  const http: HttpServer = createServer();
  const wsClients: WebSocket[] = [];
  const ioSockets: Socket[] = [];
  let io: SocketIoServer | undefined;
  if (mode === 'ws') new WebSocketServer({ server: http }).on('connection', (ws) => wsClients.push(ws));
  else {
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
    else for (const socket of ioSockets) tcpOf(socket).write(frame);
  };
  for (let i = 0; i < WARMUP_ROUNDS; i++) {
    send();
    await new Promise((r) => setTimeout(r, GAP_MS));
  }
  const start = process.cpuUsage();
  for (let i = 0; i < rounds; i++) {
    send();
    await new Promise((r) => setTimeout(r, GAP_MS));
  }
  const used = process.cpuUsage(start);
  child.kill();
  await io?.close();
  http.close();
  const frames = sockets * rounds;
  return { mode, userUs: used.user / frames, systemUs: used.system / frames };
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
  console.log(`Server CPU per frame, ${sockets} sockets, ${rounds} rounds ${GAP_MS} ms apart, ${TEXT.length + 1}-byte text frames\n`);
  console.log('| path | µs per frame | user | system |\n| --- | --- | --- | --- |');
  for (const mode of MODES) {
    const r = await measure(mode, sockets, rounds);
    console.log(`| ${r.mode} | ${(r.userUs + r.systemUs).toFixed(2)} | ${r.userUs.toFixed(2)} | ${r.systemUs.toFixed(2)} |`);
  }
  return 0;
}

if (process.argv[2] === '--receivers') receivers(process.argv[3]!, Number(process.argv[4]), process.argv[5] as 'ws' | 'socket.io');
