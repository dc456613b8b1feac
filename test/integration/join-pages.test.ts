// A join whose answer would not fit under the socket's output bound (TEARLINE_MAX_PENDING_OUTPUT_BYTES,
// lowered here so a cell of a few hundred objects is "large") is answered in pages, each asked for
// with workspace:objects. The pages hold exactly the joiner's visible set, each under the bound,
// and neither they nor their cursors tell anything of the objects the joiner may not see.
import { afterEach, expect, test } from 'vitest';
import { buildContent } from '../../shared/content';
import type { AckBodies, Envelope, ObjectKind } from '../../shared/protocol';
import type { RunningServer } from '../../server/app';
import type { ServerConfig } from '../../server/config';
import { creation } from '../../server/handlers/objects';
import { createObjects, planObject } from '../../server/objects/create';
import { participantOf } from '../../server/sessions/identity';
import { auditActor } from '../../server/sessions/session';
import { describeEngines, useTestDatabase } from '../helpers/postgres';
import { connect, createCell, onPostgres, startTestServer, tempDir, tokenFor, type TestClient } from '../helpers/server';

/** Small enough that ~45 envelopes overflow it: pages of a quarter of it hold about ten. */
const BOUND = 16 * 1024;

const running: { server?: RunningServer; clients: TestClient[] } = { clients: [] };
afterEach(async () => {
  for (const client of running.clients.splice(0)) client.close();
  await running.server?.close();
  running.server = undefined;
});

interface Planned {
  kind: ObjectKind;
  marking: string;
  parent?: number;
}

/** Stores objects the way object:create does (planned, stored, indexed, audited), a batch at a time; answers their envelopes. */
async function seed(server: RunningServer, workspaceId: string, objects: readonly Planned[], made: Envelope[] = []): Promise<Envelope[]> {
  const { ctx } = server;
  const identity = await ctx.verify(await tokenFor(server.url, 'usa-analyst'));
  const author = { sub: identity.sub, participant: participantOf(identity).participant };
  const cell = (await ctx.cells.get(workspaceId))!;
  const planned = objects.map((object, i) => {
    const parent = object.parent === undefined ? undefined : made[object.parent]!;
    const payload = { workspaceId, kind: object.kind, marking: object.marking, content: buildContent({ body: `item ${made.length + i}` }) };
    return parent ? planObject(cell, author, { ...payload, parentId: parent.id }, { parent }) : planObject(cell, author, payload);
  });
  await createObjects(creation(ctx), cell, auditActor({ identity }), planned);
  return planned.map((doc) => doc.envelope);
}

const FOR_JPN = 'SECRET//REL TO USA, JPN';
const NOT_FOR_JPN = ['SECRET//REL TO USA, GBR', 'SECRET//NOFORN'];

/**
 * A cell of 240 notes (a third releasable to JPN, interleaved with the rest) and 12 reports with a
 * portion each: JPN sees a report only when it is REL TO JPN, and a portion only when its report is too.
 */
async function largeCell(options: Partial<ServerConfig>) {
  const server = (running.server = await startTestServer({ ...options, maxPendingOutputBytes: BOUND }));
  const cell = await createCell(server.url, await tokenFor(server.url, 'usa-analyst'), { name: 'Large', template: 'adhoc', members: ['USA', 'GBR', 'JPN'] });
  const notes: Planned[] = Array.from({ length: 240 }, (_, i) => ({ kind: 'note', marking: i % 3 === 0 ? FOR_JPN : NOT_FOR_JPN[i % 2]! }));
  const reports: Planned[] = Array.from({ length: 12 }, (_, i) => ({ kind: 'report', marking: i % 2 === 0 ? FOR_JPN : NOT_FOR_JPN[0]! }));
  const made = [...(await seed(server, cell.id, notes)), ...(await seed(server, cell.id, reports))];
  // Every portion REL TO JPN: the ones under a report JPN may not see stay hidden through their parent.
  const hiddenParent = (i: number) => !made[240 + i]!.marking.includes('JPN');
  made.push(...(await seed(server, cell.id, reports.map((_, i) => ({ kind: 'portion', marking: FOR_JPN, parent: 240 + i })), made)));
  const visibleToJpn = (envelope: Envelope, i: number) =>
    envelope.marking.includes('JPN') && (envelope.kind !== 'portion' || !hiddenParent(i - 252));
  const visible = made.filter(visibleToJpn).map((envelope) => envelope.id);
  const hidden = made.filter((envelope, i) => !visibleToJpn(envelope, i)).map((envelope) => envelope.id);
  return { server, cell, made, visible, hidden };
}

async function joinAs(server: RunningServer, persona: string): Promise<TestClient> {
  const client = await connect(server.url, persona, undefined, 'base64');
  running.clients.push(client);
  return client;
}

type Page = AckBodies['workspace:objects'];

/** The fields of an answer, its `ok` left out. */
const fieldsOf = (answer: object) => Object.keys(answer).filter((key) => key !== 'ok').sort();

/** Every page after the join's first, as answered. */
async function restOf(client: TestClient, workspaceId: string, next: string | undefined): Promise<Page[]> {
  const pages: Page[] = [];
  while (next !== undefined) {
    const page = await client.ok('workspace:objects', { workspaceId, cursor: next });
    pages.push(page);
    next = page.next;
  }
  return pages;
}

describeEngines(
  'a join answer in pages',
  {
    sqlite: () => () => ({ dataDir: tempDir() }) as Partial<ServerConfig>,
    postgres: () => {
      const url = useTestDatabase();
      return () => ({ dataDir: tempDir(), ...onPostgres(url()) }) as Partial<ServerConfig>;
    },
  },
  (options) => {
    test('pages hold exactly the visible set, each under the bound, and tell nothing of hidden objects', async () => {
      const { server, cell, visible, hidden, made } = await largeCell(options());
      for (const [persona, expected] of [
        ['jpn-analyst', visible],
        ['usa-analyst', made.map((envelope) => envelope.id)],
      ] as const) {
        const client = await joinAs(server, persona);
        const joined = await client.ok('workspace:join', { workspaceId: cell.id });
        expect(fieldsOf(joined)).toEqual(['level', 'next', 'objects', 'seqs', 'workspace']);
        const pages = [joined as Page, ...(await restOf(client, cell.id, joined.next))];
        expect(pages.length).toBeGreaterThan(2);
        const listed = pages.flatMap((page) => page.objects.map((object) => object.id));
        // Exactly the visible set, each object once, in the order they were made.
        expect(listed).toEqual(expected);
        for (const page of pages.slice(1)) expect(fieldsOf(page)).toEqual(page.next === undefined ? ['objects', 'seqs'] : ['next', 'objects', 'seqs']);
        for (const page of pages) {
          // Each answer fits under the bound with room for what else is sent (a quarter, give or take an envelope's estimate).
          expect(JSON.stringify(page).length).toBeLessThan(BOUND / 2);
          expect(page.objects.length).toBeGreaterThan(0);
          // Numbers only for the objects the page lists.
          const ids = new Set(page.objects.map((object) => object.id));
          for (const id of Object.keys(page.seqs ?? {})) expect(ids.has(id)).toBe(true);
        }
        const cursors = pages.map((page) => page.next).filter((next) => next !== undefined);
        expect(new Set(cursors).size).toBe(cursors.length);
        for (const cursor of cursors) expect(cursor).toMatch(/^[A-Za-z0-9_-]{22}$/);
        if (persona === 'jpn-analyst') {
          const text = JSON.stringify(pages);
          for (const id of hidden) expect(text).not.toContain(id);
          for (const page of pages) for (const object of page.objects) expect(object.marking).toContain('JPN');
        }
        // The session took every page and is still served: its first doc:sync answers.
        const { docs } = await client.ok('doc:sync', { workspaceId: cell.id, docs: listed.slice(0, 50).map((id) => ({ id })) });
        expect(docs).toHaveLength(50);
        expect(client.socket.connected).toBe(true);
        expect(client.frames.some((frame) => frame.event === 'session:ended')).toBe(false);
      }
    });
  },
);

test('a page leaves out what was narrowed since the join, a cursor serves once, and a rejoin starts afresh', async () => {
  const { server, cell, visible } = await largeCell({ dataDir: tempDir() });
  const usa = await joinAs(server, 'usa-analyst');
  await restOf(usa, cell.id, (await usa.ok('workspace:join', { workspaceId: cell.id })).next);
  const jpn = await joinAs(server, 'jpn-analyst');
  const joined = await jpn.ok('workspace:join', { workspaceId: cell.id });
  const first = joined.objects.map((object) => object.id);
  // The last object JPN sees is on its last page, not yet asked for: narrowed now, it is not listed.
  const narrowed = visible.at(-1)!;
  expect(first).not.toContain(narrowed);
  await usa.ok('object:remark', { workspaceId: cell.id, id: narrowed, marking: 'SECRET//NOFORN' });
  // One made after the join is announced, and may be listed too (the client keeps it once).
  const { object: added } = await usa.ok('object:create', { workspaceId: cell.id, kind: 'note', marking: FOR_JPN });
  await jpn.waitFor('object:added', (envelope: Envelope) => envelope.id === added.id);

  const second = await jpn.ok('workspace:objects', { workspaceId: cell.id, cursor: joined.next! });
  // A cursor serves once: asked again (or made up), the listing is no longer open.
  for (const cursor of [joined.next!, 'A'.repeat(22)]) {
    const again = await jpn.call('workspace:objects', { workspaceId: cell.id, cursor });
    expect(again).toEqual({ ok: false, error: { code: 'conflict', message: expect.stringContaining('join the cell again') } });
  }
  const rest = await restOf(jpn, cell.id, second.next);
  const listed = [...first, ...[second, ...rest].flatMap((page) => page.objects.map((object) => object.id))];
  expect(listed).not.toContain(narrowed);
  expect(listed.filter((id) => id !== added.id)).toEqual(visible.filter((id) => id !== narrowed));

  // A join starts a new listing; the cursor of the one before it no longer serves.
  const earlier = await jpn.ok('workspace:join', { workspaceId: cell.id });
  const later = await jpn.ok('workspace:join', { workspaceId: cell.id });
  expect((await jpn.call('workspace:objects', { workspaceId: cell.id, cursor: earlier.next! })).ok).toBe(false);
  expect((await jpn.ok('workspace:objects', { workspaceId: cell.id, cursor: later.next! })).objects.length).toBeGreaterThan(0);
  // Another socket cannot take over this socket's listing.
  const other = await joinAs(server, 'jpn-analyst');
  await other.ok('workspace:join', { workspaceId: cell.id });
  const fresh = await jpn.ok('workspace:join', { workspaceId: cell.id });
  expect((await other.call('workspace:objects', { workspaceId: cell.id, cursor: fresh.next! })).ok).toBe(false);
});

test('a cell whose objects fit under the bound is answered whole, as before: no cursor', async () => {
  const server = (running.server = await startTestServer({ dataDir: tempDir(), maxPendingOutputBytes: BOUND }));
  const cell = await createCell(server.url, await tokenFor(server.url, 'usa-analyst'), { name: 'Small', template: 'adhoc', members: ['USA', 'GBR', 'JPN'] });
  const made = await seed(server, cell.id, Array.from({ length: 20 }, () => ({ kind: 'note', marking: FOR_JPN })));
  const client = await joinAs(server, 'jpn-analyst');
  const joined = await client.ok('workspace:join', { workspaceId: cell.id });
  expect(fieldsOf(joined)).toEqual(['level', 'objects', 'seqs', 'workspace']);
  expect(joined.objects.map((object) => object.id)).toEqual(made.map((envelope) => envelope.id));
});
