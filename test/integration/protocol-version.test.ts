// The protocol version: a client that speaks another version of the contract (an old page left
// open across an upgrade, say) is refused at the door with a sentence telling its user to reload,
// before it can misread an answer or send what the server no longer takes.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { PROTOCOL_VERSION } from '../../shared/protocol';
import type { RunningServer } from '../../server/app';
import { connect, refusal, startTestServer, tokenFor } from '../helpers/server';

let server: RunningServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

test.each([
  ['an older version', PROTOCOL_VERSION - 1, `version ${PROTOCOL_VERSION - 1}`],
  ['a newer version', PROTOCOL_VERSION + 1, `version ${PROTOCOL_VERSION + 1}`],
  ['no version at all', undefined, 'an unversioned protocol'],
  ['the version as text', String(PROTOCOL_VERSION), 'an unversioned protocol'],
])('a client speaking %s is refused at connect and told to reload the page', async (_case, protocol, theirs) => {
  const token = await tokenFor(server.url, 'gbr-analyst');
  expect(await refusal(server.url, { token, protocol })).toEqual({
    code: 'bad_request',
    message: `This page speaks ${theirs} of the Tearline protocol and the server speaks version ${PROTOCOL_VERSION}. Reload the page to get the current version.`,
  });
  // Refused before anything else: no place taken among the person's sockets.
  expect(server.ctx.people.size).toBe(0);
});

test('a client speaking the current version is admitted', async () => {
  const client = await connect(server.url, 'gbr-analyst');
  expect(client.socket.connected).toBe(true);
  client.close();
});
