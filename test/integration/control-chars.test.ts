// Text PostgreSQL cannot store (U+0000), other control characters and unpaired surrogates are
// refused where they come in (shared/text.ts): socket payloads, REST bodies and addresses, and
// token claims each answer a plain `bad_request` / 401 and change nothing, where PostgreSQL used
// to fail the write with `internal`, and a token's `sub` used to poison the node's audit log.
import { SignJWT, exportSPKI, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RunningServer } from '../../server/app';
import { buildContent } from '../../shared/content';
import type { Envelope, WorkspaceSummary } from '../../shared/protocol';
import { createTestDatabase, postgresTestsSkipped, type TestDatabase } from '../helpers/postgres';
import { api, connect, createCell, onPostgres, refusal, startTestServer, type TestClient } from '../helpers/server';

const ISSUER = 'https://idp.coalition.example';
const MARKING = 'SECRET//REL TO USA, FVEY';

// The same answers on SQLite, which would store all of it: one payload, one answer, whatever the engine.
describe.each([
  { engine: 'SQLite', skipped: false },
  { engine: 'PostgreSQL', skipped: postgresTestsSkipped },
])('control characters in what clients send, on $engine', ({ engine, skipped }) => {
  if (skipped) {
    test.skip('needs PostgreSQL', () => undefined);
    return;
  }
  let database: TestDatabase | undefined;
  let server: RunningServer;
  let sign: (sub: string, claims?: Record<string, unknown>) => Promise<string>;
  let token: string;
  let usa: TestClient;
  let cell: WorkspaceSummary;
  let note: Envelope;

  beforeAll(async () => {
    database = engine === 'PostgreSQL' ? await createTestDatabase() : undefined;
    const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
    server = await startTestServer({ ...(database ? onPostgres(database.url) : {}), jwtPublicKey: await exportSPKI(publicKey), jwtIssuer: ISSUER });
    sign = (sub, claims = {}) =>
      new SignJWT({ name: 'Harriet Cole', nation: 'USA', clearance: 'SECRET', compartments: [], roles: ['editor', 'fdo'], ...claims })
        .setProtectedHeader({ alg: 'ES256' })
        .setSubject(sub)
        .setIssuer(ISSUER)
        .setExpirationTime('10m')
        .sign(privateKey);
    token = await sign('hcole');
    cell = await createCell(server.url, token, { name: 'Control characters', template: 'fvey' });
    usa = await connect(server.url, 'hcole', token);
    await usa.ok('workspace:join', { workspaceId: cell.id });
    ({ object: note } = await usa.ok('object:create', { workspaceId: cell.id, kind: 'note', marking: MARKING, content: buildContent({ body: 'original' }) }));
  });
  afterAll(async () => {
    usa?.close();
    await server?.close();
    await database?.drop();
  });

  /** What a change would show: the cell's objects and audit entries as a fresh join and the log see them. */
  async function cellState(): Promise<unknown> {
    const reader = await connect(server.url, 'hcole', token);
    try {
      const { objects } = await reader.ok('workspace:join', { workspaceId: cell.id });
      const audit = await server.ctx.audit.listForWorkspace(cell.id);
      return { objects: objects.map((o) => o.id).sort(), audit: audit.filter((e) => e.action !== 'workspace.join' && e.action !== 'workspace.leave').length };
    } finally {
      reader.close();
    }
  }

  test('socket events with U+0000 or another control character in text answer bad_request, name the field, and change nothing', async () => {
    const before = await cellState();
    const attempts = [
      ['comment:create', { workspaceId: cell.id, onId: note.id, marking: MARKING, text: 'seen at\u0000dawn' }, 'text'],
      ['comment:create', { workspaceId: cell.id, onId: note.id, marking: MARKING, text: 'ok', mentions: [{ kind: 'person', sub: 'x\u0000y' }] }, 'mentions.0.sub'],
      ['object:create', { workspaceId: cell.id, kind: 'note', marking: MARKING, orderKey: 'a\u0000' }, 'orderKey'],
      ['object:create', { workspaceId: cell.id, kind: 'note', marking: 'SECRET\u0007//REL TO USA, FVEY' }, 'marking'],
      ['release:request', { workspaceId: cell.id, id: note.id, marking: 'SECRET//REL TO USA, FVEY, JPN', justification: 'needed\u0000' }, 'justification'],
      ['release:request', { workspaceId: cell.id, id: note.id, marking: 'SECRET//REL TO USA, FVEY, JPN', justification: 'half a pair \ud800' }, 'justification'],
      ['awareness:update', { workspaceId: cell.id, state: { objectId: note.id, cursor: { anchor: 'a\u0000' } } }, 'state.cursor'],
    ] as const;
    for (const [event, payload, field] of attempts) {
      const answer = await usa.call(event, payload);
      expect(answer, `${event} ${field}`).toMatchObject({ ok: false, error: { code: 'bad_request' } });
      if (!answer.ok) expect(answer.error.message).toContain(`(${field}): `);
    }
    expect(await cellState()).toEqual(before);
    // Tab and line breaks are prose: a comment with them is taken.
    await usa.ok('comment:create', { workspaceId: cell.id, onId: note.id, marking: MARKING, text: 'line one\n\tline two\r\n' });
  });

  test('a REST body or address with U+0000 answers 400 bad_request and changes nothing', async () => {
    const listed = async () => (await api<{ workspaces: WorkspaceSummary[] }>(server.url, 'GET', '/api/workspaces', undefined, token)).body.workspaces.length;
    const cells = await listed();
    const created = await api<{ error: { code: string; message: string } }>(server.url, 'POST', '/api/workspaces', { name: 'Evil\u0000cell', template: 'fvey' }, token);
    expect(created.status).toBe(400);
    expect(created.body.error).toMatchObject({ code: 'bad_request', message: expect.stringContaining('(name): ') });
    expect(await listed()).toBe(cells);
    const read = await api<{ error: { code: string } }>(server.url, 'GET', `/api/workspaces/${cell.id}%00/audit`, undefined, token);
    expect(read).toMatchObject({ status: 400, body: { error: { code: 'bad_request' } } });
    const exported = await api<{ error: { code: string } }>(server.url, 'GET', `/api/workspaces/${cell.id}/objects/${note.id}%00/export`, undefined, token);
    expect(exported).toMatchObject({ status: 400, body: { error: { code: 'bad_request' } } });
  });

  test('a token whose sub, name or clearance holds a control character, or is absurdly long, is refused with a sentence naming the claim; the audit log is untouched', async () => {
    const before = await server.ctx.audit.verify();
    expect(before.ok).toBe(true);
    const seqBefore = before.ok ? before.count : -1;
    const bad = [
      [await sign('evil\u0000sub'), 'sub'],
      [await sign('hcole', { name: 'Harriet\u0001Cole' }), 'name'],
      [await sign('hcole', { clearance: 'SECRET\nTOP SECRET' }), 'clearance'],
      [await sign('hcole', { compartments: ['SI', 'TK\u0000'] }), 'compartments'],
      [await sign('x'.repeat(257)), 'sub'],
    ] as const;
    for (const [bearer, claim] of bad) {
      const rest = await api<{ error: { code: string; message: string } }>(server.url, 'GET', '/api/workspaces', undefined, bearer);
      expect(rest.status, claim).toBe(401);
      expect(rest.body.error.message).toContain(`"${claim}" claim`);
      // An export is audited even for a reader who sees nothing new: it must not be reached at all.
      const exported = await fetch(`${server.url}/api/workspaces/${cell.id}/objects/${note.id}/export`, { headers: { authorization: `Bearer ${bearer}` } });
      expect(exported.status).toBe(401);
      expect(await refusal(server.url, { token: bearer })).toMatchObject({ code: 'unauthorized', message: expect.stringContaining(`"${claim}" claim`) });
    }
    // The longest accepted sub still works.
    expect((await api(server.url, 'GET', '/api/workspaces', undefined, await sign('x'.repeat(256)))).status).toBe(200);
    expect(server.ctx.audit.unwritten()).toBe(0);
    expect(await server.ctx.audit.verify()).toMatchObject({ ok: true, count: seqBefore });
  });
});
