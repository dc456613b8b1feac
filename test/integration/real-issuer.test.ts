// With a real issuer configured, tokens are verified against its key and the dev provider is off.
import { SignJWT, exportSPKI, generateKeyPair } from 'jose';
import { expect, test } from 'vitest';
import { api, connect, startTestServer } from '../helpers/server';

test('tokens from the configured issuer are accepted; the dev identity provider is off', async () => {
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
  const server = await startTestServer({ jwtPublicKey: await exportSPKI(publicKey), jwtIssuer: 'https://idp.coalition.example' });
  const sign = (issuer: string) =>
    new SignJWT({ name: 'Harriet Cole', nation: 'GBR', clearance: 'SECRET', compartments: [], roles: ['editor'] })
      .setProtectedHeader({ alg: 'ES256' })
      .setSubject('hcole')
      .setIssuer(issuer)
      .setExpirationTime('10m')
      .sign(privateKey);
  expect((await api(server.url, 'POST', '/api/dev/token', { persona: 'usa-analyst' })).status).toBe(404);
  expect((await api(server.url, 'GET', '/api/dev/personas')).status).toBe(404);
  const good = await sign('https://idp.coalition.example');
  expect((await api(server.url, 'GET', '/api/workspaces', undefined, good)).status).toBe(200);
  const client = await connect(server.url, 'hcole', good);
  expect(client.socket.connected).toBe(true);
  client.close();
  const wrongIssuer = await sign('https://elsewhere.example');
  expect((await api(server.url, 'GET', '/api/workspaces', undefined, wrongIssuer)).status).toBe(401);
  await server.close();
});
