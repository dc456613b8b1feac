// The settings table: every value is read strictly and refused by name, the defaults are the
// documented ones, and README.md's table lists exactly the table's variables with its defaults.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { configFromEnv, SETTINGS } from '../../server/config';

/** README.md's "Settings (environment)" table: variable → default (undefined for `–`). */
function readmeSettings(): Map<string, string | undefined> {
  const readme = fs.readFileSync(path.resolve(import.meta.dirname, '../../README.md'), 'utf8');
  const section = readme.split('## Settings (environment)')[1]!.split('\n## ')[0]!;
  const settings = new Map<string, string | undefined>();
  for (const line of section.split('\n')) {
    if (!line.startsWith('| `')) continue;
    const [variables, defaults] = line.split('|').slice(1, 3).map((cell) => [...cell.matchAll(/`([^`]*)`/g)].map((m) => m[1]!));
    // `A` / `B` | `1` / `2` pairs by position; `–` stands for every variable of the row.
    variables!.forEach((name, i) => settings.set(name, defaults!.length === 0 ? undefined : defaults![i]));
  }
  return settings;
}

describe('settings', () => {
  test('README.md lists every variable of the table, with the same default, and no other', () => {
    const table = new Map(Object.values(SETTINGS).map((row) => [row.env, 'default' in row ? row.default : undefined]));
    const readme = readmeSettings();
    expect([...readme.keys()].sort()).toEqual([...table.keys()].sort());
    for (const [name, value] of table) expect({ name, default: readme.get(name) }).toEqual({ name, default: value });
  });

  test('unset, every setting has its documented default', () => {
    expect(configFromEnv({})).toEqual({
      port: 8080,
      host: '0.0.0.0',
      dataDir: path.resolve('./data'),
      staticDir: path.resolve('./dist/client'),
      maxUpdateBytes: 1024 * 1024,
      maxDocBytes: 16 * 1024 * 1024,
      ratePerSecond: 200,
      rateBurst: 400,
      personRatePerSecond: 300,
      personRateBurst: 600,
      maxSocketsPerPerson: 20,
      rateBytesPerToken: 16 * 1024,
      maxUnanswered: 64,
      maxPendingOutputBytes: 8 * 1024 * 1024,
      presenceWindowMs: 50,
      presenceFramesPerSecond: 2000,
      presencePerSecond: 10,
      joinsPerSecond: 500,
      maxConcurrentJoins: 64,
      syncCacheBytes: 32 * 1024 * 1024,
      httpPerMinute: 600,
      httpHeavyPerMinute: 120,
      devTokensPerMinute: 60,
      devIdentity: 'auto',
      production: false,
      jwtPublicKey: undefined,
      jwksUrl: undefined,
      jwtAlgorithm: 'ES256',
      jwtIssuer: undefined,
      jwtAudience: undefined,
      compactAfter: 200,
      docIdleMs: 60_000,
      cellIdleMs: 600_000,
      diskWarnBytes: 1024 ** 3,
      commitWindowMs: 25,
      commitFramesPerSecond: 5000,
      fanoutWindowMs: 0,
      store: 'sqlite',
      databaseUrl: undefined,
      redisUrl: undefined,
      relayMaxLen: 100000,
      pgStatementTimeoutMs: 5000,
      nodeId: `${os.hostname()}-${process.pid}`,
      faultHook: 'off',
      sqliteSync: 'full',
      releaseRetryMs: 30_000,
      metricsPort: 9464,
      metricsHost: '127.0.0.1',
      logLevel: 'info',
    });
  });

  test('reads what is set, and an empty variable as unset', () => {
    const config = configFromEnv({
      PORT: '0',
      TEARLINE_COMMIT_WINDOW_MS: '5',
      TEARLINE_COMMIT_FRAMES_PER_SECOND: '0',
      TEARLINE_SQLITE_SYNC: 'normal',
      TEARLINE_METRICS_PORT: 'off',
      TEARLINE_LOG_LEVEL: 'silent',
      TEARLINE_DATA_DIR: '',
      TEARLINE_JWKS_URL: 'https://idp.example/.well-known/jwks.json',
    });
    expect(config).toMatchObject({
      port: 0,
      commitWindowMs: 5,
      commitFramesPerSecond: 0,
      sqliteSync: 'normal',
      metricsPort: null,
      logLevel: 'silent',
      dataDir: path.resolve('./data'),
      jwksUrl: 'https://idp.example/.well-known/jwks.json',
    });
  });

  test.each([
    ['TEARLINE_SQLITE_SYNC', 'fulll', /TEARLINE_SQLITE_SYNC must be full or normal, not "fulll"\./],
    ['TEARLINE_SQLITE_SYNC', 'FULL', /TEARLINE_SQLITE_SYNC must be full or normal/],
    ['TEARLINE_COMMIT_WINDOW_MS', '25ms', /TEARLINE_COMMIT_WINDOW_MS must be a whole number from 0 to 60000, not "25ms"\./],
    ['TEARLINE_COMMIT_WINDOW_MS', '2.5', /TEARLINE_COMMIT_WINDOW_MS must be a whole number/],
    ['TEARLINE_COMMIT_FRAMES_PER_SECOND', '-1', /TEARLINE_COMMIT_FRAMES_PER_SECOND must be a whole number from 0 to 100000000, not "-1"\./],
    ['PORT', '70000', /PORT must be a whole number from 0 to 65535, not "70000"\./],
    ['PORT', '-1', /PORT must be a whole number from 0 to 65535/],
    ['TEARLINE_METRICS_PORT', 'of', /TEARLINE_METRICS_PORT must be off or a whole number from 0 to 65535, not "of"\./],
    ['TEARLINE_MAX_UPDATE_BYTES', '1e6', /TEARLINE_MAX_UPDATE_BYTES must be a whole number from 1 to \d+, not "1e6"\./],
    ['TEARLINE_MAX_DOC_BYTES', '0', /TEARLINE_MAX_DOC_BYTES must be a whole number from 1/],
    ['TEARLINE_RATE_PER_SEC', ' 200', /TEARLINE_RATE_PER_SEC must be a whole number/],
    ['TEARLINE_LOG_LEVEL', 'verbose', /TEARLINE_LOG_LEVEL must be a pino level/],
    ['TEARLINE_JWT_ALG', 'HS256', /TEARLINE_JWT_ALG must be a public-key JWS algorithm/],
    ['TEARLINE_JWKS_URL', 'idp.example/jwks', /TEARLINE_JWKS_URL must be an http\(s\) URL/],
    ['TEARLINE_DEV_IDENTITY', 'true', /TEARLINE_DEV_IDENTITY must be 1 .* or 0 .*, not "true"/],
    ['TEARLINE_STORE', 'postgresql', /TEARLINE_STORE must be sqlite or postgres, not "postgresql"\./],
    ['DATABASE_URL', 'mysql://db/tearline', /DATABASE_URL must be a postgres:\/\/ URL/],
    ['TEARLINE_NODE_ID', 'node 1', /TEARLINE_NODE_ID must be a value without spaces/],
    ['REDIS_URL', 'localhost:6379', /REDIS_URL must be a redis:\/\/ URL/],
    ['TEARLINE_RELAY_MAXLEN', '10', /TEARLINE_RELAY_MAXLEN must be a whole number from 100/],
  ])('refuses %s=%j, naming the variable and what it expects', (name, value, message) => {
    expect(() => configFromEnv({ [name]: value })).toThrow(expect.objectContaining({ code: 'bad_config', message: expect.stringMatching(message) }));
  });

  test('PostgreSQL needs DATABASE_URL, named at start; with it, the store and node id are read', () => {
    expect(() => configFromEnv({ TEARLINE_STORE: 'postgres' })).toThrow(
      expect.objectContaining({ code: 'bad_config', message: expect.stringMatching(/DATABASE_URL must be set when TEARLINE_STORE=postgres/) }),
    );
    expect(configFromEnv({ TEARLINE_STORE: 'postgres', DATABASE_URL: 'postgres://tearline@db:5432/tearline', TEARLINE_NODE_ID: 'node-2' })).toMatchObject({
      store: 'postgres',
      databaseUrl: 'postgres://tearline@db:5432/tearline',
      nodeId: 'node-2',
    });
  });

  test('REDIS_URL joins nodes that share PostgreSQL: refused on SQLite, read with postgres', () => {
    expect(() => configFromEnv({ REDIS_URL: 'redis://127.0.0.1:6379' })).toThrow(expect.objectContaining({ code: 'bad_config', message: expect.stringMatching(/REDIS_URL joins this node/) }));
    expect(configFromEnv({ TEARLINE_STORE: 'postgres', DATABASE_URL: 'postgres://db/t', REDIS_URL: 'redis://relay:6379' })).toMatchObject({ redisUrl: 'redis://relay:6379', relayMaxLen: 100000 });
  });

  test('names every refused variable at once', () => {
    expect(() => configFromEnv({ PORT: 'http', TEARLINE_SQLITE_SYNC: 'off' })).toThrow(/PORT must .* TEARLINE_SQLITE_SYNC must/);
  });
});
