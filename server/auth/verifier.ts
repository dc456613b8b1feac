// Verifies bearer tokens (jose) and turns their claims into a Tearline identity.
import { createRemoteJWKSet, errors, importSPKI, jwtVerify, type JWTVerifyGetKey, type CryptoKey } from 'jose';
import { claimsSchema, type Claims } from '../../shared/protocol';
import type { z } from 'zod';
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
    if (!claims.success || typeof payload.exp !== 'number') throw new TearlineError('unauthorized', claimsRefusal(claims.error));
    return { ...claims.data, exp: payload.exp };
  };
}

/** Text claims are refused for what they hold (shared/text.ts, CLAIM_TEXT_MAX), naming the claim; anything else for what is missing. */
const TEXT_CLAIMS = new Set<PropertyKey>(['sub', 'name', 'clearance', 'compartments']);

function claimsRefusal(error: z.ZodError | undefined): string {
  const issue = error?.issues.find((found) => TEXT_CLAIMS.has(found.path[0] ?? '') && found.code !== 'invalid_type');
  if (!issue) return 'Your credentials lack the nation, clearance or roles Tearline needs.';
  return `Your credentials were not accepted: in their "${String(issue.path[0])}" claim, ${issue.message}. Ask your identity provider's administrator.`;
}
