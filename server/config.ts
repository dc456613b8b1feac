// Every setting in one table: its environment variable, what an unset variable means, how its
// text is read, and why it exists. The table produces the `ServerConfig` type, README.md's
// settings table is checked against it (test/unit/config.test.ts), and no class keeps a default
// of its own: a value a class needs comes from here. Defaults run with no setup.
//
// To add a setting: add one row. An empty variable counts as unset. A value the server cannot
// use stops it at start with the variable's name and what it expects, never a guess ('25ms' is
// not 25, a mistyped `TEARLINE_SQLITE_SYNC` is not `full`).
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';

/** How a setting's text is read, and the words for what it expects when the text is refused. */
interface Reader<T> {
  schema: z.ZodType<T, string | undefined>;
  expects: string;
}

interface Setting<T> extends Reader<T> {
  env: string;
  /** The text an unset variable stands for, as README.md shows it; none: the reader decides. */
  default?: string;
  meaning: string;
}

/** setTimeout's ceiling (about 24.8 days): a longer wait would fire at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;
/** A budget beyond a billion is no budget; the bound only keeps typos out. */
const MAX_COUNT = 1_000_000_000;

function integer(min: number, max: number): Reader<number> {
  return {
    schema: z
      .string()
      .regex(/^[0-9]+$/)
      .transform(Number)
      .pipe(z.number().int().min(min).max(max)),
    expects: `a whole number from ${min} to ${max}`,
  };
}

function oneOf<const T extends Record<string, unknown>>(meanings: T, expects: string): Reader<T[keyof T]> {
  return {
    schema: z.enum(Object.keys(meanings) as [string, ...string[]]).transform((text) => meanings[text] as T[keyof T]),
    expects,
  };
}

const text: Reader<string> = { schema: z.string().regex(/^\S+$/), expects: 'a value without spaces' };
const directory: Reader<string> = { schema: z.string().transform((dir) => path.resolve(dir)), expects: 'a directory' };
const port = integer(0, 65535);

/** Unset stays undefined; set, it must read. */
function optional<T>(reader: Reader<T>): Reader<T | undefined> {
  return { schema: reader.schema.optional(), expects: reader.expects };
}

function setting<T>(env: string, defaultText: string | undefined, reader: Reader<T>, meaning: string): Setting<T> {
  return { env, ...(defaultText === undefined ? {} : { default: defaultText }), ...reader, meaning };
}

export const SETTINGS = {
  port: setting('PORT', '8080', port, 'HTTP, socket and client port (0 picks a free one, for tests)'),
  host: setting('HOST', '0.0.0.0', text, "listen address: every interface, so a cell's browsers can reach it"),
  dataDir: setting('TEARLINE_DATA_DIR', './data', directory, 'the SQLite file (tearline.db) and the dev identity key'),
  staticDir: setting('TEARLINE_STATIC_DIR', './dist/client', directory, 'the built web client, served at /'),
  maxUpdateBytes: setting('TEARLINE_MAX_UPDATE_BYTES', '1048576', integer(1, MAX_TIMER_MS), 'larger payloads answer too_large'),
  maxDocBytes: setting('TEARLINE_MAX_DOC_BYTES', '16777216', integer(1, MAX_TIMER_MS), "one object's stored content may not grow beyond this (too_large)"),
  ratePerSecond: setting('TEARLINE_RATE_PER_SEC', '200', integer(1, MAX_COUNT), 'per-socket message budget: steady rate'),
  rateBurst: setting('TEARLINE_RATE_BURST', '400', integer(1, MAX_COUNT), 'per-socket message budget: burst'),
  personRatePerSecond: setting(
    'TEARLINE_PERSON_RATE_PER_SEC',
    '300',
    integer(1, MAX_COUNT),
    'message budget per person (token sub), shared by all their sockets on this node, so more sockets buy no bigger share',
  ),
  personRateBurst: setting('TEARLINE_PERSON_RATE_BURST', '600', integer(1, MAX_COUNT), 'burst of the per-person budget'),
  maxSocketsPerPerson: setting('TEARLINE_MAX_SOCKETS_PER_PERSON', '20', integer(1, MAX_COUNT), 'sockets one person may hold open on this node; beyond, rate_limited at connect'),
  rateBytesPerToken: setting(
    'TEARLINE_RATE_BYTES_PER_TOKEN',
    '16384',
    integer(1, MAX_TIMER_MS),
    "an answer costs one more message of the socket's and the person's budgets per this many bytes, so large answers are not cheaper than many messages",
  ),
  maxUnanswered: setting('TEARLINE_MAX_UNANSWERED', '64', integer(1, MAX_COUNT), 'requests of one socket the server may be working on at once; beyond, rate_limited'),
  maxPendingOutputBytes: setting(
    'TEARLINE_MAX_PENDING_OUTPUT_BYTES',
    '8388608',
    integer(1, MAX_TIMER_MS),
    'what the server may hold for one socket that has not taken it yet; more output past it ends the session (session:ended, then disconnect)',
  ),
  presenceWindowMs: setting('TEARLINE_PRESENCE_WINDOW_MS', '50', integer(1, MAX_TIMER_MS), "a cell's presence changes go out together, one awareness frame per access level and window"),
  presenceFramesPerSecond: setting(
    'TEARLINE_PRESENCE_FRAMES_PER_SEC',
    '2000',
    integer(1, MAX_COUNT),
    'presence frames one cell may cost this node a second; a cell with more sockets gets a longer window',
  ),
  presencePerSecond: setting(
    'TEARLINE_PRESENCE_PER_SEC',
    '10',
    integer(1, MAX_COUNT),
    "states of one socket sent a second (bursts of twice as many); beyond, the latest is held and sent when the budget allows",
  ),
  joinsPerSecond: setting('TEARLINE_JOINS_PER_SEC', '500', integer(1, MAX_COUNT), 'workspace:joins this node admits a second; beyond, rate_limited with retryAfterMs'),
  maxConcurrentJoins: setting('TEARLINE_MAX_CONCURRENT_JOINS', '64', integer(1, MAX_COUNT), 'workspace:joins this node handles at once; beyond, rate_limited with retryAfterMs'),
  syncCacheBytes: setting('TEARLINE_SYNC_CACHE_BYTES', '33554432', integer(0, MAX_TIMER_MS), 'merged stored state of docs not in memory, kept for doc:sync'),
  httpPerMinute: setting('TEARLINE_HTTP_PER_MIN', '600', integer(1, MAX_COUNT), 'REST requests a minute to any /api route, per person or else per address'),
  httpHeavyPerMinute: setting('TEARLINE_HTTP_HEAVY_PER_MIN', '120', integer(1, MAX_COUNT), 'of those, exports, audit pages and figures a minute'),
  devTokensPerMinute: setting('TEARLINE_DEV_TOKENS_PER_MIN', '60', integer(1, MAX_COUNT), 'dev identity tokens a minute, per address'),
  devIdentity: setting(
    'TEARLINE_DEV_IDENTITY',
    undefined,
    {
      schema: z
        .enum(['1', '0'])
        .optional()
        .transform((value) => (value === undefined ? 'auto' : value === '1' ? 'on' : 'off')),
      expects: '1 (demonstration identities on) or 0 (off)',
    },
    'the demonstration identity provider, which lets anyone sign in as anyone. Unset: on when no real issuer is configured, but NODE_ENV=production then refuses to start',
  ),
  production: setting(
    'NODE_ENV',
    undefined,
    { schema: z.string().optional().transform((value) => value === 'production'), expects: 'any text' },
    'production: demonstration identities only with TEARLINE_DEV_IDENTITY=1',
  ),
  jwtPublicKey: setting(
    'TEARLINE_JWT_PUBLIC_KEY',
    undefined,
    optional({ schema: z.string().regex(/-----BEGIN PUBLIC KEY-----/), expects: 'a PEM public key (-----BEGIN PUBLIC KEY-----)' }),
    "a real token issuer's key (PEM, SPKI); turns the dev identity provider off",
  ),
  jwksUrl: setting(
    'TEARLINE_JWKS_URL',
    undefined,
    optional({ schema: z.string().regex(/^https?:\/\/\S+$/), expects: 'an http(s) URL' }),
    "a real issuer's JWKS (alternative to the key)",
  ),
  jwtAlgorithm: setting(
    'TEARLINE_JWT_ALG',
    'ES256',
    oneOf(
      { ES256: 'ES256', ES384: 'ES384', ES512: 'ES512', RS256: 'RS256', RS384: 'RS384', RS512: 'RS512', PS256: 'PS256', PS384: 'PS384', PS512: 'PS512', EdDSA: 'EdDSA' },
      'a public-key JWS algorithm (ES256, ES384, ES512, RS256, RS384, RS512, PS256, PS384, PS512 or EdDSA)',
    ),
    'algorithm of TEARLINE_JWT_PUBLIC_KEY',
  ),
  jwtIssuer: setting('TEARLINE_JWT_ISSUER', undefined, optional(text), 'checked when set'),
  jwtAudience: setting('TEARLINE_JWT_AUDIENCE', undefined, optional(text), 'checked when set'),
  compactAfter: setting('TEARLINE_COMPACT_AFTER', '200', integer(1, MAX_COUNT), 'stored updates of one doc before they are folded into a snapshot'),
  docIdleMs: setting('TEARLINE_DOC_IDLE_MS', '60000', integer(1, MAX_TIMER_MS), 'an in-memory doc untouched this long is evicted (reloaded on demand)'),
  cellIdleMs: setting(
    'TEARLINE_CELL_IDLE_MS',
    '600000',
    integer(1, MAX_TIMER_MS),
    "a cell none of this node's sockets joined, with no work on it under way, for this long leaves memory (its index, docs, caches; with several nodes its relay shard is no longer read); loaded again on demand",
  ),
  diskWarnBytes: setting(
    'TEARLINE_DISK_WARN_BYTES',
    '1073741824',
    integer(0, Number.MAX_SAFE_INTEGER),
    "below this much free space on the data directory's disk, /healthz reports storage low_space, before writes start failing",
  ),
  commitWindowMs: setting(
    'TEARLINE_COMMIT_WINDOW_MS',
    '25',
    integer(0, 60_000),
    'the most time between two durable commits (fsync), so the longest an update waits to share one commit and one frame per room; a lone edit is committed at once',
  ),
  commitFramesPerSecond: setting(
    'TEARLINE_COMMIT_FRAMES_PER_SECOND',
    '5000',
    integer(0, 100_000_000),
    "fan-out frames per second (one per receiving socket) that committing sooner than the window may cost: commits start at least (frames of a commit's fan-out ÷ this) apart, at most TEARLINE_COMMIT_WINDOW_MS. 0: always the whole window",
  ),
  fanoutWindowMs: setting(
    'TEARLINE_FANOUT_WINDOW_MS',
    '0',
    integer(0, 60_000),
    "extra wait after the commit before fanning out; 0 sends each commit's updates right after it",
  ),
  store: setting(
    'TEARLINE_STORE',
    'sqlite',
    oneOf({ sqlite: 'sqlite', postgres: 'postgres' } as const, 'sqlite or postgres'),
    'where everything durable is kept: sqlite, one file in TEARLINE_DATA_DIR for one node; postgres, the database at DATABASE_URL, shared by every node',
  ),
  databaseUrl: setting(
    'DATABASE_URL',
    undefined,
    optional({ schema: z.string().regex(/^postgres(ql)?:\/\/\S+$/), expects: 'a postgres:// URL' }),
    'the PostgreSQL database (postgres://user:password@host:5432/name); required with TEARLINE_STORE=postgres, migrated at start',
  ),
  pgStatementTimeoutMs: setting(
    'TEARLINE_PG_STATEMENT_TIMEOUT_MS',
    '5000',
    integer(0, MAX_TIMER_MS),
    'the longest one PostgreSQL statement may run (the database cancels it) and, 1 s more, the longest its answer is waited for (a frozen database): the request answers unavailable, nothing acknowledged. 0: no limit',
  ),
  redisUrl: setting(
    'REDIS_URL',
    undefined,
    optional({ schema: z.string().regex(/^rediss?:\/\/\S+$/), expects: 'a redis:// URL' }),
    'the Redis relay between nodes (redis://host:6379); set, with TEARLINE_STORE=postgres, this node is one of several: updates and envelope changes are relayed, socket.io spans the nodes',
  ),
  relayMaxLen: setting(
    'TEARLINE_RELAY_MAXLEN',
    '100000',
    integer(100, MAX_COUNT),
    'entries kept per relay stream (approximate cap); a node that falls further behind reconciles from PostgreSQL',
  ),
  nodeId: setting(
    'TEARLINE_NODE_ID',
    undefined,
    // At most 200 characters: relay entries carry it (with a suffix of this process's), up to 256.
    { schema: z.string().regex(/^\S{1,200}$/).optional().transform((id) => id ?? `${os.hostname()}-${process.pid}`), expects: 'a value without spaces, at most 200 characters' },
"this node's name among several (claims, logs), one per node; unset: host name and process id",
  ),
  faultHook: setting(
    'TEARLINE_TEST_FAULT',
    'off',
    oneOf(
      { off: 'off', 'kill-after-commit': 'kill-after-commit', 'kill-after-inject': 'kill-after-inject', 'kill-after-remark': 'kill-after-remark' } as const,
      'off, kill-after-commit, kill-after-inject or kill-after-remark',
    ),
    'fault tests only: kill-after-commit makes this node kill itself (SIGKILL) once its first update is committed to PostgreSQL, before relaying it; kill-after-inject once an exercise inject\'s first object is stored, before the runner saves its state; kill-after-remark once a re-mark is stored, before its fan-out; never set it in service',
  ),
  sqliteSync: setting(
    'TEARLINE_SQLITE_SYNC',
    'full',
    oneOf({ full: 'full', normal: 'normal' } as const, 'full or normal'),
    'full fsyncs every commit (survives power loss); normal survives process crashes only',
  ),
  releaseRetryMs: setting(
    'TEARLINE_RELEASE_RETRY_MS',
    '30000',
    integer(1, MAX_TIMER_MS),
    'wait before a release deadline that could not be carried out is tried again: no busy loop',
  ),
  metricsPort: setting(
    'TEARLINE_METRICS_PORT',
    '9464',
    {
      schema: z.union([z.literal('off').transform(() => null), port.schema]),
      expects: `off or ${port.expects}`,
    },
    'Prometheus metrics on a listener of their own, never the public port: they count activity over every object (0 picks a free port, off serves none)',
  ),
  metricsHost: setting('TEARLINE_METRICS_HOST', '127.0.0.1', text, 'metrics listen address: loopback, as the metrics take no token'),
  logLevel: setting(
    'TEARLINE_LOG_LEVEL',
    'info',
    oneOf(
      { fatal: 'fatal', error: 'error', warn: 'warn', info: 'info', debug: 'debug', trace: 'trace', silent: 'silent' } as const,
      'a pino level (fatal, error, warn, info, debug, trace or silent)',
    ),
    'pino log level',
  ),
} as const;

type Settings = typeof SETTINGS;
export type ServerConfig = { [K in keyof Settings]: z.output<Settings[K]['schema']> };

export const DATABASE_URL_MISSING = 'DATABASE_URL must be set when TEARLINE_STORE=postgres (for example postgres://tearline@db:5432/tearline).';

export const REDIS_NEEDS_POSTGRES = 'REDIS_URL joins this node to others, which share only a PostgreSQL store: set TEARLINE_STORE=postgres and DATABASE_URL, or unset REDIS_URL.';

/** A setting the server cannot start with; the message names the variables to change. */
export class ConfigError extends Error {
  readonly code = 'bad_config';

  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Long values (a PEM key) are cut in the message: the variable's name says where to look. */
function quoted(value: string): string {
  return JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value);
}

/** Reads every setting; all refused values are named in one error. */
export function configFromEnv(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const config: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [key, row] of Object.entries(SETTINGS) as [keyof Settings, Setting<unknown>][]) {
    const raw = env[row.env] || undefined;
    const parsed = row.schema.safeParse(raw ?? row.default);
    if (parsed.success) config[key] = parsed.data;
    else problems.push(`${row.env} must be ${row.expects}, not ${quoted(raw ?? '')}.`);
  }
  if (config.store === 'postgres' && config.databaseUrl === undefined) problems.push(DATABASE_URL_MISSING);
  if (config.redisUrl !== undefined && config.store !== 'postgres') problems.push(REDIS_NEEDS_POSTGRES);
  if (problems.length > 0) throw new ConfigError(problems.join(' '));
  return config as ServerConfig;
}
