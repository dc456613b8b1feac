// Which tokens a node trusts: a real issuer's when one is configured, else those of the built-in
// demonstration provider, which lets anyone sign in as anyone (even as a USA TOP SECRET FDO).
// So that provider never runs by accident where real material could be: not in production
// unless TEARLINE_DEV_IDENTITY=1 says so, and never beside a real issuer.
import type { ServerConfig } from '../config';
import { ConfigError } from '../config';
import { TearlineError } from '../errors';
import { createDevIdentity, DEV_ISSUER, type DevIdentity } from './devIdentity';
import { createVerifier, keyFromConfig, type VerifyToken } from './verifier';

export interface IdentityProvider {
  verify: VerifyToken;
  /** The demonstration provider, when it is on. */
  dev?: DevIdentity;
}

type ProviderConfig = Pick<
  ServerConfig,
  'devIdentity' | 'production' | 'dataDir' | 'jwtPublicKey' | 'jwksUrl' | 'jwtAlgorithm' | 'jwtIssuer' | 'jwtAudience'
>;

const REAL_ISSUER = 'TEARLINE_JWT_PUBLIC_KEY or TEARLINE_JWKS_URL';

export async function identityProvider(config: ProviderConfig, log: { warn(message: string): void }): Promise<IdentityProvider> {
  const realKey = await keyFromConfig(config);
  if (realKey) {
    if (config.devIdentity === 'on') {
      throw new ConfigError(`TEARLINE_DEV_IDENTITY=1 asks for demonstration identities, but a real token issuer is configured (${REAL_ISSUER}). Use one or the other.`);
    }
    return { verify: createVerifier({ key: realKey, issuer: config.jwtIssuer, audience: config.jwtAudience }) };
  }
  if (config.devIdentity === 'off') {
    log.warn(`Nobody can sign in: TEARLINE_DEV_IDENTITY=0 turns the demonstration identities off and no real token issuer is configured (${REAL_ISSUER}).`);
    return {
      verify: () => Promise.reject(new TearlineError('unauthorized', 'This server has no identity provider configured, so nobody can sign in. Ask its administrator.')),
    };
  }
  if (config.production && config.devIdentity !== 'on') {
    throw new ConfigError(
      `NODE_ENV=production, but no real token issuer is configured (${REAL_ISSUER}), and the demonstration identities would let anyone sign in as anyone. Configure an issuer, or set TEARLINE_DEV_IDENTITY=1 to run with demonstration identities on purpose.`,
    );
  }
  log.warn('Demonstration identities are on: anyone can sign in as anyone. Not for real material.');
  const dev = await createDevIdentity(config.dataDir);
  return { verify: createVerifier({ key: dev.publicKey, issuer: DEV_ISSUER }), dev };
}
