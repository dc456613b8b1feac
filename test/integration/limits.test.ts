// Limits per person, not per socket or request: a person's sockets share one message budget and
// a bounded number of places; REST routes have budgets per person (else per address).
import { describe, expect, test } from 'vitest';
import { api, connect, createCell, rawSocket, refusal, perTestServers, tokenFor, type TestClient } from '../helpers/server';

const { start, open, clients } = perTestServers();


const flood = (client: TestClient, count: number) =>
  Promise.all(Array.from({ length: count }, () => client.call('workspace:join', { workspaceId: 'nope' })));
const limited = (answers: Awaited<ReturnType<typeof flood>>) => answers.filter((a) => !a.ok && a.error.code === 'rate_limited').length;

describe('sockets', () => {
  test("one person's sockets share one budget; a bystander keeps theirs", async () => {
    const server = await start({ ratePerSecond: 1000, rateBurst: 1000, personRatePerSecond: 1, personRateBurst: 10 });
    const token = await tokenFor(server.url, 'usa-analyst');
    const tabs = await Promise.all([1, 2, 3].map(() => open(server, 'usa-analyst', token)));
    const bystander = await open(server, 'gbr-analyst');
    const [answers, theirs] = await Promise.all([Promise.all(tabs.map((tab) => flood(tab, 10))), flood(bystander, 10)]);
    // Each tab is within its own budget; together they are three times the person's.
    expect(limited(answers.flat())).toBeGreaterThanOrEqual(19);
    expect(limited(theirs)).toBe(0);
    expect(answers.flat().find((a) => !a.ok && a.error.code === 'rate_limited')).toMatchObject({ error: { message: expect.stringContaining('slow down') } });
  });

  test('a person may hold a bounded number of sockets; a closed one frees its place', async () => {
    const server = await start({ maxSocketsPerPerson: 3 });
    const token = await tokenFor(server.url, 'usa-analyst');
    const tabs = await Promise.all([1, 2, 3].map(() => open(server, 'usa-analyst', token)));
    expect(await refusal(server.url, { token: await tokenFor(server.url, 'usa-analyst') })).toMatchObject({
      code: 'rate_limited',
      message: expect.stringContaining('3 connections open'),
    });
    await open(server, 'gbr-analyst');
    tabs[0]!.close();
    await new Promise((r) => setTimeout(r, 100));
    await open(server, 'usa-analyst', token);
    for (const client of clients) client.close();
    await new Promise((r) => setTimeout(r, 100));
    expect(server.ctx.people.size).toBe(0);
  });

  test('a client that leaves during the handshake gives its place back', async () => {
    const server = await start({ maxSocketsPerPerson: 1 });
    const token = await tokenFor(server.url, 'usa-analyst');
    const verify = server.ctx.verify;
    server.ctx.verify = async (presented) => {
      const identity = await verify(presented);
      await new Promise((r) => setTimeout(r, 300));
      return identity;
    };
    const leaving = rawSocket(server.url, { token });
    await new Promise((r) => setTimeout(r, 100));
    leaving.close();
    await new Promise((r) => setTimeout(r, 500));
    server.ctx.verify = verify;
    expect(server.ctx.people.size).toBe(0);
    await open(server, 'usa-analyst', token);
  });
});

describe('REST', () => {
  const status = async (url: string, route: string, token?: string) => {
    const response = await fetch(url + route, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    return { status: response.status, retryAfter: response.headers.get('retry-after'), body: (await response.json()) as unknown };
  };

  test('every API route has a budget per person; beyond it 429 with the error body and Retry-After', async () => {
    const server = await start({ httpPerMinute: 5 });
    const usa = await tokenFor(server.url, 'usa-analyst');
    const gbr = await tokenFor(server.url, 'gbr-analyst');
    for (let i = 0; i < 5; i++) expect((await status(server.url, '/api/workspaces', usa)).status).toBe(200);
    const refused = await status(server.url, '/api/workspaces', usa);
    expect(refused).toMatchObject({ status: 429, body: { error: { code: 'rate_limited', message: expect.stringMatching(/at most 5 a minute\. Try again in \d+ seconds\./) } } });
    expect(Number(refused.retryAfter)).toBeGreaterThan(0);
    expect(Number(refused.retryAfter)).toBeLessThanOrEqual(60);
    // Another person's budget is their own, even from the same address.
    expect((await status(server.url, '/api/workspaces', gbr)).status).toBe(200);
  });

  test('without a valid token the budget is per address: forged tokens buy nothing', async () => {
    const server = await start({ httpPerMinute: 3 });
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push((await status(server.url, '/api/workspaces', `forged-${i}`)).status);
    expect(answers).toEqual([401, 401, 401, 429]);
  });

  test('exports, audit pages and figures, and dev tokens, have stricter budgets of their own', async () => {
    const server = await start({ httpHeavyPerMinute: 2, devTokensPerMinute: 4 });
    const token = await tokenFor(server.url, 'usa-fdo');
    const cell = await createCell(server.url, token, { name: 'Budgets', template: 'fvey' });
    const usa = await open(server, 'usa-fdo', token);
    await usa.ok('workspace:join', { workspaceId: cell.id });
    const { object } = await usa.ok('object:create', { workspaceId: cell.id, kind: 'note', marking: 'SECRET//REL TO USA, FVEY' });
    const heavy = [`/api/workspaces/${cell.id}/objects/${object.id}/export`, `/api/workspaces/${cell.id}/audit`, `/api/workspaces/${cell.id}/figures`];
    const answers = [];
    for (const route of heavy) answers.push((await fetch(server.url + route, { headers: { authorization: `Bearer ${token}` } })).status);
    expect(answers).toEqual([200, 200, 429]);
    expect((await status(server.url, '/api/workspaces', token)).status).toBe(200);

    const minted = [];
    for (let i = 0; i < 4; i++) minted.push((await api(server.url, 'POST', '/api/dev/token', { persona: 'gbr-analyst' })).status);
    expect(minted).toEqual([200, 200, 200, 429]);
  });
});
