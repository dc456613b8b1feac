// Verifies bearer tokens (jose) and turns their claims into a Tearline identity.
import { createRemoteJWKSet, errors, importSPKI, jwtVerify, type JWTVerifyGetKey, type CryptoKey } from 'jose';
import { claimsSchema, type Claims } from '../../shared/protocol';
import { TearlineError } from '../errors';

export interface Identity extends Claims {
  /** Seconds since the epoch when the token stops being valid. */
  exp: number;
}

export type VerifyToken = (token: string) => Promise<Identity>;

export interface VerifierOptions {
  key: CryptoKey | JWTVerifyGetKey;
  issuer?: string;
  audience?: string;
}

export async function keyFromConfig(options: {
  jwtPublicKey?: string;
  jwksUrl?: string;
  jwtAlgorithm: string;
}): Promise<CryptoKey | JWTVerifyGetKey | undefined> {
  if (options.jwksUrl) return createRemoteJWKSet(new URL(options.jwksUrl));
  if (options.jwtPublicKey) return importSPKI(options.jwtPublicKey, options.jwtAlgorithm);
  return undefined;
}

export function createVerifier(options: VerifierOptions): VerifyToken {
  return async (token) => {
    let payload;
    try {
      const verifyOptions = { issuer: options.issuer, audience: options.audience };
      ({ payload } =
        typeof options.key === 'function'
          ? await jwtVerify(token, options.key, verifyOptions)
          : await jwtVerify(token, options.key, verifyOptions));
    } catch (error) {
      const expired = error instanceof errors.JWTExpired;
      throw new TearlineError(
        'unauthorized',
        expired ? 'Your session has expired; sign in again.' : 'Your credentials were not accepted; sign in again.',
      );
    }
    const claims = claimsSchema.safeParse(payload);
    if (!claims.success || typeof payload.exp !== 'number') {
      throw new TearlineError('unauthorized', 'Your credentials lack the nation, clearance or roles Tearline needs.');
    }
    return { ...claims.data, exp: payload.exp };
  };
}
