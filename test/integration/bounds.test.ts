// What the server holds and sends for one socket is bounded: output a client does not take, requests
// it has not been answered yet, the size of answers charged to its budget, presence (batched per
// cell, level and window, with a budget of its own), and joins during a reconnect storm.
import type WebSocket from 'ws';
import { describe, expect, test } from 'vitest';
import { buildContent } from '../../shared/content';
import type { PresenceState } from '../../shared/protocol';
import type { RunningServer } from '../../server/app';
import { connect, createCell, perTestServers, tokenFor, type TestClient } from '../helpers/server';

const { start, open } = perTestServers('base64');

async function cellOf(server: RunningServer, name: string) {
  return createCell(server.url, await tokenFor(server.url, 'usa-analyst'), { name, template: 'adhoc', members: ['USA', 'GBR', 'AUS', 'CAN', 'NZL'] });
}

async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The client's WebSocket under socket.io and engine.io (Node's `ws`): `pause()` stops reading for good, until `resume()`. */
function wsOf(client: TestClient): WebSocket {
  return (client.socket.io.engine.transport as unknown as { ws: WebSocket }).ws;
}

const UNLIMITED = { ratePerSecond: 1e6, rateBurst: 1e6, personRatePerSecond: 1e6, personRateBurst: 1e6, rateBytesPerToken: 2 ** 30 };

describe('pending output', () => {
  /** A client with a large object to ask for, that has stopped reading. */
  async function stalledReader(server: RunningServer) {
    const cell = await cellOf(server, 'Slow reader');
    const client = await open(server, 'usa-analyst');
    await client.ok('workspace:join', { workspaceId: cell.id });
    const { object } = await client.ok('object:create', {
      workspaceId: cell.id,
      kind: 'note',
      marking: 'SECRET//REL TO USA, GBR',
      content: buildContent({ body: 'x'.repeat(400_000) }),
    });
    wsOf(client).pause();
    // Each answer is ~530 KB of base64; 40 of them fill the kernel's buffers (a few MB on loopback) and then the server's.
    for (let i = 0; i < 40; i++) client.socket.emit('doc:sync', { workspaceId: cell.id, docs: [{ id: object.id }] }, () => undefined);
    return client;
  }

  test('a client that stops reading is ended once its pending output passes the cap, and can read why', async () => {
    const server = await start({ ...UNLIMITED, maxPendingOutputBytes: 256 * 1024 });
    const client = await stalledReader(server);
    await until(() => server.ctx.io.of('/').sockets.size === 0, 'the server to end the session');
    const ended = client.waitFor('session:ended');
    wsOf(client).resume();
    expect(await ended).toEqual({ code: 'rate_limited', message: expect.stringMatching(/closed this connection because it fell too far behind: more than 256 KB waited/) });
    expect((await server.ctx.metrics.sessionsEnded.get()).values).toEqual([expect.objectContaining({ labels: { reason: 'slow_reader' }, value: 1 })]);
  });

  test('the connection of a client that never reads again is cut, freeing what was held for it', async () => {
    const server = await start({ ...UNLIMITED, maxPendingOutputBytes: 256 * 1024 });
    await stalledReader(server);
    await until(() => server.ctx.io.engine.clientsCount === 0, 'the connection to be cut');
  });
});

test('requests waiting for an answer are bounded per socket', async () => {
  const server = await start({ maxUnanswered: 4 });
  const cell = await cellOf(server, 'Unanswered');
  const client = await open(server, 'usa-analyst');
  await client.ok('workspace:join', { workspaceId: cell.id });
  const { object } = await client.ok('object:create', { workspaceId: cell.id, kind: 'note', marking: 'UNCLASSIFIED' });
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const encodeState = server.ctx.docs.encodeState.bind(server.ctx.docs);
  server.ctx.docs.encodeState = async (...args) => {
    await gate;
    return encodeState(...args);
  };
  const sync = () => client.call('doc:sync', { workspaceId: cell.id, docs: [{ id: object.id }] });
  const waiting = Array.from({ length: 4 }, sync);
  const refused = await Promise.all(Array.from({ length: 3 }, sync));
  for (const answer of refused) {
    expect(answer).toEqual({ ok: false, error: { code: 'rate_limited', message: expect.stringContaining('4 requests waiting for an answer') } });
  }
  release();
  for (const answer of await Promise.all(waiting)) expect(answer.ok).toBe(true);
  expect((await sync()).ok).toBe(true);
});

test('an answer is charged to the budget by its size', async () => {
  const server = await start({ ratePerSecond: 1, rateBurst: 10, personRatePerSecond: 1, personRateBurst: 10, rateBytesPerToken: 1024 });
  const cell = await cellOf(server, 'Charged');
  const client = await open(server, 'usa-analyst');
  await client.ok('workspace:join', { workspaceId: cell.id });
  const { object } = await client.ok('object:create', {
    workspaceId: cell.id,
    kind: 'note',
    marking: 'UNCLASSIFIED',
    content: buildContent({ body: 'x'.repeat(20_000) }),
  });
  // Three messages so far, well within a burst of 10; the answer below weighs ~26 tokens.
  await client.ok('doc:sync', { workspaceId: cell.id, docs: [{ id: object.id }] });
  const next = await client.call('doc:sync', { workspaceId: cell.id, docs: [{ id: object.id }] });
  expect(next).toEqual({ ok: false, error: { code: 'rate_limited', message: expect.stringMatching(/Try again in \d+ s\./), retryAfterMs: expect.any(Number) } });
  expect(next.ok === false && next.error.retryAfterMs).toBeGreaterThan(10_000);
});

describe('presence', () => {
  const PERSONAS = ['usa-analyst', 'gbr-analyst', 'aus-analyst', 'can-analyst', 'nzl-analyst'];

  /** `count` clients join one new cell at once; answers the awareness frames all of them received for it. */
  async function joinTogether(server: RunningServer, count: number): Promise<number> {
    const cell = await cellOf(server, `Presence ${count}`);
    const joiners = await Promise.all(Array.from({ length: count }, (_, i) => open(server, PERSONAS[i % PERSONAS.length]!)));
    await Promise.all(joiners.map((client) => client.ok('workspace:join', { workspaceId: cell.id })));
    const frames = (client: TestClient) => client.frames.filter((f) => f.event === 'awareness' && (f.payload as { workspaceId: string }).workspaceId === cell.id);
    const known = (client: TestClient) => {
      const ids = new Set<string>();
      for (const frame of frames(client)) for (const state of (frame.payload as { states: PresenceState[] }).states) ids.add(state.clientId);
      ids.delete(client.socket.id!);
      return ids.size;
    };
    // Everyone learns of everyone else...
    await until(() => joiners.every((client) => known(client) === count - 1), 'everyone to see everyone');
    // ...and nothing more arrives after that.
    await new Promise((r) => setTimeout(r, 300));
    return joiners.reduce((sum, client) => sum + frames(client).length, 0);
  }

  test('frames for joins grow with the number of joins, not its square', async () => {
    // One window spans each group's joins, so each joiner gets its snapshot and one batch.
    const server = await start({ presenceWindowMs: 2000 });
    const ten = await joinTogether(server, 10);
    const twenty = await joinTogether(server, 20);
    expect(twenty / ten).toBeLessThan(2.5);
    expect(twenty).toBeLessThanOrEqual(2 * 20);
  });

  test("one client's flood of presence is coalesced: few frames, and the latest state wins", async () => {
    const server = await start({ presencePerSecond: 2 });
    const cell = await cellOf(server, 'Presence flood');
    const [flooder, ...watchers] = await Promise.all(['usa-analyst', 'gbr-analyst', 'aus-analyst'].map((persona) => open(server, persona)));
    for (const client of [flooder!, ...watchers]) await client.ok('workspace:join', { workspaceId: cell.id });
    const { object } = await flooder!.ok('object:create', { workspaceId: cell.id, kind: 'note', marking: 'SECRET//REL TO USA, GBR, AUS' });
    const startedAt = Date.now();
    for (let i = 0; i < 150; i++) {
      // Coalesced, never refused.
      expect(await flooder!.call('awareness:update', { workspaceId: cell.id, state: { objectId: object.id, cursor: i } })).toEqual({ ok: true });
    }
    const seconds = (Date.now() - startedAt) / 1000;
    const fromFlooder = (client: TestClient) =>
      client.frames.flatMap((f) => (f.event === 'awareness' ? (f.payload as { states: PresenceState[] }).states : [])).filter((s) => s.clientId === flooder!.socket.id && s.objectId);
    for (const watcher of watchers) {
      await until(() => fromFlooder(watcher).at(-1)?.cursor === 149, 'the latest state');
      // At most the budget: a burst of 4, then 2 a second, and the latest state once more.
      expect(fromFlooder(watcher).length).toBeLessThanOrEqual(4 + Math.ceil(2 * seconds) + 1);
    }
  });
});

test('joins beyond the admission budget are answered rate_limited with a time to come back, spread apart', async () => {
  const server = await start({ joinsPerSecond: 2 });
  const cell = await cellOf(server, 'Storm');
  const joiners = await Promise.all(Array.from({ length: 6 }, (_, i) => open(server, ['usa-analyst', 'gbr-analyst', 'aus-analyst'][i % 3]!)));
  const answers = await Promise.all(joiners.map((client) => client.call('workspace:join', { workspaceId: cell.id })));
  expect(answers.filter((answer) => answer.ok)).toHaveLength(2);
  const waits: number[] = [];
  for (const answer of answers) {
    if (answer.ok) continue;
    expect(answer.error).toEqual({ code: 'rate_limited', message: expect.stringMatching(/joining at once.*Try again in \d+ s\./), retryAfterMs: expect.any(Number) });
    waits.push(answer.error.retryAfterMs!);
  }
  // One admission (500 ms at 2 a second) apart, so they do not all come back at once.
  waits.sort((a, b) => a - b).forEach((wait, i) => expect(Math.abs(wait - 500 * (i + 1))).toBeLessThan(100));
  // Coming back when told, each is let in.
  const retried = await Promise.all(
    answers.map(async (answer, i) => {
      if (answer.ok) return answer;
      await new Promise((r) => setTimeout(r, answer.error.retryAfterMs));
      return joiners[i]!.call('workspace:join', { workspaceId: cell.id });
    }),
  );
  expect(retried.every((answer) => answer.ok)).toBe(true);
});
