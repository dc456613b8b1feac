// Gap repair on the wire: the web client's own session code (client/src/session/, over
// socket.io-client as in the browser) loses one update frame on the way (dropped by a test-only
// hook before the session sees it). The next update's number shows the gap, and the client
// syncs that object again with its state vector (doc:sync): it ends with exactly the writer's
// text. Without the numbers the later update would wait in Yjs for the lost one, for good.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { Connection } from '../../client/src/session/connection';
import { WorkspaceSession } from '../../client/src/session/workspaceSession';
import type { RunningServer } from '../../server/app';
import { bodyOf } from '../../shared/content';
import type { ClientEvent } from '../../shared/protocol';
import { createCell, startTestServer, tokenFor } from '../helpers/server';

let server: RunningServer;
const sessions: WorkspaceSession[] = [];

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  for (const session of sessions) session.close();
  await server.close();
});

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until `ready` answers null; fails with its last answer after 10 s (a bound, not a measurement). */
async function until(ready: () => string | null): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (let problem = ready(); problem !== null; problem = ready()) {
    if (Date.now() > deadline) throw new Error(problem);
    await pause(20);
  }
}

interface Packet {
  data: unknown[];
}

/** A session whose socket drops the next update frame when told to, and which records the requests it makes. */
async function open(persona: string, workspaceId: string) {
  const connection = new Connection(await tokenFor(server.url, persona), server.url);
  const requests: { event: ClientEvent; payload: unknown }[] = [];
  const request = connection.request.bind(connection);
  connection.request = ((event: ClientEvent, payload: unknown) => {
    requests.push({ event, payload });
    return request(event as never, payload as never);
  }) as typeof connection.request;
  // The test-only drop: socket.io-client hands every event packet to `onevent`.
  const socket = connection.socket as unknown as { onevent(packet: Packet): void };
  const deliver = socket.onevent.bind(socket);
  const drop = { next: false, dropped: [] as unknown[][] };
  socket.onevent = (packet: Packet) => {
    if (drop.next && (packet.data[0] === 'doc:updates' || packet.data[0] === 'doc:update')) {
      drop.next = false;
      drop.dropped.push(packet.data);
      return;
    }
    deliver(packet);
  };
  const session = new WorkspaceSession(connection, workspaceId, null, { gapWaitMs: 50 });
  sessions.push(session);
  await until(() => (session.getSnapshot().status === 'live' ? null : `${persona} did not join`));
  return { session, requests, drop };
}

test('a client that lost an update frame sees the gap in the numbers and repairs the object with doc:sync', async () => {
  const cell = await createCell(server.url, await tokenFor(server.url, 'usa-analyst'), { name: 'Gap repair', template: 'fvey' });
  const writer = await open('usa-analyst', cell.id);
  const reader = await open('gbr-analyst', cell.id);
  const object = await writer.session.createObject({ kind: 'note', marking: 'SECRET//REL TO USA, GBR', fields: { title: 'Ferry' }, body: 'Ferry ' });
  await until(() => (reader.session.replica(object.id) ? null : 'the reader has no copy of the note'));
  const text = () => bodyOf(writer.session.replica(object.id)!.doc).toString();
  const read = () => bodyOf(reader.session.replica(object.id)!.doc).toString();
  const type = async (words: string) => {
    const body = bodyOf(writer.session.replica(object.id)!.doc);
    body.insert(body.length, words);
    await until(() => (writer.session.pendingEdits.getSnapshot() === 0 && writer.session.replica(object.id)!.unacked.length === 0 ? null : 'the edit is not acknowledged'));
  };

  await type('left ');
  await until(() => (read() === text() ? null : `the reader has "${read()}"`));
  const before = reader.session.seqs.held(object.id);
  expect(before?.through).toBeGreaterThan(0);

  reader.drop.next = true;
  await type('port ');
  await until(() => (reader.drop.dropped.length === 1 ? null : 'no frame was dropped'));
  const syncsBefore = reader.requests.filter(({ event }) => event === 'doc:sync').length;
  await type('at dawn.');

  await until(() => (read() === text() ? null : `the reader has "${read()}", the writer "${text()}"`));
  expect(read()).toBe('Ferry left port at dawn.');
  // Repaired by a sync of that object, with the state vector of what the reader held.
  const repairs = reader.requests.filter(({ event }) => event === 'doc:sync').slice(syncsBefore);
  expect(repairs.length).toBeGreaterThan(0);
  expect(repairs[0]!.payload).toMatchObject({ docs: [{ id: object.id, stateVector: expect.anything() }] });
  expect(reader.session.seqs.lacking(object.id)).toBe(false);
  expect(reader.session.seqs.held(object.id)).toEqual({ epoch: 0, through: before!.through + 2 });
});
