// Widening never hands over history written under a narrower audience, for the object or
// anything under it: whenever an object's audience grows (its own release, its report's, a
// tearline's, a widening back after a narrowing), whoever it reaches gets a copy of its current
// content only. Each case runs with the docs held in memory and with them evicted, where a
// reader used to be served the raw stored log (inserts before deletes).
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import * as Y from 'yjs';
import { bodyOf, buildContent } from '../../shared/content';
import { bytesOf, type Envelope, type WorkspaceSummary } from '../../shared/protocol';
import type { RunningServer } from '../../server/app';
import { connect, createCell, startTestServer, tokenFor, type TestClient } from '../helpers/server';

/** Every binary field of a recorded frame (Buffers on Node, whatever the nesting). */
function binaries(value: unknown, out: Buffer[] = []): Buffer[] {
  if (value instanceof Uint8Array) out.push(Buffer.from(value));
  else if (value instanceof ArrayBuffer) out.push(Buffer.from(value));
  else if (Array.isArray(value)) for (const item of value) binaries(item, out);
  else if (value && typeof value === 'object') for (const item of Object.values(value)) binaries(item, out);
  return out;
}

function expectNoBytes(where: string, bytes: Buffer, secrets: readonly string[]): void {
  for (const secret of secrets) expect(bytes.includes(Buffer.from(secret, 'utf8')), `${secret} in ${where}`).toBe(false);
}

/** Current content only: none of the secrets' UTF-8 bytes, and no deletions (no trace of what was removed). */
function expectClean(where: string, update: Uint8Array, secrets: readonly string[]): void {
  expectNoBytes(where, Buffer.from(update), secrets);
  expect(Y.decodeUpdate(update).ds.clients.size, `deleted items in ${where}`).toBe(0);
}

/** No frame the client ever received carries a secret, in its JSON or in any binary field. */
function expectNoFrameCarries(client: TestClient, secrets: readonly string[]): void {
  for (const frame of client.frames) {
    const where = `${client.persona}'s ${frame.event} frame`;
    expectNoBytes(where, Buffer.from(JSON.stringify(frame.payload)), secrets);
    for (const bytes of binaries(frame.payload)) expectNoBytes(where, bytes, secrets);
  }
}

describe.each([
  { mode: 'in memory', evict: false },
  { mode: 'evicted', evict: true },
])('docs $mode', ({ evict }) => {
  let server: RunningServer;
  let cell: WorkspaceSummary;
  let usa: TestClient, fdo: TestClient, gbr: TestClient;

  /** Evicted mode: no doc stays in memory, so readers and re-marks start from the store. */
  async function idle(): Promise<void> {
    if (evict) await server.ctx.docs.evictIdle(Date.now() + 3_600_000);
  }

  async function sync(client: TestClient, id: string): Promise<{ epoch: number; update: Uint8Array }> {
    const { docs, missing } = await client.ok('doc:sync', { workspaceId: cell.id, docs: [{ id }] });
    expect(missing).toEqual([]);
    return { epoch: docs[0]!.epoch, update: bytesOf(docs[0]!.update) };
  }

  async function textOf(client: TestClient, id: string): Promise<string> {
    const doc = new Y.Doc();
    Y.applyUpdate(doc, (await sync(client, id)).update);
    return bodyOf(doc).toString();
  }

  /** Sends one edit made on the object's current state; answers the server's ack. */
  async function edit(client: TestClient, id: string, change: (text: Y.Text) => void, epoch?: number) {
    const state = await sync(client, id);
    const doc = new Y.Doc();
    Y.applyUpdate(doc, state.update);
    const before = Y.encodeStateVector(doc);
    change(bodyOf(doc));
    return client.call('doc:update', { workspaceId: cell.id, id, epoch: epoch ?? state.epoch, update: Y.encodeStateAsUpdate(doc, before) });
  }

  async function typeAndDelete(client: TestClient, id: string, secret: string): Promise<void> {
    expect(await edit(client, id, (t) => t.insert(t.length, secret))).toMatchObject({ ok: true });
    expect(await edit(client, id, (t) => t.delete(t.toString().indexOf(secret), secret.length))).toMatchObject({ ok: true });
  }

  async function create(by: TestClient, kind: 'report' | 'portion', marking: string, body: string, parentId?: string): Promise<Envelope> {
    const payload = { workspaceId: cell.id, kind, marking, content: buildContent({ body }), ...(parentId ? { parentId } : {}) };
    return (await by.ok('object:create', payload)).object;
  }

  /** A release request by a USA analyst, approved by the USA FDO. */
  async function release(id: string, marking: string): Promise<void> {
    const { request } = await usa.ok('release:request', { workspaceId: cell.id, id, marking, justification: 'Coalition planners need it.' });
    await fdo.ok('release:decide', { workspaceId: cell.id, requestId: request.id, decision: 'approve' });
  }

  /** What a reader of the new audience gets, read straight after the release and again from the store. */
  async function expectServedClean(client: TestClient, ids: readonly string[], secrets: readonly string[]): Promise<void> {
    for (const id of ids) expectClean(`${client.persona}'s doc:sync of ${id}`, (await sync(client, id)).update, secrets);
    await idle();
    for (const id of ids) expectClean(`${client.persona}'s doc:sync of ${id} from the store`, (await sync(client, id)).update, secrets);
    expectNoFrameCarries(client, secrets);
  }

  beforeAll(async () => {
    // A long commit window, kept whole even after a quiet spell (0 frames per second), leaves time to
    // release a report while an edit's write is pending.
    server = await startTestServer({ commitWindowMs: 300, commitFramesPerSecond: 0, ...(evict ? { docIdleMs: 1 } : {}) });
    cell = await createCell(server.url, await tokenFor(server.url, 'usa-fdo'), {
      name: 'History desk',
      template: 'adhoc',
      members: ['USA', 'GBR', 'AUS'],
    });
    [usa, fdo, gbr] = (await Promise.all(['usa-analyst', 'usa-fdo', 'gbr-analyst'].map((p) => connect(server.url, p)))) as [
      TestClient,
      TestClient,
      TestClient,
    ];
    for (const client of [usa, fdo, gbr]) await client.ok('workspace:join', { workspaceId: cell.id });
  });
  afterAll(async () => {
    for (const client of [usa, fdo, gbr]) client.close();
    await server.close();
  });

  test('releasing a report hands its portions over without the text deleted while they were narrower', async () => {
    const secrets = ['CANARY-P1 agent Ω deleted', 'CANARY-P2 source Ж deleted'];
    const report = await create(usa, 'report', 'SECRET//NOFORN', 'Route assessment');
    // Releasable to GBR on its own, but hidden behind its NOFORN report until the report goes.
    const p1 = await create(usa, 'portion', 'SECRET//REL TO USA, GBR', 'Convoy leaves at dawn. ', report.id);
    const p2 = await create(usa, 'portion', 'SECRET//NOFORN', 'Escort strength unknown. ', report.id);
    await typeAndDelete(usa, p1.id, secrets[0]!);
    // P2 is released first: while the report stays NOFORN that reaches no one new, so what is
    // typed and deleted afterwards is still history written for USA eyes only.
    await fdo.ok('object:remark', { workspaceId: cell.id, id: p2.id, marking: 'SECRET//REL TO USA, GBR' });
    await typeAndDelete(usa, p2.id, secrets[1]!);
    await idle();

    await release(report.id, 'SECRET//REL TO USA, GBR');
    for (const id of [report.id, p1.id, p2.id]) await gbr.waitFor('object:added', (e: Envelope) => e.id === id);
    expect(await textOf(gbr, p1.id)).toBe('Convoy leaves at dawn. ');
    expect(await textOf(gbr, p2.id)).toBe('Escort strength unknown. ');
    await expectServedClean(gbr, [report.id, p1.id, p2.id], secrets);
    // The old audience moves to each portion's new epoch.
    for (const id of [p1.id, p2.id]) {
      const reset = await usa.waitFor('doc:reset', (b) => b.id === id);
      expect(reset.epoch).toBeGreaterThan(0);
      expectClean(`USA doc:reset of ${id}`, bytesOf(reset.update), secrets);
    }
  });

  test('releasing a tearline hands over none of the text its author sanitised out', async () => {
    const secrets = ['Agent ZEPHYR-Ω reports: '];
    const source = await create(usa, 'report', 'SECRET//NOFORN', 'Harbour watch');
    await create(usa, 'portion', 'SECRET//REL TO USA, GBR', `${secrets[0]}two frigates in port. `, source.id);
    const { object: tearline, portions } = await usa.ok('tearline:create', { workspaceId: cell.id, sourceId: source.id });
    const portion = portions[0]!;
    expect(await edit(usa, portion.id, (t) => t.delete(0, secrets[0]!.length))).toMatchObject({ ok: true });
    await idle();

    await release(tearline.id, 'SECRET//REL TO USA, GBR');
    await gbr.waitFor('object:added', (e: Envelope) => e.id === portion.id);
    expect(await textOf(gbr, portion.id)).toBe('two frigates in port. ');
    await expectServedClean(gbr, [tearline.id, portion.id], secrets);
  });

  test('a widening back after a narrowing does not hand over what was written while narrow', async () => {
    const secrets = ['CANARY-while-narrow Ω'];
    const report = await create(usa, 'report', 'SECRET//REL TO USA, GBR', 'Weekly picture');
    const portion = await create(usa, 'portion', 'SECRET//REL TO USA, GBR', 'Shared line. ', report.id);
    await gbr.waitFor('object:added', (e: Envelope) => e.id === portion.id);
    await usa.ok('object:remark', { workspaceId: cell.id, id: report.id, marking: 'SECRET//NOFORN' });
    await gbr.waitFor('object:removed', (b) => b.id === portion.id);
    await typeAndDelete(usa, portion.id, secrets[0]!);
    await idle();

    await fdo.ok('object:remark', { workspaceId: cell.id, id: report.id, marking: 'SECRET//REL TO USA, GBR' });
    await gbr.waitFor('object:added', (e: Envelope) => e.id === portion.id && e.epoch > 0);
    expect(await textOf(gbr, portion.id)).toBe('Shared line. ');
    await expectServedClean(gbr, [report.id, portion.id], secrets);
  });

  test('a nation whose first participant joins after the release gets no history either', async () => {
    const secrets = ['CANARY-before-AUS Ω'];
    const report = await create(usa, 'report', 'SECRET//NOFORN', 'Air picture');
    const portion = await create(usa, 'portion', 'SECRET//REL TO USA, AUS', 'Two sorties. ', report.id);
    await typeAndDelete(usa, portion.id, secrets[0]!);
    await idle();
    // No AUS participant has joined this cell yet: the release reaches no room that exists today.
    await release(report.id, 'SECRET//REL TO USA, AUS');

    const aus = await connect(server.url, 'aus-analyst');
    try {
      const { objects } = await aus.ok('workspace:join', { workspaceId: cell.id });
      expect(objects.map((e) => e.id)).toContain(portion.id);
      expect(await textOf(aus, portion.id)).toBe('Two sorties. ');
      await expectServedClean(aus, [report.id, portion.id], secrets);
    } finally {
      aus.close();
    }
  });

  test('an edit accepted but not yet durable as its report is released is acknowledged and in the portion’s new epoch', async () => {
    const report = await create(usa, 'report', 'SECRET//NOFORN', 'Logistics');
    const portion = await create(usa, 'portion', 'SECRET//REL TO USA, GBR', 'Fuel for two days.', report.id);
    await idle();
    expect(await edit(usa, portion.id, (t) => t.insert(0, 'Acked: '))).toMatchObject({ ok: true });
    // Accepted, its write still waiting out the commit window, when the release runs: the new
    // epoch waits for it, so it is in the copy.
    const pending = edit(usa, portion.id, (t) => t.insert(t.length, ' Pending.'));
    await vi.waitFor(async () => expect((await server.ctx.docs.open(portion.id)).staged).toHaveLength(1));
    await release(report.id, 'SECRET//REL TO USA, GBR');
    expect(await pending).toMatchObject({ ok: true });

    const expected = 'Acked: Fuel for two days. Pending.';
    const reset = await usa.waitFor('doc:reset', (b) => b.id === portion.id);
    expect(reset.epoch).toBe(1);
    const resetDoc = new Y.Doc();
    Y.applyUpdate(resetDoc, bytesOf(reset.update));
    expect(bodyOf(resetDoc).toString()).toBe(expected);
    expect(await sync(gbr, portion.id)).toMatchObject({ epoch: 1 });
    expect(await textOf(gbr, portion.id)).toBe(expected);
    await idle();
    expect(await textOf(gbr, portion.id)).toBe(expected);

    // The old epoch is closed: an edit still made against it is refused, not merged.
    const stale = await edit(usa, portion.id, (t) => t.insert(0, 'late '), 0);
    expect(stale).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(await textOf(gbr, portion.id)).toBe(expected);
  });
});
