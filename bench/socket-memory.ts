// What each connected client costs the server, in heap rather than time (so it can be measured on
// a loaded machine): the Tearline server's heap used after a full GC (prom-client's
// nodejs_heap_size_used_bytes) and its RSS, before and after N clients connect and join, in steps.
// Steps show whether a per-client figure is per client or a one-off (code compiled while the first
// clients connected). With NODE_OPTIONS=--heapsnapshot-signal=SIGUSR1 in the environment, the
// server writes a heap snapshot into its working directory at each step, for a diff by constructor.
// `npm run bench -- socket-memory [--clients 100,300,500] [--out <file.json>]`
import { writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { LEVELS, levelOf } from './levels';
import { textFlag } from './options';
import { fixed, table } from './report';
import { ServerProcess } from './servers/spawn';
import { tearlineTarget } from './targets/tearline';
import type { Receiver } from './targets/target';

const HEAP_USED = 'tearline_process_nodejs_heap_size_used_bytes';
const CONNECT_BATCH = 25;

export interface SocketMemoryStep {
  clients: number;
  heapKbPerClient: number;
  /** Between the previous step and this one: the one-offs of the first step left out. */
  heapKbPerAddedClient: number;
  rssKbPerClient: number;
}

async function heapUsed(server: ServerProcess): Promise<{ heap: number; rss: number }> {
  const sample = await server.sampleAfterGc();
  await sleep(200);
  const heap = (await server.metrics()).get(HEAP_USED);
  if (heap === undefined) throw new Error(`The server reports no ${HEAP_USED}.`);
  return { heap, rss: sample.rssMb * 1024 * 1024 };
}

export async function run(args: string[]): Promise<number> {
  const steps = (textFlag(args, 'clients') ?? '100,300,500').split(',').map(Number);
  const server = await ServerProcess.start('tearline');
  const receivers: Receiver[] = [];
  const session = await tearlineTarget.open(server);
  const rows: SocketMemoryStep[] = [];
  try {
    // One client first: what any connection compiles and allocates once is not counted per client.
    receivers.push(await session.connectReceiver(LEVELS[0]!, () => {}));
    const base = await heapUsed(server);
    let previous = { clients: 1, heap: base.heap };
    for (const clients of steps) {
      while (receivers.length < clients) {
        const batch = [];
        for (let c = receivers.length; c < Math.min(receivers.length + CONNECT_BATCH, clients); c++) {
          batch.push(session.connectReceiver(LEVELS[levelOf(c)]!, () => {}));
        }
        receivers.push(...(await Promise.all(batch)));
      }
      const now = await heapUsed(server);
      if (process.env.NODE_OPTIONS?.includes('--heapsnapshot-signal=SIGUSR1')) await server.heapSnapshot();
      const added = receivers.length - 1;
      rows.push({
        clients,
        heapKbPerClient: (now.heap - base.heap) / added / 1024,
        heapKbPerAddedClient: (now.heap - previous.heap) / (receivers.length - previous.clients) / 1024,
        rssKbPerClient: (now.rss - base.rss) / added / 1024,
      });
      previous = { clients: receivers.length, heap: now.heap };
      process.stderr.write(`socket memory: ${clients} clients\n`);
    }
  } finally {
    for (const receiver of receivers) receiver.close();
    session.close();
    await server.stop();
  }
  console.log(
    [
      '### Memory per connected client (Tearline server, heap after a full GC)',
      '',
      table(
        ['clients', 'heap KB/client', 'heap KB per client added since the previous step', 'RSS KB/client'],
        rows.map((r) => [String(r.clients), fixed(r.heapKbPerClient, 1), fixed(r.heapKbPerAddedClient, 1), fixed(r.rssKbPerClient, 1)]),
      ),
    ].join('\n'),
  );
  const out = textFlag(args, 'out');
  if (out) writeFileSync(out, `${JSON.stringify(rows, null, 2)}\n`);
  return 0;
}
