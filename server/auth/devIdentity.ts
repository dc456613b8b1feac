// The built-in development identity provider: signs tokens for the demo personas with a key
// kept in the data dir, so tokens survive a restart. Off when a real issuer is configured.
import fs from 'node:fs';
import path from 'node:path';
import { SignJWT, exportJWK, generateKeyPair, importJWK, type JWK, type CryptoKey } from 'jose';
import type { Claims } from '../../shared/protocol';

export const DEV_ISSUER = 'tearline-dev';
const ALG = 'ES256';

export interface DevIdentity {
  publicKey: CryptoKey;
  issue(claims: Claims, expiresInSeconds?: number): Promise<string>;
}

async function loadOrCreateKeys(dataDir: string): Promise<{ privateKey: CryptoKey; publicKey: CryptoKey }> {
  const file = path.join(dataDir, 'dev-identity.jwk.json');
  if (fs.existsSync(file)) {
    const jwk = JSON.parse(fs.readFileSync(file, 'utf8')) as { privateKey: JWK; publicKey: JWK };
    return {
      privateKey: (await importJWK(jwk.privateKey, ALG)) as CryptoKey,
      publicKey: (await importJWK(jwk.publicKey, ALG)) as CryptoKey,
    };
  }
  const keys = await generateKeyPair(ALG, { extractable: true });
  const jwk = { privateKey: await exportJWK(keys.privateKey), publicKey: await exportJWK(keys.publicKey) };
  fs.mkdirSync(dataDir, { recursive: true });
  fs.writeFileSync(file, JSON.stringify(jwk), { mode: 0o600 });
  return keys;
}

export async function createDevIdentity(dataDir: string): Promise<DevIdentity> {
  const { privateKey, publicKey } = await loadOrCreateKeys(dataDir);
  return {
    publicKey,
    issue(claims, expiresInSeconds = 8 * 3600) {
      const { sub, ...rest } = claims;
      return new SignJWT({ ...rest })
        .setProtectedHeader({ alg: ALG })
        .setSubject(sub)
        .setIssuer(DEV_ISSUER)
        .setIssuedAt()
        .setExpirationTime(Math.floor(Date.now() / 1000) + expiresInSeconds)
        .sign(privateKey);
    },
  };
}
