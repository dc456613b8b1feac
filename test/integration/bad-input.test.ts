// Invariant 3: bad input gets a clear error and changes nothing; the server stays up.
import fc from 'fast-check';
import { SignJWT, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { base64Of, bytesOf } from '../../shared/protocol';
import * as Y from 'yjs';
import { bodyOf, buildContent } from '../../shared/content';
import type { Envelope, WorkspaceSummary } from '../../shared/protocol';
import type { RunningServer } from '../../server/app';
import { api, connect, createCell, refusal, startTestServer, tokenFor, type TestClient } from '../helpers/server';

let server: RunningServer;
let cell: WorkspaceSummary;
let usa: TestClient;
let note: Envelope;

async function stateOf(client: TestClient, id: string): Promise<string> {
  const { docs } = await client.ok('doc:sync', { workspaceId: cell.id, docs: [{ id }] });
  const doc = new Y.Doc();
  Y.applyUpdate(doc, bytesOf(docs[0]!.update));
  return bodyOf(doc).toString();
}

function editOf(text: string, from = new Y.Doc()): Uint8Array {
  const before = Y.encodeStateVector(from);
  bodyOf(from).insert(0, text);
  return Y.encodeStateAsUpdate(from, before);
}

beforeAll(async () => {
  server = await startTestServer({ maxUpdateBytes: 64 * 1024 });
  cell = await createCell(server.url, await tokenFor(server.url, 'usa-analyst'), { name: 'Bad input', template: 'fvey' });
  usa = await connect(server.url, 'usa-analyst');
  await usa.ok('workspace:join', { workspaceId: cell.id });
  ({ object: note } = await usa.ok('object:create', {
    workspaceId: cell.id,
    kind: 'note',
    marking: 'SECRET//REL TO USA, FVEY',
    content: buildContent({ body: 'original' }),
  }));
});
afterAll(async () => {
  usa.close();
  await server.close();
});

describe('doc:update', () => {
  test('a malformed update answers bad_update, leaves the doc as it was, and keeps the socket', async () => {
    const answer = await usa.call('doc:update', { workspaceId: cell.id, id: note.id, epoch: 0, update: new Uint8Array([1, 2, 3, 250, 251]) });
    expect(answer).toMatchObject({ ok: false, error: { code: 'bad_update' } });
    expect(usa.socket.connected).toBe(true);
    expect(await stateOf(usa, note.id)).toBe('original');
  });

  test('a truncated update answers bad_update and changes nothing', async () => {
    const update = editOf('appended ');
    const answer = await usa.call('doc:update', { workspaceId: cell.id, id: note.id, epoch: 0, update: update.slice(0, update.length - 4) });
    expect(answer).toMatchObject({ ok: false, error: { code: 'bad_update' } });
    expect(await stateOf(usa, note.id)).toBe('original');
  });

  test('an update that depends on edits the server never received answers bad_update', async () => {
    const doc = new Y.Doc();
    bodyOf(doc).insert(0, 'first ');
    const later = editOf('second ', doc);
    const answer = await usa.call('doc:update', { workspaceId: cell.id, id: note.id, epoch: 0, update: later });
    expect(answer).toMatchObject({ ok: false, error: { code: 'bad_update' } });
    expect(await stateOf(usa, note.id)).toBe('original');
  });

  test('an update writing outside the content model answers bad_update', async () => {
    const doc = new Y.Doc();
    doc.getMap('smuggled').set('x', 'y');
    const answer = await usa.call('doc:update', { workspaceId: cell.id, id: note.id, epoch: 0, update: Y.encodeStateAsUpdate(doc) });
    expect(answer).toMatchObject({ ok: false, error: { code: 'bad_update' } });
  });

  test('an update over the configured limit answers too_large', async () => {
    const answer = await usa.call('doc:update', { workspaceId: cell.id, id: note.id, epoch: 0, update: editOf('x'.repeat(70 * 1024)) });
    expect(answer).toMatchObject({ ok: false, error: { code: 'too_large' } });
    expect(await stateOf(usa, note.id)).toBe('original');
  });

  test('a stale epoch answers conflict', async () => {
    const answer = await usa.call('doc:update', { workspaceId: cell.id, id: note.id, epoch: 7, update: editOf('late ') });
    expect(answer).toMatchObject({ ok: false, error: { code: 'conflict' } });
  });

  test('random bytes never crash the server nor corrupt the doc', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 0, maxLength: 64 }), async (bytes) => {
        const answer = await usa.call('doc:update', { workspaceId: cell.id, id: note.id, epoch: 0, update: bytes });
        // Bytes whose header claims more pieces than an edit may hold are refused on that claim.
        if (!answer.ok) expect(['bad_update', 'bad_request', 'too_large']).toContain(answer.error.code);
      }),
      { numRuns: 150 },
    );
    expect(usa.socket.connected).toBe(true);
    expect(await stateOf(usa, note.id)).toContain('original');
  });
});

describe('doc:sync', () => {
  const malformed = [new Uint8Array([5]), new Uint8Array([1, 255, 255, 255, 255, 255, 255, 255, 255, 255, 1]), new Uint8Array(0)];

  test('a malformed state vector answers bad_request naming the field, for a doc in memory and one read from the store', async () => {
    for (const inMemory of [true, false]) {
      if (!inMemory) server.ctx.docs.drop(note.id);
      for (const stateVector of [...malformed, base64Of(new Uint8Array([3, 1]))]) {
        const answer = await usa.call('doc:sync', { workspaceId: cell.id, docs: [{ id: note.id, stateVector }] });
        expect(answer).toMatchObject({ ok: false, error: { code: 'bad_request', message: expect.stringContaining('docs.0.stateVector') } });
      }
    }
    expect(usa.socket.connected).toBe(true);
  });

  test('a well-formed state vector, as bytes or base64, answers only what the reader lacks', async () => {
    const replica = new Y.Doc();
    const sync = async (stateVector: Uint8Array | string) =>
      bytesOf((await usa.ok('doc:sync', { workspaceId: cell.id, docs: [{ id: note.id, stateVector }] })).docs[0]!.update);
    const everything = await sync(Y.encodeStateVector(replica));
    Y.applyUpdate(replica, everything);
    expect(bodyOf(replica).toString()).toContain('original');
    expect((await sync(base64Of(Y.encodeStateVector(replica)))).length).toBeLessThan(everything.length);
  });

  test('random state vectors answer ok or bad_request, never internal', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 24 }), fc.boolean(), async (stateVector, evicted) => {
        if (evicted) server.ctx.docs.drop(note.id);
        const answer = await usa.call('doc:sync', { workspaceId: cell.id, docs: [{ id: note.id, stateVector }] });
        if (!answer.ok) expect(answer.error.code).toBe('bad_request');
      }),
      { numRuns: 200 },
    );
  });
});

describe('payload validation', () => {
  test('unknown fields and wrong types answer bad_request and change nothing', async () => {
    const extra = await usa.call('object:create', { workspaceId: cell.id, kind: 'note', marking: 'UNCLASSIFIED', hacked: true });
    expect(extra).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    const wrongType = await usa.call('doc:update', { workspaceId: cell.id, id: note.id, epoch: '0', update: 'text' });
    expect(wrongType).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    const notAnObject = await usa.call('workspace:join', 42);
    expect(notAnObject).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    const { objects } = await usa.ok('workspace:join', { workspaceId: cell.id });
    expect(objects).toHaveLength(1);
  });

  test('an invalid marking answers bad_marking with the parser message naming the token', async () => {
    const answer = await usa.call('object:create', { workspaceId: cell.id, kind: 'note', marking: 'SECRET//REL TO USA, XYZ' });
    expect(answer).toMatchObject({ ok: false, error: { code: 'bad_marking' } });
    expect(!answer.ok && answer.error.message).toContain('XYZ');
    const remark = await usa.call('object:remark', { workspaceId: cell.id, id: note.id, marking: 'SECRET//NOFORN//REL TO GBR' });
    expect(remark).toMatchObject({ ok: false, error: { code: 'bad_marking' } });
    const { objects } = await usa.ok('workspace:join', { workspaceId: cell.id });
    expect(objects.map((o) => o.marking)).toEqual(['SECRET//REL TO USA, FVEY']);
  });

  test('a REL TO list without the originating nation, and RELIDO on another nation\'s material, are refused and change nothing', async () => {
    const withoutUsa = await usa.call('object:create', { workspaceId: cell.id, kind: 'note', marking: 'SECRET//REL TO GBR, AUS' });
    expect(withoutUsa).toMatchObject({ ok: false, error: { code: 'bad_marking', message: expect.stringContaining('Mark it SECRET//REL TO USA, AUS, GBR') } });
    const remark = await usa.call('object:remark', { workspaceId: cell.id, id: note.id, marking: 'SECRET//REL TO GBR, AUS' });
    expect(remark).toMatchObject({ ok: false, error: { code: 'bad_marking', message: expect.stringContaining('leaves out USA') } });
    const gbr = await connect(server.url, 'gbr-analyst');
    await gbr.ok('workspace:join', { workspaceId: cell.id });
    const relido = await gbr.call('object:create', { workspaceId: cell.id, kind: 'note', marking: 'SECRET//RELIDO' });
    expect(relido).toMatchObject({ ok: false, error: { code: 'bad_marking', message: expect.stringContaining('RELIDO is only for USA material') } });
    gbr.close();
    const { objects } = await usa.ok('workspace:join', { workspaceId: cell.id });
    expect(objects.map((o) => o.marking)).toEqual(['SECRET//REL TO USA, FVEY']);
  });

  test('a marking above the cell system high or the author clearance is refused', async () => {
    const low = await createCell(server.url, await tokenFor(server.url, 'usa-analyst'), { name: 'Low side', template: 'fvey', systemHigh: 'SECRET' });
    await usa.ok('workspace:join', { workspaceId: low.id });
    const aboveCell = await usa.call('object:create', { workspaceId: low.id, kind: 'note', marking: 'TOP SECRET//REL TO USA, FVEY' });
    expect(aboveCell).toMatchObject({ ok: false, error: { code: 'bad_marking' } });
    const gbr = await connect(server.url, 'gbr-analyst');
    await gbr.ok('workspace:join', { workspaceId: cell.id });
    const aboveMe = await gbr.call('object:create', { workspaceId: cell.id, kind: 'note', marking: 'TOP SECRET//REL TO USA, GBR' });
    expect(aboveMe).toMatchObject({ ok: false, error: { code: 'bad_marking' } });
    gbr.close();
  });

  test('a message without an ack callback is ignored and the server stays up', async () => {
    usa.socket.emit('object:create', { workspaceId: cell.id, kind: 'note', marking: 'UNCLASSIFIED' });
    const { objects } = await usa.ok('workspace:join', { workspaceId: cell.id });
    expect(objects).toHaveLength(1);
  });
});

describe('roles and membership', () => {
  test('a viewer cannot write; a non-member nation cannot join', async () => {
    const viewer = await connect(server.url, 'aus-viewer');
    await viewer.ok('workspace:join', { workspaceId: cell.id });
    const write = await viewer.call('doc:update', { workspaceId: cell.id, id: note.id, epoch: 0, update: editOf('viewer ') });
    expect(write).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const create = await viewer.call('object:create', { workspaceId: cell.id, kind: 'note', marking: 'UNCLASSIFIED' });
    expect(create).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    viewer.close();
    const jpn = await connect(server.url, 'jpn-analyst');
    // A cell one's nation is not in answers like a missing one (test/integration/metadata-leaks.test.ts).
    expect(await jpn.call('workspace:join', { workspaceId: cell.id })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    const sync = await jpn.call('doc:sync', { workspaceId: cell.id, docs: [{ id: note.id }] });
    expect(sync).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    jpn.close();
    expect(await stateOf(usa, note.id)).toContain('original');
  });

  test('a non-originator cannot re-mark, and widening needs the originator FDO', async () => {
    const gbr = await connect(server.url, 'gbr-analyst');
    await gbr.ok('workspace:join', { workspaceId: cell.id });
    const narrow = await gbr.call('object:remark', { workspaceId: cell.id, id: note.id, marking: 'SECRET//REL TO USA, GBR' });
    expect(narrow).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const widen = await usa.call('object:remark', { workspaceId: cell.id, id: note.id, marking: 'SECRET//REL TO USA, FVEY, JPN' });
    expect(widen).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    gbr.close();
  });
});

describe('flooding and tokens', () => {
  test('a flood answers rate_limited and the socket recovers', async () => {
    const strict = await startTestServer({ ratePerSecond: 5, rateBurst: 10 });
    const client = await connect(strict.url, 'usa-analyst');
    const answers = await Promise.all(Array.from({ length: 30 }, () => client.call('workspace:join', { workspaceId: 'nope' })));
    const codes = answers.map((a) => (a.ok ? 'ok' : a.error.code));
    expect(codes.filter((c) => c === 'rate_limited').length).toBeGreaterThanOrEqual(15);
    await new Promise((r) => setTimeout(r, 1200));
    expect(await client.call('workspace:join', { workspaceId: 'nope' })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    client.close();
    await strict.close();
  });

  test('a forged token is refused with unauthorized; no token either', async () => {
    const { privateKey } = await generateKeyPair('ES256');
    const forged = await new SignJWT({ name: 'Mallory', nation: 'USA', clearance: 'TOP SECRET', compartments: [], roles: ['editor', 'fdo'] })
      .setProtectedHeader({ alg: 'ES256' })
      .setSubject('usa-fdo')
      .setIssuer('tearline-dev')
      .setExpirationTime('1h')
      .sign(privateKey);
    for (const token of [forged, undefined, 'not-a-jwt']) {
      expect(await refusal(server.url, { token })).toMatchObject({ code: 'unauthorized' });
    }
    expect((await api(server.url, 'GET', '/api/workspaces', undefined, forged)).status).toBe(401);
  });

  test('an expired token disconnects the socket', async () => {
    // Long enough to connect on a loaded machine (exp is whole seconds), short enough to wait for.
    const token = await tokenFor(server.url, 'gbr-analyst', { expiresInSeconds: 3 });
    const client = await connect(server.url, 'gbr-analyst', token);
    const ended = client.waitFor('session:ended', () => true, 8000);
    await new Promise<void>((resolve) => client.socket.once('disconnect', () => resolve()));
    expect(await ended).toMatchObject({ code: 'unauthorized' });
  });
});

describe('presence', () => {
  test('presence carries only known views, and a cursor only with the object it points into', async () => {
    const bad = [
      { view: 'report 7f3c: Convoy' },
      { cursor: { secret: 'no object' } },
      { objectId: note.id, cursor: { blob: 'x'.repeat(4000) } },
    ];
    for (const state of bad) {
      expect(await usa.call('awareness:update', { workspaceId: cell.id, state })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    }
    expect(await usa.call('awareness:update', { workspaceId: cell.id, state: { view: 'timeline', objectId: note.id, cursor: { anchor: 1 } } })).toEqual({ ok: true });
  });
});
