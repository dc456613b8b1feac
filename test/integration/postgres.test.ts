// A full Tearline server on PostgreSQL (TEARLINE_STORE=postgres): co-editing, a re-mark and the
// audit chain over it, and durability across a restart. Skipped without a local PostgreSQL, never
// in CI.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import { bodyOf, buildContent } from '../../shared/content';
import { bytesOf, type Envelope } from '../../shared/protocol';
import type { RunningServer } from '../../server/app';
import { createTestDatabase, postgresTestsSkipped, type TestDatabase } from '../helpers/postgres';
import { connect, createCell, onPostgres, replica, settle, startTestServer, tempDir, tokenFor, type TestClient } from '../helpers/server';

describe.skipIf(postgresTestsSkipped)('Tearline on PostgreSQL', () => {
  let database: TestDatabase;
  const clients: TestClient[] = [];
  const servers: RunningServer[] = [];
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    for (const client of clients) client.close();
    for (const server of servers) await server.close();
    await database.drop();
  });

  async function start(dataDir: string): Promise<RunningServer> {
    const server = await startTestServer({ ...onPostgres(database.url), dataDir });
    servers.push(server);
    return server;
  }
  async function open(server: RunningServer, persona: string): Promise<TestClient> {
    const client = await connect(server.url, persona);
    clients.push(client);
    return client;
  }

  test('USA and GBR co-edit a REL TO USA, GBR portion and converge, AUS sees none of it; after a narrowing re-mark USA edits on; every acknowledged edit survives a restart', async () => {
    const dataDir = tempDir();
    const first = await start(dataDir);
    const cell = await createCell(first.url, await tokenFor(first.url, 'usa-analyst'), { name: 'On PostgreSQL', template: 'adhoc', members: ['USA', 'GBR', 'AUS'] });
    const [usa, gbr, aus] = await Promise.all(['usa-analyst', 'gbr-analyst', 'aus-analyst'].map((persona) => open(first, persona)));
    for (const client of [usa!, gbr!, aus!]) await client.ok('workspace:join', { workspaceId: cell.id });
    const { object: portion } = await usa!.ok('object:create', {
      workspaceId: cell.id,
      kind: 'note',
      marking: 'SECRET//REL TO USA, GBR',
      content: buildContent({ body: 'CANARY-PG ' }),
    });
    await gbr!.waitFor('object:added', (e: Envelope) => e.id === portion.id);

    const us = await replica(usa!, cell.id, portion);
    const gb = await replica(gbr!, cell.id, portion);
    for (let i = 0; i < 15; i++) {
      bodyOf(us.doc).insert(0, `u${i} `);
      bodyOf(gb.doc).insert(bodyOf(gb.doc).length, `g${i} `);
    }
    await Promise.all([...us.acks, ...gb.acks]);
    await settle(usa!, gbr!, aus!);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(bodyOf(us.doc).toString()).toBe(bodyOf(gb.doc).toString());
    expect(JSON.stringify(aus!.frames)).not.toContain(portion.id);

    // Narrowed on this node: GBR loses it, and USA's next edit is stored under the new marking
    // (this node holds it), not fenced.
    await usa!.ok('object:remark', { workspaceId: cell.id, id: portion.id, marking: 'SECRET//NOFORN' });
    await gbr!.waitFor('object:removed', (e: { id: string }) => e.id === portion.id);
    bodyOf(us.doc).insert(0, 'AFTER-REMARK ');
    await Promise.all(us.acks);
    const acknowledged = bodyOf(us.doc).toString();
    expect(acknowledged).toContain('u14');
    expect(acknowledged).toContain('g14');

    // A restart: a new node on the same database serves every acknowledged edit.
    await first.close();
    servers.splice(servers.indexOf(first), 1);
    const second = await start(dataDir);
    const reader = await open(second, 'usa-analyst');
    await reader.ok('workspace:join', { workspaceId: cell.id });
    const { docs } = await reader.ok('doc:sync', { workspaceId: cell.id, docs: [{ id: portion.id }] });
    const restored = new Y.Doc();
    Y.applyUpdate(restored, bytesOf(docs[0]!.update));
    expect(bodyOf(restored).toString()).toBe(acknowledged);
    expect(await second.ctx.audit.verify()).toMatchObject({ ok: true });
    expect((await second.ctx.audit.listForObject(portion.id)).map((entry) => entry.action)).toEqual(['object.create', 'object.remark']);
  });
});

test('a node whose database does not answer stops at start with a sentence naming DATABASE_URL', async () => {
  await expect(startTestServer(onPostgres('postgres://tearline:secret@127.0.0.1:1/tearline'))).rejects.toMatchObject({
    code: 'bad_config',
    message: expect.stringMatching(/^The database at DATABASE_URL \(postgres:\/\/tearline:\*\*\*@127\.0\.0\.1:1\/tearline\) could not be used: /),
  });
});
