// Several nodes on one PostgreSQL and one Redis (REDIS_URL): clients spread over three nodes
// co-edit and converge; a narrowing re-mark on one node while another takes edits leaves the
// level that lost access with nothing afterwards, from any node; a node stopped and Redis
// restarted empty lose no acknowledged edit and converge within 10 s; a deletion, its undo and a
// move on one node are applied on the others (a write to the deleted object is refused there,
// also before that node heard of it, and the sweeper sends a deletion Redis missed). Each test starts its own
// redis-server and database. Skipped without PostgreSQL or redis-server locally, never in CI.
import { describe, expect, test, vi } from 'vitest';
import { generateKeyBetween } from 'fractional-indexing';
import * as Y from 'yjs';
import { bodyOf, buildContent } from '../../shared/content';
import { bytesOf, type DocState, type Envelope } from '../../shared/protocol';
import type { RunningServer } from '../../server/app';
import type { ServerConfig } from '../../server/config';
import { eventually, storedText, useCluster } from '../helpers/cluster';
import { postgresTestsSkipped } from '../helpers/postgres';
import { redisTestsSkipped } from '../helpers/redis';
import { createPool } from '../../server/store/pgPool';
import { PostgresStore } from '../../server/store/postgresStore';
import { api, createCell, replica, tokenFor, type TestClient } from '../helpers/server';

const skipped = postgresTestsSkipped || redisTestsSkipped;

describe.skipIf(skipped)('several nodes on PostgreSQL and Redis', () => {
  const nodes = useCluster();
  const cluster = (count = 3, config: Partial<ServerConfig> = {}) => nodes.start({ nodes: count, config });
  const open = (node: RunningServer, persona: string, workspaceId: string): Promise<TestClient> => nodes.open(node.url, persona, workspaceId);

  test('clients spread over three nodes co-edit one object and converge', async () => {
    const [a, b, c] = await cluster();
    const cell = await createCell(a!.url, await tokenFor(a!.url, 'usa-analyst'), { name: 'Three nodes', template: 'adhoc', members: ['USA', 'GBR'] });
    const usa = await open(a!, 'usa-analyst', cell.id);
    const gbr = await open(b!, 'gbr-analyst', cell.id);
    const usa2 = await open(c!, 'usa-analyst', cell.id);
    const { object } = await usa.ok('object:create', { workspaceId: cell.id, kind: 'note', marking: 'SECRET//REL TO USA, GBR', content: buildContent({ body: 'start ' }) });
    // Created on node A, announced by the relay on B and C.
    await gbr.waitFor('object:added', (e: Envelope) => e.id === object.id);
    await usa2.waitFor('object:added', (e: Envelope) => e.id === object.id);
    const replicas = await Promise.all([usa, gbr, usa2].map((client) => replica(client, cell.id, object)));
    for (let i = 0; i < 10; i++) replicas.forEach((r, n) => bodyOf(r.doc).insert(0, `n${n}e${i} `));
    await Promise.all(replicas.flatMap((r) => r.acks));
    const texts = () => replicas.map((r) => bodyOf(r.doc).toString());
    await eventually(() => new Set(texts()).size === 1, 10_000, 'the three replicas converge');
    for (let n = 0; n < 3; n++) expect(texts()[0]).toContain(`n${n}e9`);
    // Every node numbers the 30 stored updates alike (docs/protocol.md, "Sequence numbers"): each
    // client holds every number 1–30 once its frames (relayed or local) and its own acks are counted.
    const acks = await Promise.all(replicas.map((r) => Promise.all(r.acks) as Promise<{ seq?: number }[]>));
    const held = (client: TestClient, n: number) => {
      const numbers = new Set(acks[n]!.map((answer) => answer.seq));
      for (const { event, payload } of client.frames) {
        const states = event === 'doc:updates' ? (payload as { updates: DocState[] }).updates : event === 'doc:update' ? [payload as DocState] : [];
        for (const state of states) if (state.id === object.id) for (let seq = state.from ?? state.seq!; seq <= state.seq!; seq++) numbers.add(seq);
      }
      return [...numbers].sort((x, y) => x! - y!);
    };
    const all = Array.from({ length: 30 }, (_, i) => i + 1);
    await eventually(() => [usa, gbr, usa2].every((client, n) => held(client, n).join() === all.join()), 10_000, 'every client holds every number');
  });

  test('two nodes given one TEARLINE_NODE_ID still apply and deliver each other\'s updates (a node skips only its own process\'s entries)', async () => {
    const [a] = await cluster(1);
    const twin = await nodes.node('node-1');
    const cell = await createCell(a!.url, await tokenFor(a!.url, 'usa-analyst'), { name: 'Twins', template: 'adhoc', members: ['USA', 'GBR'] });
    const usa = await open(a!, 'usa-analyst', cell.id);
    const gbr = await open(twin, 'gbr-analyst', cell.id);
    const { object } = await usa.ok('object:create', { workspaceId: cell.id, kind: 'note', marking: 'SECRET//REL TO USA, GBR', content: buildContent({ body: 'start ' }) });
    await gbr.waitFor('object:added', (e: Envelope) => e.id === object.id);
    const [us, gb] = [await replica(usa, cell.id, object), await replica(gbr, cell.id, object)];
    bodyOf(us.doc).insert(0, 'FROM-A ');
    bodyOf(gb.doc).insert(0, 'FROM-TWIN ');
    await Promise.all([...us.acks, ...gb.acks]);
    const both = (r: typeof us) => bodyOf(r.doc).toString().includes('FROM-A') && bodyOf(r.doc).toString().includes('FROM-TWIN');
    await eventually(() => both(us) && both(gb), 10_000, 'each node delivers the other\'s edit');
  });

  test('a narrowing re-mark on node A, edits on node B: the level that lost access receives nothing afterwards from any node', async () => {
    const [a, b, c] = await cluster();
    const cell = await createCell(a!.url, await tokenFor(a!.url, 'usa-analyst'), { name: 'Narrowing', template: 'adhoc', members: ['USA', 'GBR'] });
    const remarker = await open(a!, 'usa-analyst', cell.id);
    const writer = await open(b!, 'usa-analyst', cell.id);
    const watcher = await open(c!, 'usa-analyst', cell.id);
    const lost = await Promise.all([a!, b!, c!].map((node) => open(node, 'gbr-analyst', cell.id)));
    const { object } = await remarker.ok('object:create', { workspaceId: cell.id, kind: 'note', marking: 'SECRET//REL TO USA, GBR', content: buildContent({ body: 'shared ' }) });
    for (const client of [writer, watcher, ...lost]) await client.waitFor('object:added', (e: Envelope) => e.id === object.id);
    const edits = await replica(writer, cell.id, object);
    bodyOf(edits.doc).insert(0, 'BEFORE ');
    await Promise.all(edits.acks);

    await remarker.ok('object:remark', { workspaceId: cell.id, id: object.id, marking: 'SECRET//NOFORN' });
    await Promise.all(lost.map((client) => client.waitFor('object:removed', (e: { id: string }) => e.id === object.id)));
    const cut = lost.map((client) => client.frames.length);

    // Node B learned the re-mark through the relay: its edits are stored, not fenced.
    const after = await replica(writer, cell.id, object);
    bodyOf(after.doc).insert(0, 'CANARY-AFTER-NARROWING ');
    await Promise.all(after.acks);
    const seen = await replica(watcher, cell.id, object);
    await eventually(() => bodyOf(seen.doc).toString().includes('CANARY-AFTER-NARROWING'), 10_000, 'node C delivers the edit to USA');
    await new Promise((resolve) => setTimeout(resolve, 300));
    lost.forEach((client, i) => {
      const later = JSON.stringify(client.frames.slice(cut[i]).map((frame) => [frame.event, frame.payload]));
      expect(later).not.toContain(object.id);
      expect(later).not.toContain('CANARY');
    });
  });

  test('a node stopped and Redis restarted empty: no acknowledged edit lost, converged within 10 s', async () => {
    const [a, b, c] = await cluster();
    const cell = await createCell(a!.url, await tokenFor(a!.url, 'usa-analyst'), { name: 'Faults', template: 'adhoc', members: ['USA', 'GBR'] });
    const usa = await open(a!, 'usa-analyst', cell.id);
    const gbr = await open(b!, 'gbr-analyst', cell.id);
    const onC = await open(c!, 'usa-analyst', cell.id);
    const { object } = await usa.ok('object:create', { workspaceId: cell.id, kind: 'note', marking: 'SECRET//REL TO USA, GBR', content: buildContent({ body: 'start ' }) });
    await gbr.waitFor('object:added', (e: Envelope) => e.id === object.id);
    await onC.waitFor('object:added', (e: Envelope) => e.id === object.id);
    const us = await replica(usa, cell.id, object);
    const gb = await replica(gbr, cell.id, object);
    const fromC = await replica(onC, cell.id, object);
    const acknowledged: string[] = [];
    const write = async (r: typeof us, mark: string) => {
      bodyOf(r.doc).insert(0, `${mark} `);
      await Promise.all(r.acks);
      acknowledged.push(mark);
    };
    await write(us, 'a-before');
    await write(gb, 'b-before');
    await write(fromC, 'c-before');

    // Node C stops; Redis goes away and comes back empty; edits go on throughout.
    nodes.leave(onC);
    await nodes.stop(c!);
    await nodes.redis.stop();
    await write(us, 'a-during');
    await write(gb, 'b-during');
    await nodes.redis.start();
    const fixedAt = Date.now();
    await write(us, 'a-after');
    await write(gb, 'b-after');

    const texts = () => [bodyOf(us.doc).toString(), bodyOf(gb.doc).toString()];
    await eventually(() => texts()[0] === texts()[1] && acknowledged.every((mark) => texts()[0]!.includes(mark)), 10_000 - (Date.now() - fixedAt), () => `both replicas hold every acknowledged edit: USA on A has "${texts()[0]}", GBR on B has "${texts()[1]}"`);
    // And the database holds them: a fresh reader on node A.
    const stored = await storedText(await open(a!, 'usa-analyst', cell.id), cell.id, object.id);
    for (const mark of acknowledged) expect(stored).toContain(mark);
  }, 60_000);

  test('an update committed by a node that died before relaying it reaches every node through the outbox sweeper, applied without reading the object again', async () => {
    const [a, b] = await cluster(2);
    const cell = await createCell(a!.url, await tokenFor(a!.url, 'usa-analyst'), { name: 'Sweeper', template: 'adhoc', members: ['USA', 'GBR'] });
    const usa = await open(a!, 'usa-analyst', cell.id);
    const gbr = await open(b!, 'gbr-analyst', cell.id);
    const { object } = await usa.ok('object:create', { workspaceId: cell.id, kind: 'note', marking: 'SECRET//REL TO USA, GBR', content: buildContent({ body: 'start ' }) });
    await gbr.waitFor('object:added', (e: Envelope) => e.id === object.id);
    const replicas = [await replica(usa, cell.id, object), await replica(gbr, cell.id, object)];

    // The dead node: its store committed (update and outbox row), and it never published.
    const dead = new PostgresStore(createPool(nodes.databaseUrl));
    // Like any node, it read the envelope before writing (the fence refuses writes to others).
    await dead.getObject(object.id);
    const { docs } = await usa.ok('doc:sync', { workspaceId: cell.id, docs: [{ id: object.id }] });
    const doc = new Y.Doc();
    Y.applyUpdate(doc, bytesOf(docs[0]!.update));
    const before = Y.encodeStateVector(doc);
    bodyOf(doc).insert(0, 'FROM-THE-DEAD-NODE ');
    await dead.appendUpdates([{ objectId: object.id, epoch: object.epoch, update: Y.encodeStateAsUpdate(doc, before), author: 'usa-analyst', newClients: [doc.clientID] }]);
    await dead.close();
    const reloads = [a!, b!].map((node) => vi.spyOn(node.ctx.docs, 'catchUp'));

    await eventually(() => replicas.every((r) => bodyOf(r.doc).toString().includes('FROM-THE-DEAD-NODE')), 10_000, 'both nodes deliver the swept update');
    // The swept entry carries the update's bytes, owners and epoch start: applied as relayed, no reload.
    for (const reload of reloads) expect(reload).not.toHaveBeenCalled();
    for (const node of [a!, b!]) expect((await node.ctx.docs.encodeState(object.id)).seq).toBe(1);
  }, 30_000);

  /** The first `event` matching among the client's frames from the `from`-th on (received or coming). */
  function later(client: TestClient, from: number, event: string, match: (payload: any) => boolean): Promise<unknown> {
    const earlier = new Set(client.frames.slice(0, from).map((frame) => frame.payload));
    return client.waitFor(event, (payload) => !earlier.has(payload) && match(payload), 10_000);
  }

  /** An edit to `object` made beside any replica, sent as it is: the answer says whether it was stored. */
  async function sideWrite(client: TestClient, workspaceId: string, object: Envelope, mark: string) {
    const { docs } = await client.ok('doc:sync', { workspaceId, docs: [{ id: object.id }] }).catch(() => ({ docs: [] }));
    const doc = new Y.Doc();
    if (docs[0]) Y.applyUpdate(doc, bytesOf(docs[0].update));
    const before = Y.encodeStateVector(doc);
    bodyOf(doc).insert(0, `${mark} `);
    return client.call('doc:update', { workspaceId, id: object.id, epoch: object.epoch, update: Y.encodeStateAsUpdate(doc, before) });
  }

  test('a deletion, its undo and a move on node A reach node B: gone and unwritable there, back, reordered; a level never told of what it never saw', async () => {
    const [a, b] = await cluster(2);
    const cell = await createCell(a!.url, await tokenFor(a!.url, 'usa-analyst'), { name: 'Delete across nodes', template: 'adhoc', members: ['USA', 'GBR', 'JPN'] });
    const usa = await open(a!, 'usa-analyst', cell.id);
    const gbr = await open(b!, 'gbr-analyst', cell.id);
    const jpn = await open(b!, 'jpn-analyst', cell.id);
    const create = async (marking: string, parentId?: string) =>
      (await usa.ok('object:create', { workspaceId: cell.id, kind: parentId ? 'portion' : 'report', marking, parentId, content: buildContent({ body: 'text ' }) })).object;
    const report = await create('SECRET//REL TO USA, GBR, JPN');
    const gbrOnly = await create('SECRET//REL TO USA, GBR', report.id);
    const shared = await create('SECRET//REL TO USA, GBR, JPN', report.id);
    for (const id of [report.id, gbrOnly.id, shared.id]) await gbr.waitFor('object:added', (e: Envelope) => e.id === id);
    await jpn.waitFor('object:added', (e: Envelope) => e.id === shared.id);
    const jpnFrom = jpn.frames.length;

    await usa.ok('object:delete', { workspaceId: cell.id, id: report.id });
    for (const id of [report.id, gbrOnly.id, shared.id]) await gbr.waitFor('object:removed', (e: { id: string }) => e.id === id, 10_000);
    await jpn.waitFor('object:removed', (e: { id: string }) => e.id === report.id, 10_000);
    // Node B takes no write to it: refused as absent, and nothing stored.
    expect(await sideWrite(gbr, cell.id, shared, 'WRITTEN-AFTER-DELETE')).toMatchObject({ ok: false, error: { code: 'not_found' } });

    const gbrFrom = gbr.frames.length;
    await usa.ok('object:restore', { workspaceId: cell.id, id: report.id });
    for (const id of [report.id, gbrOnly.id, shared.id]) await later(gbr, gbrFrom, 'object:added', (e: Envelope) => e.id === id);
    await later(jpn, jpnFrom, 'object:added', (e: Envelope) => e.id === shared.id);
    expect(await storedText(gbr, cell.id, shared.id)).not.toContain('WRITTEN-AFTER-DELETE');

    const orderKey = generateKeyBetween(null, gbrOnly.orderKey);
    await usa.ok('object:move', { workspaceId: cell.id, id: shared.id, orderKey });
    await gbr.waitFor('object:changed', (e: Envelope) => e.id === shared.id && e.orderKey === orderKey, 10_000);
    await jpn.waitFor('object:changed', (e: Envelope) => e.id === shared.id && e.orderKey === orderKey, 10_000);
    // JPN never saw the GBR paragraph: neither its deletion nor its undo names it.
    expect(JSON.stringify(jpn.frames.slice(jpnFrom))).not.toContain(gbrOnly.id);
  });

  test('a deletion closes the live doc on every node: the deleting one at once, the others from the relay', async () => {
    const [a, b] = await cluster(2);
    const cell = await createCell(a!.url, await tokenFor(a!.url, 'usa-analyst'), { name: 'Delete live docs', template: 'adhoc', members: ['USA', 'GBR'] });
    const usa = await open(a!, 'usa-analyst', cell.id);
    const gbr = await open(b!, 'gbr-analyst', cell.id);
    const { object } = await usa.ok('object:create', { workspaceId: cell.id, kind: 'note', marking: 'SECRET//REL TO USA, GBR', content: buildContent({ body: 'start ' }) });
    await gbr.waitFor('object:added', (e: Envelope) => e.id === object.id, 10_000);
    // An edit on each node loads the live doc there.
    for (const [client, mark] of [[usa, 'on-a'], [gbr, 'on-b']] as const) expect(await sideWrite(client, cell.id, object, mark)).toMatchObject({ ok: true });
    expect([a!, b!].map((node) => node.ctx.docs.has(object.id))).toEqual([true, true]);

    await usa.ok('object:delete', { workspaceId: cell.id, id: object.id });
    await eventually(() => [a!, b!].every((node) => !node.ctx.docs.has(object.id)), 10_000, () => `live doc still open: on A ${a!.ctx.docs.has(object.id)}, on B ${b!.ctx.docs.has(object.id)}`);
  });

  test('a deletion committed while Redis was down reaches node B through the outbox sweeper; meanwhile node B stores no write to it', async () => {
    const [a, b] = await nodes.start({ nodes: 2, aof: true });
    const cell = await createCell(a!.url, await tokenFor(a!.url, 'usa-analyst'), { name: 'Delete while Redis is away', template: 'adhoc', members: ['USA', 'GBR'] });
    const usa = await open(a!, 'usa-analyst', cell.id);
    const gbr = await open(b!, 'gbr-analyst', cell.id);
    const { object } = await usa.ok('object:create', { workspaceId: cell.id, kind: 'note', marking: 'SECRET//REL TO USA, GBR', content: buildContent({ body: 'start ' }) });
    await gbr.waitFor('object:added', (e: Envelope) => e.id === object.id);

    await nodes.redis.stop();
    await usa.ok('object:delete', { workspaceId: cell.id, id: object.id });
    // Node B has not heard of it: its store refuses the write in the storing transaction.
    expect(await sideWrite(gbr, cell.id, object, 'WRITTEN-WHILE-AWAY')).toMatchObject({ ok: false, error: { code: 'not_found' } });
    await nodes.redis.start();
    await gbr.waitFor('object:removed', (e: { id: string }) => e.id === object.id, 15_000);
    expect(await sideWrite(gbr, cell.id, object, 'WRITTEN-AFTER')).toMatchObject({ ok: false, error: { code: 'not_found' } });
    await usa.ok('object:restore', { workspaceId: cell.id, id: object.id });
    // A second object:added: the first, from the creation, is among the frames waitFor would match.
    const added = () => gbr.frames.filter((f) => f.event === 'object:added' && (f.payload as Envelope).id === object.id).length;
    await eventually(() => added() === 2, 10_000, 'the undo reaches node B');
    const stored = await storedText(gbr, cell.id, object.id);
    expect(stored).toBe('start ');
  }, 60_000);

  test("a person's REST budget is one across nodes", async () => {
    const [a, b] = await cluster(2, { httpPerMinute: 4 });
    const token = await tokenFor(a!.url, 'usa-analyst');
    const statuses: number[] = [];
    for (const node of [a!, b!, a!, b!, a!, b!]) statuses.push((await api(node.url, 'GET', '/api/workspaces', undefined, token)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
  });
});
