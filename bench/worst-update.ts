// What the worst update the server accepts costs everyone else: a bystander edits its own object
// every few milliseconds while a writer sends, one at a time, the largest updates within the
// bounds of CONTENT_LIMITS (and, for comparison, the deep nesting that used to stall the server
// for seconds, now refused). Reports the bystander's acknowledgement times while each is handled,
// against a quiet baseline in the same run. `npm run bench -- worst-update [--rounds 3]`.
import type { Socket } from 'socket.io-client';
import * as Y from 'yjs';
import { bodyOf, buildContent, CONTENT_LIMITS, fieldsOf } from '../shared/content';
import type { AckBodies, ClientEvent, ClientInput } from '../shared/protocol';
import { request } from '../shared/request';
import { ServerProcess } from './servers/spawn';
import { connectPersona } from './targets/tearline';

const BYSTANDER_GAP_MS = 5;
const SETTLE_MS = 300;

interface Case {
  name: string;
  /** The base content of the writer's object, and the update to send against it. */
  build(): { base: Uint8Array; update: Uint8Array };
}

/** An update made by `change` on a replica of `base`. */
function editOf(base: Uint8Array, change: (doc: Y.Doc) => void): { base: Uint8Array; update: Uint8Array } {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, base);
  const before = Y.encodeStateVector(doc);
  doc.transact(() => change(doc));
  return { base, update: Y.encodeStateAsUpdate(doc, before) };
}

const longBody = () => buildContent({ body: 'x'.repeat(CONTENT_LIMITS.maxStructs * 2 + 10) });
const PIECES = CONTENT_LIMITS.maxStructs - 10;

const CASES: Case[] = [
  {
    name: `${PIECES} one-character inserts (accepted)`,
    build: () => editOf(longBody(), (doc) => {
      for (let i = 0; i < PIECES; i++) bodyOf(doc).insert(i * 2, 'y');
    }),
  },
  {
    name: `${PIECES / 2} formatted ranges (accepted)`,
    build: () => editOf(longBody(), (doc) => {
      for (let i = 0; i < PIECES / 2; i++) bodyOf(doc).format(i * 3, 1, { [`f${i % 40}`]: i });
    }),
  },
  {
    name: `${PIECES} deleted ranges (accepted)`,
    build: () => editOf(longBody(), (doc) => {
      for (let i = 0; i < PIECES; i++) bodyOf(doc).delete(i, 1);
    }),
  },
  {
    name: `a field of 9,000 records nested ${CONTENT_LIMITS.maxJsonDepth - 1} deep (accepted)`,
    build: () => editOf(buildContent({}), (doc) => {
      let value: unknown = Array.from({ length: 9000 }, (_, i) => ({ lat: i / 100, lon: -i / 100, label: `p${i}` }));
      for (let i = 0; i < CONTENT_LIMITS.maxJsonDepth - 3; i++) value = { inner: value };
      fieldsOf(doc).set('tracks', value); // any field but geometry, which must be a shape
    }),
  },
  {
    name: '10,000 nested maps (refused)',
    build: () => editOf(buildContent({}), (doc) => {
      let current = new Y.Map<unknown>();
      fieldsOf(doc).set('nested', current);
      for (let i = 0; i < 10_000; i++) current.set('k', (current = new Y.Map()));
    }),
  },
];

/** Each request may wait behind the worst update: far longer than any client would. */
const ACK_TIMEOUT_MS = 120_000;

async function ok<E extends ClientEvent>(client: Socket, event: E, payload: ClientInput<E>): Promise<AckBodies[E]> {
  const answer = await request(client, event, payload, ACK_TIMEOUT_MS);
  if (!answer.ok) throw new Error(`${event}: ${answer.error.code} ${answer.error.message}`);
  return answer;
}

/** The bystander: types one character into its own object every few ms, timing each acknowledgement. */
function startBystander(client: Socket, workspaceId: string, id: string) {
  const doc = new Y.Doc();
  const times: { at: number; ms: number }[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const before = Y.encodeStateVector(doc);
      bodyOf(doc).insert(0, '.');
      const sent = performance.now();
      await ok(client, 'doc:update', { workspaceId, id, epoch: 0, update: Y.encodeStateAsUpdate(doc, before) });
      times.push({ at: sent, ms: performance.now() - sent });
      await new Promise((r) => setTimeout(r, BYSTANDER_GAP_MS));
    }
  })();
  return {
    /** Acknowledgement times of the edits in flight at any moment between `from` and `to`. */
    between: (from: number, to: number) => times.filter((t) => t.at <= to && t.at + t.ms >= from).map((t) => t.ms),
    async stop() {
      running = false;
      await loop;
    },
  };
}

function quantile(values: number[], q: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

export async function run(args: string[]): Promise<number> {
  const at = args.indexOf('--rounds');
  const rounds = at >= 0 ? Number(args[at + 1]) : 3;
  const server = await ServerProcess.start('tearline');
  try {
    const [writer, bystander] = await Promise.all([connectPersona(server.url, 'usa-analyst'), connectPersona(server.url, 'gbr-analyst')]);
    const token = ((await (await fetch(`${server.url}/api/dev/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ persona: 'usa-analyst' }) })).json()) as { token: string }).token;
    const created = await fetch(`${server.url}/api/workspaces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ name: 'Worst update', template: 'fvey' }),
    });
    const workspaceId = ((await created.json()) as { workspace: { id: string } }).workspace.id;
    for (const client of [writer, bystander]) await ok(client, 'workspace:join', { workspaceId });
    const marking = 'SECRET//REL TO USA, FVEY';
    const own = await ok(bystander, 'object:create', { workspaceId, kind: 'note', marking });
    const watch = startBystander(bystander, workspaceId, own.object.id);

    console.log(`Bystander acknowledgement times (ms) while one update is handled; ${rounds} rounds, one edit every ${BYSTANDER_GAP_MS} ms\n`);
    console.log('| update | bytes | answer | writer ack ms | bystander p50 | bystander max |\n| --- | --- | --- | --- | --- | --- |');
    const quietFrom = performance.now();
    await new Promise((r) => setTimeout(r, 1000));
    const quiet = watch.between(quietFrom, performance.now());
    console.log(`| none (quiet) | 0 | – | – | ${quantile(quiet, 0.5).toFixed(1)} | ${Math.max(...quiet).toFixed(1)} |`);
    for (const testCase of CASES) {
      for (let round = 0; round < rounds; round++) {
        const { base, update } = testCase.build();
        const target = await ok(writer, 'object:create', { workspaceId, kind: 'note', marking, content: base });
        await new Promise((r) => setTimeout(r, SETTLE_MS));
        const from = performance.now();
        const answer = await request(writer, 'doc:update', { workspaceId, id: target.object.id, epoch: 0, update }, ACK_TIMEOUT_MS);
        const ackMs = performance.now() - from;
        await new Promise((r) => setTimeout(r, SETTLE_MS));
        const during = watch.between(from, from + ackMs);
        const outcome = answer.ok ? 'ok' : answer.error.code;
        // A refusal can be over before any bystander edit was in flight: nothing to report then.
        const p50 = during.length ? quantile(during, 0.5).toFixed(1) : '–';
        console.log(`| ${testCase.name} | ${update.byteLength} | ${outcome} | ${ackMs.toFixed(0)} | ${p50} | ${during.length ? Math.max(...during).toFixed(1) : '–'} |`);
      }
    }
    await watch.stop();
    for (const client of [writer, bystander]) client.disconnect();
  } finally {
    await server.stop();
  }
  return 0;
}
