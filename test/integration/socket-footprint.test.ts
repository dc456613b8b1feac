// Memory per connected client: what a socket keeps for its whole life. Once admitted it holds no
// token, and one message listener, however many events the contract has.
import { expect, test } from 'vitest';
import { schemas } from '../../shared/protocol';
import { perTestServers } from '../helpers/server';

const { start, open } = perTestServers();

test('an admitted socket keeps no token, and one listener for every event', async () => {
  const server = await start();
  const client = await open(server, 'usa-analyst');
  const [local] = server.ctx.io.of('/').sockets.values();
  if (!local) throw new Error('no socket on the server');
  expect(local.handshake.auth).not.toHaveProperty('token');
  expect(local.listenersAny()).toHaveLength(1);
  for (const event of Object.keys(schemas)) expect(local.listenerCount(event as never)).toBe(0);

  // Still answered as before: a contract event, a refusal of a bad payload, an unknown event ignored.
  expect(await client.call('workspace:join', { workspaceId: 'nope' })).toMatchObject({ ok: false, error: { code: 'not_found' } });
  expect(await client.call('workspace:join', { workspaceId: 7 })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
  const unknown = client.socket.timeout(300).emitWithAck('no:such-event', {});
  await expect(unknown).rejects.toThrow(/timed out/);
});
