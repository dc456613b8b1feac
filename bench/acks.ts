// What answering one request costs the server, by path: socket.io's ack (a packet through
// engine.io and `ws`) against the direct ack of server/sessions/directAcks.ts (one frame straight
// to the TCP socket). Each request is a `doc:update`-sized event with an ack id, answered with
// `{ ok: true }` as Tearline answers an edit; receiving and parsing it costs the same on both paths,
// so the difference between the rows is the answer's. Senders are bare `ws` clients in a child
// process, so this process's CPU is the server's only. Process CPU time, not wall time.
// `npm run bench -- acks [--sockets 50] [--rounds 2000] [--repeats 3]`.
import { fork } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Server as SocketIoServer } from 'socket.io';
import WebSocket from 'ws';
import { installDirectAcks, type AckCounts } from '../server/sessions/directAcks';

const MODES = ['socket.io', 'direct'] as const;
type Mode = (typeof MODES)[number];
const GAP_MS = 4;
const WARMUP_ROUNDS = 200;
const PAYLOAD = { workspaceId: '0123456789abcdef0123456789abcdef0123', id: '0123456789abcdef0123456789abcdef0123', epoch: 1, update: 'AQHP3/rtDAAEAQRib2R5Cn5UTDEuMjM0NTY7' };

interface Result {
  mode: Mode;
  userUs: number;
  systemUs: number;
  counts: AckCounts;
}

async function measure(mode: Mode, sockets: number, rounds: number): Promise<Result> {
  const http = createServer();
  const io = new SocketIoServer(http);
  const counts: AckCounts = { direct: 0, engine: 0 };
  const direct = installDirectAcks({ counts, log: { warn: (details) => console.error('direct acks off', details) } });
  let answered = 0;
  let roundDone: (() => void) | undefined;
  io.on('connection', (socket) => {
    if (mode === 'direct') direct(socket);
    socket.on('doc:update', (_payload: unknown, ack: (answer: object) => void) => {
      ack({ ok: true });
      if (++answered % sockets === 0) roundDone?.();
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  const child = fork(fileURLToPath(import.meta.url), ['--senders', String(port), String(sockets)], { execArgv: ['--import', 'tsx'] });
  await new Promise<void>((resolve) => child.on('message', (m) => m === 'ready' && resolve()));

  const round = async () => {
    await new Promise<void>((resolve) => {
      roundDone = resolve;
      child.send('send');
    });
    await new Promise((r) => setTimeout(r, GAP_MS));
  };
  for (let i = 0; i < WARMUP_ROUNDS; i++) await round();
  const start = process.cpuUsage();
  for (let i = 0; i < rounds; i++) await round();
  const used = process.cpuUsage(start);
  child.kill();
  await io.close();
  const acks = sockets * rounds;
  return { mode, userUs: used.user / acks, systemUs: used.system / acks, counts };
}

/** Child: `count` bare WebSocket clients, each sending one `doc:update` with an ack id per round. */
function senders(port: string, count: number): void {
  const url = `ws://127.0.0.1:${port}/socket.io/?EIO=4&transport=websocket`;
  const clients: WebSocket[] = [];
  let connected = 0;
  let id = 0;
  for (let i = 0; i < count; i++) {
    const ws = new WebSocket(url);
    clients.push(ws);
    ws.on('message', (data: Buffer) => {
      const text = data.toString();
      if (text.startsWith('0')) ws.send('40');
      else if (text.startsWith('40') && ++connected === count) setTimeout(() => process.send!('ready'), 300);
      else if (text === '2') ws.send('3');
    });
  }
  process.on('message', () => {
    for (const ws of clients) ws.send(`42${id++}${JSON.stringify(['doc:update', PAYLOAD])}`);
  });
}

export async function run(args: string[]): Promise<number> {
  const flag = (name: string, fallback: number) => {
    const at = args.indexOf(`--${name}`);
    return at >= 0 ? Number(args[at + 1]) : fallback;
  };
  const sockets = flag('sockets', 50);
  const rounds = flag('rounds', 2000);
  const repeats = flag('repeats', 3);
  console.log(`Server CPU per answered request, ${sockets} sockets, ${rounds} rounds ${GAP_MS} ms apart (process CPU time)\n`);
  console.log('| ack path | µs per request | user | system | answers direct / through engine.io |\n| --- | --- | --- | --- | --- |');
  // The paths alternate, so a change in the machine's load falls on both.
  for (const mode of Array.from({ length: repeats }, () => MODES).flat()) {
    const r = await measure(mode, sockets, rounds);
    const paths = r.mode === 'direct' ? `${r.counts.direct} / ${r.counts.engine}` : 'all through socket.io';
    console.log(`| ${r.mode} | ${(r.userUs + r.systemUs).toFixed(2)} | ${r.userUs.toFixed(2)} | ${r.systemUs.toFixed(2)} | ${paths} |`);
  }
  return 0;
}

if (process.argv[2] === '--senders') senders(process.argv[3]!, Number(process.argv[4]));
