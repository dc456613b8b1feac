// The demonstration identity provider lets anyone sign in as anyone: it says so to every client,
// it never starts in production unless TEARLINE_DEV_IDENTITY=1 asks for it, and 0 turns it off.
import { exportSPKI, generateKeyPair } from 'jose';
import { afterEach, describe, expect, test } from 'vitest';
import type { RunningServer } from '../../server/app';
import { api, refusal, startTestServer } from '../helpers/server';

const running: RunningServer[] = [];
const environment = { NODE_ENV: process.env.NODE_ENV, TEARLINE_DEV_IDENTITY: process.env.TEARLINE_DEV_IDENTITY };
afterEach(async () => {
  for (const [name, value] of Object.entries(environment)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  for (const server of running.splice(0)) await server.close();
});
async function start(options: Parameters<typeof startTestServer>[0] = {}): Promise<RunningServer> {
  const server = await startTestServer(options);
  running.push(server);
  return server;
}

describe('NODE_ENV=production', () => {
  test('refuses to start with demonstration identities, naming both variables', async () => {
    process.env.NODE_ENV = 'production';
    await expect(start()).rejects.toMatchObject({
      code: 'bad_config',
      message: expect.stringMatching(/NODE_ENV=production.*sign in as anyone.*TEARLINE_DEV_IDENTITY=1/),
    });
  });

  test('starts with them when TEARLINE_DEV_IDENTITY=1 says so, and tells clients', async () => {
    process.env.NODE_ENV = 'production';
    process.env.TEARLINE_DEV_IDENTITY = '1';
    const server = await start();
    expect(await api(server.url, 'GET', '/api/config')).toEqual({ status: 200, body: { devIdentity: true } });
    expect((await api(server.url, 'POST', '/api/dev/token', { persona: 'usa-fdo' })).status).toBe(200);
  });

  test('starts with a real issuer, and clients are told there are no demonstration identities', async () => {
    const { publicKey } = await generateKeyPair('ES256', { extractable: true });
    const server = await start({ production: true, jwtPublicKey: await exportSPKI(publicKey) });
    expect((await api(server.url, 'GET', '/api/config')).body).toEqual({ devIdentity: false });
  });
});

test('without NODE_ENV=production the demonstration identities are on, and clients are told', async () => {
  const server = await start();
  expect((await api(server.url, 'GET', '/api/config')).body).toEqual({ devIdentity: true });
});

test('TEARLINE_DEV_IDENTITY=0 turns them off: no tokens, and every sign-in is refused in plain words', async () => {
  process.env.TEARLINE_DEV_IDENTITY = '0';
  const server = await start();
  expect((await api(server.url, 'GET', '/api/config')).body).toEqual({ devIdentity: false });
  expect((await api(server.url, 'POST', '/api/dev/token', { persona: 'usa-fdo' })).status).toBe(404);
  expect(await api(server.url, 'GET', '/api/workspaces', undefined, 'any.token.here')).toMatchObject({
    status: 401,
    body: { error: { code: 'unauthorized', message: expect.stringContaining('no identity provider') } },
  });
  expect(await refusal(server.url, { token: 'any.token.here' })).toMatchObject({ code: 'unauthorized', message: expect.stringContaining('nobody can sign in') });
});

test('TEARLINE_DEV_IDENTITY=1 beside a real issuer, or any other value, is refused at start', async () => {
  const { publicKey } = await generateKeyPair('ES256', { extractable: true });
  await expect(start({ devIdentity: 'on', jwtPublicKey: await exportSPKI(publicKey) })).rejects.toMatchObject({
    code: 'bad_config',
    message: expect.stringContaining('Use one or the other'),
  });
  process.env.TEARLINE_DEV_IDENTITY = 'yes';
  await expect(start()).rejects.toMatchObject({ code: 'bad_config', message: expect.stringContaining('must be 1') });
});
