// Every setting, its environment variable, its default and why. Defaults run with no setup.
import path from 'node:path';

export interface ServerConfig {
  /** PORT (8080). 0 picks a free port (tests). */
  port: number;
  /** HOST (0.0.0.0): listen on every interface so a cell's browsers can reach it. */
  host: string;
  /** TEARLINE_DATA_DIR (./data): the SQLite file and the dev identity key live here. */
  dataDir: string;
  /** TEARLINE_STATIC_DIR (./dist/client): the built web client, served at `/`. */
  staticDir: string;
  /** TEARLINE_MAX_UPDATE_BYTES (1 MiB): larger payloads answer `too_large`. */
  maxUpdateBytes: number;
  /** TEARLINE_RATE_PER_SEC (200) and TEARLINE_RATE_BURST (400): per-socket message budget. */
  ratePerSecond: number;
  rateBurst: number;
  /**
   * TEARLINE_PERSON_RATE_PER_SEC (300) and TEARLINE_PERSON_RATE_BURST (600): one budget per person
   * (token `sub`) shared by all their sockets on this node, so more sockets buy no bigger share.
   */
  personRatePerSecond: number;
  personRateBurst: number;
  /** TEARLINE_MAX_SOCKETS_PER_PERSON (20): sockets one person may hold open on this node; beyond, `rate_limited` at connect. */
  maxSocketsPerPerson: number;
  /**
   * TEARLINE_RATE_BYTES_PER_TOKEN (16384): an answer costs one more message of the socket's and
   * the person's budgets per this many bytes, so asking for large answers is not cheaper than
   * sending many messages.
   */
  rateBytesPerToken: number;
  /** TEARLINE_MAX_UNANSWERED (64): requests of one socket the server may be working on at once; beyond, `rate_limited`. */
  maxUnanswered: number;
  /**
   * TEARLINE_MAX_PENDING_OUTPUT_BYTES (8 MiB): what the server may hold for one socket that has
   * not taken it yet (a client that stops reading). More output for a socket past it ends its
   * session (`session:ended`, then disconnect).
   */
  maxPendingOutputBytes: number;
  /**
   * TEARLINE_PRESENCE_WINDOW_MS (50): presence changes of a cell are sent together, one
   * `awareness` frame per access level and window, at most this often.
   */
  presenceWindowMs: number;
  /**
   * TEARLINE_PRESENCE_FRAMES_PER_SEC (2000): presence frames one cell may cost this node a
   * second; a cell with more sockets than this allows per window gets a longer window.
   */
  presenceFramesPerSecond: number;
  /**
   * TEARLINE_PRESENCE_PER_SEC (10): states of one socket sent on a second (bursts of twice as
   * many); beyond, its presence is held and the latest state sent when the budget allows.
   */
  presencePerSecond: number;
  /**
   * TEARLINE_JOINS_PER_SEC (500) and TEARLINE_MAX_CONCURRENT_JOINS (64): `workspace:join`s this
   * node admits a second (bursts of one second's worth) and at once; beyond, `rate_limited` with
   * `retryAfterMs`, so a reconnect storm cannot starve everything else (`/healthz` included).
   */
  joinsPerSecond: number;
  maxConcurrentJoins: number;
  /** TEARLINE_SYNC_CACHE_BYTES (32 MiB): merged stored state of docs not in memory, kept for `doc:sync`. */
  syncCacheBytes: number;
  /**
   * REST requests a minute, per person (valid bearer token) or else per address, beyond which
   * `rate_limited` (429): TEARLINE_HTTP_PER_MIN (600) for every /api route;
   * TEARLINE_HTTP_HEAVY_PER_MIN (120) for exports, audit pages and figures;
   * TEARLINE_DEV_TOKENS_PER_MIN (60) for dev identity tokens.
   */
  httpPerMinute: number;
  httpHeavyPerMinute: number;
  devTokensPerMinute: number;
  /**
   * TEARLINE_DEV_IDENTITY: the built-in demonstration identity provider, which lets anyone sign in
   * as anyone. Unset (`auto`): on when no real issuer is configured, but then NODE_ENV=production
   * refuses to start. `1` (`on`): on, in production too. `0` (`off`): off, even with no real issuer.
   */
  devIdentity: 'auto' | 'on' | 'off';
  /** NODE_ENV=production. */
  production: boolean;
  /** TEARLINE_JWT_PUBLIC_KEY (PEM, SPKI) or TEARLINE_JWKS_URL: a real issuer; turns the dev identity provider off. */
  jwtPublicKey?: string;
  jwksUrl?: string;
  /** TEARLINE_JWT_ALG (ES256): algorithm of TEARLINE_JWT_PUBLIC_KEY. */
  jwtAlgorithm: string;
  /** TEARLINE_JWT_ISSUER / TEARLINE_JWT_AUDIENCE: checked when set. */
  jwtIssuer?: string;
  jwtAudience?: string;
  /** TEARLINE_MAX_DOC_BYTES (16 MiB): one object's stored content may not grow beyond this (`too_large`). */
  maxDocBytes: number;
  /** TEARLINE_COMPACT_AFTER (200): stored updates of one doc before they are folded into a snapshot. */
  compactAfter: number;
  /** TEARLINE_DOC_IDLE_MS (60000): an in-memory doc untouched this long is evicted. */
  docIdleMs: number;
  /** TEARLINE_SQLITE_SYNC (full): `full` fsyncs each commit (survives power loss), `normal` only process crashes. */
  sqliteSync: 'full' | 'normal';
  /**
   * TEARLINE_FANOUT_WINDOW_MS (0): how long durable updates wait before they are fanned out.
   * 0 sends each commit's updates right after it, so they share the commit window's frames.
   */
  fanoutWindowMs: number;
  /**
   * TEARLINE_COMMIT_WINDOW_MS (25): updates wait this long to share one durable commit (fsync),
   * and so one frame per room: the main lever on CPU per delivery against latency.
   */
  commitWindowMs: number;
  /**
   * TEARLINE_METRICS_PORT (9464; `off`: none; 0 picks a free port): Prometheus metrics on a
   * listener of their own, never the public port. They count activity over every object, which
   * no participant may read, so the listener has no token and binds to loopback by default.
   */
  metricsPort: number | null;
  /** TEARLINE_METRICS_HOST (127.0.0.1): address of the metrics listener. */
  metricsHost: string;
  /** TEARLINE_LOG_LEVEL (info). */
  logLevel: string;
}

/** A setting the server cannot start with; the message names the variables to change. */
export class ConfigError extends Error {
  readonly code = 'bad_config';

  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

const DEV_IDENTITY = { '': 'auto', '1': 'on', '0': 'off' } as const;

function devIdentity(value = ''): ServerConfig['devIdentity'] {
  if (!Object.hasOwn(DEV_IDENTITY, value)) {
    throw new ConfigError(`TEARLINE_DEV_IDENTITY must be 1 (demonstration identities on) or 0 (off), not "${value}".`);
  }
  return DEV_IDENTITY[value as keyof typeof DEV_IDENTITY];
}

function int(value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const parsed = Number.parseInt(value, 10);
  if (!Number.isFinite(parsed)) throw new Error(`expected an integer, got "${value}"`);
  return parsed;
}

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  return {
    port: int(env.PORT, 8080),
    host: env.HOST ?? '0.0.0.0',
    dataDir: path.resolve(env.TEARLINE_DATA_DIR ?? './data'),
    staticDir: path.resolve(env.TEARLINE_STATIC_DIR ?? './dist/client'),
    maxUpdateBytes: int(env.TEARLINE_MAX_UPDATE_BYTES, 1024 * 1024),
    ratePerSecond: int(env.TEARLINE_RATE_PER_SEC, 200),
    rateBurst: int(env.TEARLINE_RATE_BURST, 400),
    personRatePerSecond: int(env.TEARLINE_PERSON_RATE_PER_SEC, 300),
    personRateBurst: int(env.TEARLINE_PERSON_RATE_BURST, 600),
    maxSocketsPerPerson: int(env.TEARLINE_MAX_SOCKETS_PER_PERSON, 20),
    rateBytesPerToken: int(env.TEARLINE_RATE_BYTES_PER_TOKEN, 16 * 1024),
    maxUnanswered: int(env.TEARLINE_MAX_UNANSWERED, 64),
    maxPendingOutputBytes: int(env.TEARLINE_MAX_PENDING_OUTPUT_BYTES, 8 * 1024 * 1024),
    presenceWindowMs: int(env.TEARLINE_PRESENCE_WINDOW_MS, 50),
    presenceFramesPerSecond: int(env.TEARLINE_PRESENCE_FRAMES_PER_SEC, 2000),
    presencePerSecond: int(env.TEARLINE_PRESENCE_PER_SEC, 10),
    joinsPerSecond: int(env.TEARLINE_JOINS_PER_SEC, 500),
    maxConcurrentJoins: int(env.TEARLINE_MAX_CONCURRENT_JOINS, 64),
    syncCacheBytes: int(env.TEARLINE_SYNC_CACHE_BYTES, 32 * 1024 * 1024),
    httpPerMinute: int(env.TEARLINE_HTTP_PER_MIN, 600),
    httpHeavyPerMinute: int(env.TEARLINE_HTTP_HEAVY_PER_MIN, 120),
    devTokensPerMinute: int(env.TEARLINE_DEV_TOKENS_PER_MIN, 60),
    devIdentity: devIdentity(env.TEARLINE_DEV_IDENTITY),
    production: env.NODE_ENV === 'production',
    jwtPublicKey: env.TEARLINE_JWT_PUBLIC_KEY || undefined,
    jwksUrl: env.TEARLINE_JWKS_URL || undefined,
    jwtAlgorithm: env.TEARLINE_JWT_ALG ?? 'ES256',
    jwtIssuer: env.TEARLINE_JWT_ISSUER || undefined,
    jwtAudience: env.TEARLINE_JWT_AUDIENCE || undefined,
    maxDocBytes: int(env.TEARLINE_MAX_DOC_BYTES, 16 * 1024 * 1024),
    compactAfter: int(env.TEARLINE_COMPACT_AFTER, 200),
    docIdleMs: int(env.TEARLINE_DOC_IDLE_MS, 60_000),
    sqliteSync: env.TEARLINE_SQLITE_SYNC === 'normal' ? 'normal' : 'full',
    fanoutWindowMs: int(env.TEARLINE_FANOUT_WINDOW_MS, 0),
    commitWindowMs: int(env.TEARLINE_COMMIT_WINDOW_MS, 25),
    metricsPort: env.TEARLINE_METRICS_PORT === 'off' ? null : int(env.TEARLINE_METRICS_PORT, 9464),
    metricsHost: env.TEARLINE_METRICS_HOST || '127.0.0.1',
    logLevel: env.TEARLINE_LOG_LEVEL ?? 'info',
  };
}
