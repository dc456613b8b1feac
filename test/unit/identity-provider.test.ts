import { describe, expect, test } from 'vitest';
import { identityProvider } from '../../server/auth/provider';
import { configFromEnv } from '../../server/config';
import { tempDir } from '../helpers/server';

async function provide(env: NodeJS.ProcessEnv) {
  const warnings: string[] = [];
  const provider = await identityProvider({ ...configFromEnv(env), dataDir: tempDir() }, { warn: (message) => warnings.push(message) });
  return { provider, warnings };
}

describe('the identity provider a node starts with', () => {
  test('reads TEARLINE_DEV_IDENTITY and NODE_ENV', () => {
    expect(configFromEnv({})).toMatchObject({ devIdentity: 'auto', production: false });
    expect(configFromEnv({ TEARLINE_DEV_IDENTITY: '1', NODE_ENV: 'production' })).toMatchObject({ devIdentity: 'on', production: true });
    expect(configFromEnv({ TEARLINE_DEV_IDENTITY: '0' })).toMatchObject({ devIdentity: 'off' });
    expect(() => configFromEnv({ TEARLINE_DEV_IDENTITY: 'true' })).toThrow(/TEARLINE_DEV_IDENTITY must be 1 .* or 0 .*, not "true"/);
  });

  test('demonstration identities are announced in the log', async () => {
    const { provider, warnings } = await provide({});
    expect(provider.dev).toBeDefined();
    expect(warnings).toEqual([expect.stringContaining('anyone can sign in as anyone')]);
  });

  test('TEARLINE_DEV_IDENTITY=0 with no real issuer says in the log that nobody can sign in', async () => {
    const { provider, warnings } = await provide({ TEARLINE_DEV_IDENTITY: '0', NODE_ENV: 'production' });
    expect(provider.dev).toBeUndefined();
    expect(warnings).toEqual([expect.stringMatching(/Nobody can sign in: TEARLINE_DEV_IDENTITY=0 .*(TEARLINE_JWT_PUBLIC_KEY or TEARLINE_JWKS_URL)/)]);
    await expect(provider.verify('a.b.c')).rejects.toMatchObject({ code: 'unauthorized' });
  });
});
