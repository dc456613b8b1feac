// Fuzzing a live server as a hostile partner would: generated Yjs updates (nested and embedded
// types, formatting, deletions, foreign client ids, the v2 encoding, truncations and flipped
// bytes) and generated payloads for every event. Invariants after each message: it got `ok` or an
// error code other than `internal`; the server answers; no frame reached a partner with a hidden
// object's id or text. After each run, what was accepted survives copying (release and
// tearline), export, and at the end a restart. `npm run fuzz` runs it longer (FUZZ_RUNS).
import fc from 'fast-check';
import { afterAll, beforeAll, expect, test } from 'vitest';
import * as Y from 'yjs';
import { bodyOf, buildContent, editableFieldText, fieldsOf } from '../../shared/content';
import { bytesOf, ERROR_CODES, schemas, type ClientEvent, type Envelope, type WorkspaceSummary } from '../../shared/protocol';
import type { RunningServer } from '../../server/app';
import { connect, createCell, startTestServer, tempDir, tokenFor, type TestClient } from '../helpers/server';

const RUNS = Number(process.env.FUZZ_RUNS ?? 15);
/** Budgets lifted: the fuzz sends far faster than a person, and exports every run (npm run fuzz: hundreds a minute). */
const UNLIMITED = {
  ratePerSecond: 100_000,
  rateBurst: 100_000,
  personRatePerSecond: 100_000,
  personRateBurst: 100_000,
  httpPerMinute: 100_000,
  httpHeavyPerMinute: 100_000,
};
const SEED = Number(process.env.FUZZ_SEED ?? 11_30);
const CANARY = 'NOFORN-FUZZ-CANARY';

const dataDir = tempDir();
let server: RunningServer;
let cell: WorkspaceSummary;
let fdo: TestClient, gbr: TestClient, jpn: TestClient;
let hidden: Envelope;
/** Every shared object a run wrote to, and what a reader saw of it at the run's end. */
const survivors = new Map<string, unknown>();

async function connectAll(): Promise<void> {
  [fdo, gbr, jpn] = (await Promise.all(['usa-fdo', 'gbr-analyst', 'jpn-analyst'].map((p) => connect(server.url, p)))) as [TestClient, TestClient, TestClient];
  for (const c of [fdo, gbr, jpn]) await c.ok('workspace:join', { workspaceId: cell.id });
}

beforeAll(async () => {
  server = await startTestServer({ dataDir, ...UNLIMITED });
  cell = await createCell(server.url, await tokenFor(server.url, 'usa-fdo'), { name: 'Fuzz', template: 'adhoc', members: ['USA', 'GBR', 'JPN'] });
  await connectAll();
  ({ object: hidden } = await fdo.ok('object:create', {
    workspaceId: cell.id,
    kind: 'note',
    marking: 'SECRET//NOFORN',
    content: buildContent({ body: CANARY, fields: { title: CANARY } }),
  }));
});
afterAll(async () => {
  for (const c of [fdo, gbr, jpn]) c?.close();
  await server?.close();
});

/** What a reader sees of a doc: fields (texts as deltas) and the body with formatting. */
function visible(doc: Y.Doc): unknown {
  const fields: Record<string, unknown> = {};
  for (const [key, value] of fieldsOf(doc).entries()) fields[key] = value instanceof Y.Text ? value.toDelta() : value;
  return { fields, body: bodyOf(doc).toDelta() };
}

async function read(client: TestClient, id: string): Promise<{ doc: Y.Doc; epoch: number }> {
  const { docs } = await client.ok('doc:sync', { workspaceId: cell.id, docs: [{ id }] });
  const doc = new Y.Doc();
  Y.applyUpdate(doc, bytesOf(docs[0]!.update));
  return { doc, epoch: docs[0]!.epoch };
}

type Op = (doc: Y.Doc) => void;
const at = (length: number, n: number) => n % (length + 1);
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.tuple(fc.nat(), fc.string({ maxLength: 8 })).map(([n, s]): Op => (d) => bodyOf(d).insert(at(bodyOf(d).length, n), s)),
  fc.tuple(fc.nat(), fc.nat({ max: 4 })).map(([n, k]): Op => (d) => {
    const from = at(bodyOf(d).length, n);
    bodyOf(d).delete(from, Math.min(k, bodyOf(d).length - from));
  }),
  fc.tuple(fc.nat(), fc.boolean()).map(([n, b]): Op => (d) => bodyOf(d).format(0, at(bodyOf(d).length, n), { bold: b })),
  fc.string({ maxLength: 6 }).map((s): Op => (d) => editableFieldText(d, 'title').insert(0, s)),
  fc.jsonValue({ maxDepth: 3 }).map((v): Op => (d) => fieldsOf(d).set('geometry', v)),
  fc.nat().map((n): Op => (d) => bodyOf(d).insertEmbed(at(bodyOf(d).length, n), new Y.Map())),
  fc.nat().map((n): Op => (d) => bodyOf(d).insertEmbed(at(bodyOf(d).length, n), new Y.Text('embedded'))),
  fc.constant<Op>((d) => fieldsOf(d).set('list', new Y.Array())),
  fc.nat({ max: 40 }).map((depth): Op => (d) => {
    let current = new Y.Map<unknown>();
    fieldsOf(d).set('nested', current);
    for (let i = 0; i < depth; i++) current.set('k', (current = new Y.Map()));
  }),
  fc.constant<Op>((d) => d.getMap('elsewhere').set('k', 1)),
);

/** How the update is sent: as made, re-encoded, cut short, corrupted, or under a stolen id. */
const mangling = fc.oneof(
  fc.constant({ kind: 'plain' as const }),
  fc.constant({ kind: 'v2' as const }),
  fc.nat().map((n) => ({ kind: 'truncate' as const, n })),
  fc.tuple(fc.nat(), fc.nat({ max: 255 })).map(([n, byte]) => ({ kind: 'flip' as const, n, byte })),
  fc.constant({ kind: 'stolen-id' as const }),
  fc.integer({ min: -1, max: 3 }).map((delta) => ({ kind: 'epoch' as const, delta })),
);

const EVENTS = Object.keys(schemas) as ClientEvent[];
/** Payloads for any event: plausible shapes with hostile values, and plain garbage. */
const payload = fc.oneof(
  fc.anything({ maxDepth: 3 }),
  fc.record(
    {
      workspaceId: fc.oneof(fc.constant('CELL'), fc.string({ maxLength: 70 })),
      id: fc.oneof(fc.constant('HIDDEN'), fc.constant('SHARED'), fc.string({ maxLength: 70 })),
      sourceId: fc.oneof(fc.constant('HIDDEN'), fc.constant('SHARED')),
      requestId: fc.string({ maxLength: 40 }),
      kind: fc.constantFrom('note', 'report', 'portion', 'feature', 'bogus'),
      marking: fc.oneof(fc.constantFrom('SECRET//REL TO USA, GBR, JPN', 'SECRET//NOFORN', 'TOP SECRET//HCS', 'UNCLASSIFIED//ORCON'), fc.string({ maxLength: 40 })),
      parentId: fc.oneof(fc.constant('HIDDEN'), fc.constant('SHARED')),
      orderKey: fc.string({ maxLength: 20 }),
      epoch: fc.oneof(fc.integer(), fc.double()),
      docs: fc.array(fc.record({ id: fc.constantFrom('HIDDEN', 'SHARED'), stateVector: fc.uint8Array({ maxLength: 12 }) }, { requiredKeys: ['id'] }), { maxLength: 3 }),
      update: fc.uint8Array({ maxLength: 40 }),
      content: fc.uint8Array({ maxLength: 40 }),
      state: fc.oneof(fc.constant(null), fc.record({ objectId: fc.constantFrom('HIDDEN', 'SHARED'), cursor: fc.anything({ maxDepth: 2 }) })),
      decision: fc.constantFrom('approve', 'deny', 'withdraw', 'maybe'),
      justification: fc.string({ maxLength: 30 }),
      level: fc.record({ nation: fc.constantFrom('GBR', 'JPN', 'XXX'), clearance: fc.constantFrom('SECRET', 'TS', '??'), compartments: fc.array(fc.constantFrom('SI', 'HCS'), { maxLength: 2 }) }),
    },
    { requiredKeys: [] },
  ),
);

type Mangle = typeof mangling extends fc.Arbitrary<infer M> ? M : never;
type Step =
  | { type: 'update'; who: number; ops: Op[]; mangle: Mangle }
  | { type: 'payload'; who: number; event: ClientEvent; body: unknown };

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ type: fc.constant('update' as const), who: fc.nat({ max: 2 }), ops: fc.array(op, { minLength: 1, maxLength: 4 }), mangle: mangling }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('payload' as const), who: fc.nat({ max: 2 }), event: fc.constantFrom(...EVENTS.filter((e) => e !== 'session:refresh')), body: payload }) },
);

function resolveIds(value: unknown, shared: string): unknown {
  if (value === 'CELL') return cell.id;
  if (value === 'HIDDEN') return hidden.id;
  if (value === 'SHARED') return shared;
  if (Array.isArray(value)) return value.map((item) => resolveIds(item, shared));
  if (value && typeof value === 'object' && !(value instanceof Uint8Array)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveIds(v, shared)]));
  }
  return value;
}

function mangled(update: Uint8Array, mangle: Mangle): Uint8Array {
  switch (mangle.kind) {
    case 'v2':
      return Y.convertUpdateFormatV1ToV2(update);
    case 'truncate':
      return update.slice(0, mangle.n % Math.max(1, update.length));
    case 'flip': {
      const copy = update.slice();
      if (copy.length > 0) copy[mangle.n % copy.length] = mangle.byte;
      return copy;
    }
    default:
      return update;
  }
}

/** Every frame a partner received so far mentions neither the hidden object's id nor its text. */
function assertNoLeak(): void {
  for (const partner of [gbr, jpn]) {
    for (const frame of partner.frames) {
      const text = JSON.stringify(frame.payload, (_k, v) => (v?.type === 'Buffer' ? Buffer.from(v.data).toString('latin1') : v instanceof Uint8Array ? Buffer.from(v).toString('latin1') : v));
      expect(text).not.toContain(hidden.id);
      expect(text).not.toContain(CANARY);
    }
  }
}

test('hostile updates and payloads: every message answered with a code, nothing leaks, accepted content survives copy, export and restart', { timeout: 600_000 }, async () => {
  const people = () => [fdo, gbr, jpn];
  await fc.assert(
    fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 12 }), async (steps) => {
      const { object: shared } = await fdo.ok('object:create', {
        workspaceId: cell.id,
        kind: 'note',
        marking: 'SECRET//REL TO USA, GBR, JPN',
        content: buildContent({ body: 'shared ', fields: { title: 'T' } }),
      });
      const replicas = new Map<number, Y.Doc>();
      for (const s of steps) {
        const client = people()[s.who]!;
        let answer;
        if (s.type === 'update') {
          const { doc, epoch } = await read(client, shared.id);
          if (s.mangle.kind === 'stolen-id' && replicas.has((s.who + 1) % 3)) doc.clientID = replicas.get((s.who + 1) % 3)!.clientID;
          const before = Y.encodeStateVector(doc);
          doc.transact(() => s.ops.forEach((apply) => apply(doc)));
          const update = mangled(Y.encodeStateAsUpdate(doc, before), s.mangle);
          const sentEpoch = s.mangle.kind === 'epoch' ? Math.max(0, epoch + s.mangle.delta) : epoch;
          answer = await client.call('doc:update', { workspaceId: cell.id, id: shared.id, epoch: sentEpoch, update });
          if (answer.ok) replicas.set(s.who, doc);
        } else {
          answer = await client.call(s.event, resolveIds(s.body, shared.id));
        }
        if (!answer.ok) {
          expect(ERROR_CODES).toContain(answer.error.code);
          expect(answer.error.code, `${JSON.stringify(answer.error)}`).not.toBe('internal');
          expect(answer.error.message.length).toBeGreaterThan(10);
        }
        assertNoLeak();
      }
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);

      // Whatever was accepted copies faithfully: a tearline, a release to a new audience, an export.
      const current = await read(fdo, shared.id);
      const seen = visible(current.doc);
      const { object: tearline } = await fdo.ok('tearline:create', { workspaceId: cell.id, sourceId: shared.id });
      expect(visible((await read(fdo, tearline.id)).doc)).toEqual(seen);
      const { object: widened } = await fdo.ok('object:remark', { workspaceId: cell.id, id: shared.id, marking: 'SECRET//REL TO USA, GBR, JPN, AUS' });
      expect(widened.epoch).toBe(current.epoch + 1);
      expect(visible((await read(gbr, shared.id)).doc)).toEqual(seen);
      const exported = await fetch(`${server.url}/api/workspaces/${cell.id}/objects/${shared.id}/export`, {
        headers: { authorization: `Bearer ${await tokenFor(server.url, 'gbr-analyst')}` },
      });
      expect(exported.status).toBe(200);
      expect(await exported.text()).toContain(bodyOf(current.doc).toString().trim());
      survivors.set(shared.id, seen);
    }),
    { numRuns: RUNS, seed: SEED },
  );

  // And it is all there after a restart.
  for (const c of people()) c.close();
  await server.close();
  server = await startTestServer({ dataDir, ...UNLIMITED });
  await connectAll();
  for (const [id, seen] of survivors) expect(visible((await read(gbr, id)).doc)).toEqual(seen);
});
