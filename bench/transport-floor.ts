// What a connected client costs before Tearline adds anything: the heap of a bare server (ws alone,
// as y-websocket uses it, and socket.io 4 on its WebSocket transport, as Tearline uses it) per
// connection, after a full GC. It is the floor under `socket-memory`'s figure, so a memory target
// can be checked against what the transport itself holds. Bytes, not time: valid on a loaded machine.
// `npm run bench -- transport-floor [--clients 100,500] [--out <file.json>]`
// The server runs in a child process (this file with `--serve <transport>`), the clients here.
import { fork, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { Server } from 'socket.io';
import { io as connectSocketIo, type Socket } from 'socket.io-client';
import { WebSocket, WebSocketServer } from 'ws';
import { textFlag } from './options';
import { fixed, table } from './report';

const TRANSPORTS = ['ws', 'socket.io'] as const;
type Transport = (typeof TRANSPORTS)[number];

type ServerMessage = { port: number } | { heap: number };

function serve(transport: Transport): void {
  const http = createServer();
  if (transport === 'socket.io') {
    new Server(http, { transports: ['websocket'] }).on('connection', (socket) => socket.on('edit', () => {}));
  } else {
    new WebSocketServer({ server: http, clientTracking: false }).on('connection', (ws) => ws.on('message', () => {}));
  }
  http.listen(0, '127.0.0.1', () => {
    const address = http.address();
    if (address === null || typeof address === 'string') throw new Error('The floor server has no port.');
    process.send?.({ port: address.port } satisfies ServerMessage);
  });
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('The floor server needs --expose-gc.');
  process.on('message', () => {
    gc();
    gc();
    process.send?.({ heap: process.memoryUsage().heapUsed } satisfies ServerMessage);
  });
}

function nextMessage(child: ChildProcess): Promise<ServerMessage> {
  return new Promise((resolve) => child.once('message', (message) => resolve(message as ServerMessage)));
}

async function connect(transport: Transport, port: number): Promise<() => void> {
  if (transport === 'socket.io') {
    const socket: Socket = connectSocketIo(`http://127.0.0.1:${port}`, { transports: ['websocket'], forceNew: true });
    await new Promise((resolve) => socket.once('connect', () => resolve(undefined)));
    return () => socket.close();
  }
  const ws = new WebSocket(`ws://127.0.0.1:${port}`);
  await new Promise((resolve) => ws.once('open', () => resolve(undefined)));
  return () => ws.close();
}

export interface FloorRow {
  transport: Transport;
  clients: number;
  heapKbPerClient: number;
}

async function measure(transport: Transport, steps: number[]): Promise<FloorRow[]> {
  const child = fork(fileURLToPath(import.meta.url), ['--serve', transport], {
    execArgv: [...process.execArgv, '--expose-gc'],
  });
  const closers: Array<() => void> = [];
  try {
    const { port } = (await nextMessage(child)) as { port: number };
    const heap = async (): Promise<number> => {
      const reply = nextMessage(child);
      child.send('gc');
      await new Promise((resolve) => setTimeout(resolve, 300));
      return ((await reply) as { heap: number }).heap;
    };
    // One client first, so what the first connection compiles and allocates once is not counted.
    closers.push(await connect(transport, port));
    const base = await heap();
    const rows: FloorRow[] = [];
    for (const clients of steps) {
      while (closers.length - 1 < clients) closers.push(await connect(transport, port));
      rows.push({ transport, clients, heapKbPerClient: ((await heap()) - base) / clients / 1024 });
    }
    return rows;
  } finally {
    for (const close of closers) close();
    child.kill();
  }
}

export async function run(args: string[]): Promise<number> {
  const steps = (textFlag(args, 'clients') ?? '100,500').split(',').map(Number);
  const rows: FloorRow[] = [];
  for (const transport of TRANSPORTS) rows.push(...(await measure(transport, steps)));
  console.log(
    [
      '### The transport floor: a bare server\'s heap per connection (after a full GC)',
      '',
      table(
        ['transport', 'clients', 'heap KB/client'],
        rows.map((r) => [r.transport, String(r.clients), fixed(r.heapKbPerClient, 1)]),
      ),
    ].join('\n'),
  );
  const out = textFlag(args, 'out');
  if (out) writeFileSync(out, `${JSON.stringify(rows, null, 2)}\n`);
  return 0;
}

if (process.argv[2] === '--serve') {
  const transport = process.argv[3];
  if (!TRANSPORTS.includes(transport as Transport)) throw new Error(`Unknown transport ${transport}.`);
  serve(transport as Transport);
}
