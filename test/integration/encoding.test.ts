// Binary fields to clients: Uint8Array by default (at most 10 per doc:sync, socket.io's limit),
// or base64 text for sockets that ask for it, with updates batched per room in one frame; and
// binary fields from clients, as bytes or base64 text.
import { afterAll, beforeAll, expect, test } from 'vitest';
import * as Y from 'yjs';
import { bodyOf, buildContent } from '../../shared/content';
import { base64Of, bytesOf, type DocState, type Envelope, type WorkspaceSummary } from '../../shared/protocol';
import type { RunningServer } from '../../server/app';
import { connect, createCell, refusal, startTestServer, tokenFor, type TestClient } from '../helpers/server';

let server: RunningServer;
let cell: WorkspaceSummary;
let writer: TestClient;
const objects: Envelope[] = [];

beforeAll(async () => {
  server = await startTestServer({ fanoutWindowMs: 30 });
  cell = await createCell(server.url, await tokenFor(server.url, 'usa-analyst'), { name: 'Encodings', template: 'fvey' });
  writer = await connect(server.url, 'usa-analyst');
  await writer.ok('workspace:join', { workspaceId: cell.id });
  for (let i = 0; i < 15; i++) {
    const marking = i === 14 ? 'SECRET//NOFORN' : 'SECRET//REL TO USA, FVEY';
    objects.push((await writer.ok('object:create', { workspaceId: cell.id, kind: 'note', marking, content: buildContent({ body: `note ${i}` }) })).object);
  }
});
afterAll(async () => {
  writer.close();
  await server.close();
});

function edit(object: Envelope, text: string): Promise<unknown> {
  const doc = new Y.Doc();
  bodyOf(doc).insert(0, text);
  return writer.ok('doc:update', { workspaceId: cell.id, id: object.id, epoch: 0, update: Y.encodeStateAsUpdate(doc) });
}

test('a binary socket gets at most 10 docs per doc:sync, with a clear error beyond, and stays connected', async () => {
  const gbr = await connect(server.url, 'gbr-analyst');
  await gbr.ok('workspace:join', { workspaceId: cell.id });
  const ten = await gbr.ok('doc:sync', { workspaceId: cell.id, docs: objects.slice(0, 10).map((o) => ({ id: o.id })) });
  expect(ten.docs).toHaveLength(10);
  expect(ten.docs[0]!.update).toBeInstanceOf(Uint8Array);
  const eleven = await gbr.call('doc:sync', { workspaceId: cell.id, docs: objects.slice(0, 11).map((o) => ({ id: o.id })) });
  expect(eleven).toMatchObject({ ok: false, error: { code: 'bad_request', message: expect.stringContaining('base64') } });
  expect(gbr.socket.connected).toBe(true);
  gbr.close();
});

test('a base64 socket syncs many docs at once and receives a window of updates as one doc:updates frame', async () => {
  const gbr = await connect(server.url, 'gbr-analyst', undefined, 'base64');
  const binary = await connect(server.url, 'gbr-analyst');
  for (const c of [gbr, binary]) await c.ok('workspace:join', { workspaceId: cell.id });
  const { docs, missing } = await gbr.ok('doc:sync', { workspaceId: cell.id, docs: objects.map((o) => ({ id: o.id })) });
  expect(docs).toHaveLength(14);
  expect(missing).toEqual([objects[14]!.id]);
  const doc = new Y.Doc();
  Y.applyUpdate(doc, bytesOf(docs[3]!.update));
  expect(typeof docs[3]!.update).toBe('string');
  expect(bodyOf(doc).toString()).toBe('note 3');

  await Promise.all([edit(objects[0]!, 'A-'), edit(objects[1]!, 'B-'), edit(objects[14]!, 'NOFORN-CANARY')]);
  const batch = await gbr.waitFor('doc:updates', (b: { updates: DocState[] }) => b.updates.length >= 2);
  expect(batch.updates.map((u: DocState) => u.id).sort()).toEqual([objects[0]!.id, objects[1]!.id].sort());
  const text = batch.updates.map((u: DocState) => Buffer.from(bytesOf(u.update)).toString('latin1')).join();
  expect(text).toContain('A-');
  expect(text).not.toContain('NOFORN-CANARY');
  // The binary socket of the same level gets one doc:update per object, and no batch.
  await binary.waitFor('doc:update', (b) => b.id === objects[0]!.id);
  await binary.waitFor('doc:update', (b) => b.id === objects[1]!.id);
  expect(binary.frames.some((f) => f.event === 'doc:updates')).toBe(false);
  expect(gbr.frames.some((f) => f.event === 'doc:update')).toBe(false);
  gbr.close();
  binary.close();
});

test('an unknown encoding is refused at connect', async () => {
  expect(await refusal(server.url, { token: await tokenFor(server.url, 'gbr-analyst'), encoding: 'msgpack' })).toMatchObject({ code: 'bad_request' });
});

test('binary fields may be sent as base64 text on any socket: checked, stored and fanned out as bytes', async () => {
  const usa = await connect(server.url, 'usa-analyst');
  const gbr = await connect(server.url, 'gbr-analyst');
  for (const c of [usa, gbr]) await c.ok('workspace:join', { workspaceId: cell.id });
  const object = objects[5]!;
  const { docs } = await usa.ok('doc:sync', { workspaceId: cell.id, docs: [{ id: object.id }] });
  const doc = new Y.Doc();
  Y.applyUpdate(doc, bytesOf(docs[0]!.update));
  const before = Y.encodeStateVector(doc);
  bodyOf(doc).insert(0, 'via-base64 ');
  const update = Y.encodeStateAsUpdate(doc, before);
  await usa.ok('doc:update', { workspaceId: cell.id, id: object.id, epoch: 0, update: base64Of(update) } as never);
  const seen = await gbr.waitFor('doc:update', (b) => b.id === object.id);
  expect(seen.update).toBeInstanceOf(Uint8Array);
  expect(Buffer.from(seen.update).equals(Buffer.from(update))).toBe(true);

  // Text that is not canonical base64 is refused and changes nothing.
  for (const bad of ['not base64!', 'AQI', base64Of(update).slice(0, -1)]) {
    const answer = await usa.call('doc:update', { workspaceId: cell.id, id: object.id, epoch: 0, update: bad } as never);
    expect(answer).toMatchObject({ ok: false, error: { code: 'bad_request', message: expect.stringContaining('update') } });
  }
  // Base64 of a malformed Yjs update is checked like bytes.
  const garbage = await usa.call('doc:update', { workspaceId: cell.id, id: object.id, epoch: 0, update: base64Of(new Uint8Array([1, 2, 3, 4, 5])) } as never);
  expect(garbage).toMatchObject({ ok: false, error: { code: 'bad_update' } });
  // The size limit counts the decoded bytes.
  const huge = base64Of(new Uint8Array(server.ctx.config.maxUpdateBytes + 1));
  const tooLarge = await usa.call('doc:update', { workspaceId: cell.id, id: object.id, epoch: 0, update: huge } as never);
  expect(tooLarge).toMatchObject({ ok: false, error: { code: 'too_large' } });

  const after = await gbr.ok('doc:sync', { workspaceId: cell.id, docs: [{ id: object.id }] });
  const check = new Y.Doc();
  Y.applyUpdate(check, bytesOf(after.docs[0]!.update));
  expect(bodyOf(check).toString()).toBe('via-base64 note 5');
  usa.close();
  gbr.close();
});

/** Answers sent so far, by path, as the operators' metrics count them. */
async function ackFrames(): Promise<{ direct: number; engine: number }> {
  const text = await (await fetch(server.metricsUrl!)).text();
  const count = (path: string) => Number(new RegExp(`tearline_ack_frames_total\\{path="${path}"\\} (\\d+)`).exec(text)?.[1]);
  return { direct: count('direct'), engine: count('engine') };
}

test('answers without binary fields go straight to the WebSocket; a binary doc:sync answer goes through engine.io', async () => {
  const gbr = await connect(server.url, 'gbr-analyst');
  await gbr.ok('workspace:join', { workspaceId: cell.id });
  const before = await ackFrames();
  expect(await edit(objects[6]!, 'direct ')).toMatchObject({ ok: true });
  const { docs } = await gbr.ok('doc:sync', { workspaceId: cell.id, docs: [{ id: objects[6]!.id }] });
  expect(docs[0]!.update).toBeInstanceOf(Uint8Array);
  const after = await ackFrames();
  expect(after).toEqual({ direct: before.direct + 1, engine: before.engine + 1 });
  gbr.close();
});
