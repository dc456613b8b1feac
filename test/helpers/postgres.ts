// PostgreSQL for tests: each caller gets a database of its own (tearline_t_<random>) on the local
// server, dropped afterwards, so test files and helpers running in parallel never meet. The server
// is 127.0.0.1:5432 with trust auth, user $PGUSER or `postgres` (TEARLINE_TEST_PG_URL overrides).
// Without one, the PostgreSQL tests are skipped locally, never in CI (`CI=true`): there they fail.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Socket } from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, test, vi } from 'vitest';
import { createPool } from '../../server/store/pgPool';
import { migrate } from '../../server/store/pgMigrate';
import { freePort } from './redis';

const ADMIN_URL = process.env.TEARLINE_TEST_PG_URL ?? `postgres://${process.env.PGUSER ?? 'postgres'}@127.0.0.1:5432/postgres`;

async function reachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export const postgresTestsSkipped = process.env.CI !== 'true' && !(await reachable());
if (postgresTestsSkipped) {
  console.log(`PostgreSQL tests skipped: no PostgreSQL answers at ${ADMIN_URL} (set TEARLINE_TEST_PG_URL). They always run when CI=true.`);
}

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export interface TestDatabase {
  url: string;
  /** Drops the database (closing any connection still open to it). */
  drop(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `tearline_t_${randomBytes(6).toString('hex')}`;
  await admin((client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => admin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}

/**
 * For the enclosing describe: a database of its own at the current schema, `tables` (a comma
 * list) emptied before each test, dropped after the last. Answers its URL (once `beforeAll` ran).
 */
export function useTestDatabase(tables?: string): () => string {
  let database: TestDatabase | undefined;
  const withPool = async (work: (pool: pg.Pool) => Promise<unknown>) => {
    const pool = createPool(database!.url);
    try {
      await work(pool);
    } finally {
      await pool.end();
    }
  };
  beforeAll(async () => {
    database = await createTestDatabase();
    await withPool(migrate);
  });
  if (tables) beforeEach(() => withPool((pool) => pool.query(`TRUNCATE ${tables} RESTART IDENTITY`)));
  afterAll(() => database?.drop());
  return () => database!.url;
}

/**
 * A contract suite run once per engine: SQLite, and PostgreSQL (skipped as above). Each engine's
 * factory registers the hooks it needs and answers how to open a handle (a node) on its storage;
 * `suite` gets that.
 */
export function describeEngines<Open>(title: string, engines: { sqlite: () => Open; postgres: () => Open }, suite: (open: Open, engine: 'sqlite' | 'postgres') => void): void {
  describe.each([
    ['sqlite', engines.sqlite, false],
    ['postgres', engines.postgres, postgresTestsSkipped],
  ] as const)(`%s ${title}`, (name, engine, skipped) => {
    if (skipped) {
      test.skip('needs PostgreSQL', () => undefined);
      return;
    }
    suite(engine(), name);
  });
}

export interface OwnPostgres {
  /** The `postgres` database of this server: connect, migrate, use. */
  url: string;
  /** Fast shutdown (SIGINT: open sessions are cut, nothing committed is lost); waits for the exit. */
  stop(): Promise<void>;
  /** Starts it again on the same port and data, and waits until it answers. */
  start(): Promise<void>;
  /** SIGSTOP to the server and every backend: connections stay open, nothing answers until `thaw`. */
  freeze(): void;
  thaw(): void;
}

/** The process and every process below it (a PostgreSQL server's backends), from /proc. */
function processTree(root: number): number[] {
  const parents = new Map<number, number>();
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      // Fields after the command name (in parentheses, which may hold spaces): state, then ppid.
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      parents.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // The process ended meanwhile.
    }
  }
  const tree = [root];
  for (let i = 0; i < tree.length; i++) for (const [pid, ppid] of parents) if (ppid === tree[i]) tree.push(pid);
  return tree;
}

/**
 * A PostgreSQL server of the caller's own (initdb in a temp dir, a free port), for tests that stop
 * and restart the database. Run as `nobody` when the tests run as root (PostgreSQL refuses root).
 */
export async function startOwnPostgres(): Promise<OwnPostgres> {
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tearline-pg-'));
  const asUser = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
  if (asUser.uid !== undefined) fs.chownSync(dir, asUser.uid, asUser.gid);
  const init = spawnSync('initdb', ['-D', dir, '-U', 'tearline', '--auth=trust', '--no-sync'], { stdio: 'ignore', ...asUser });
  if (init.status !== 0) throw new Error('initdb failed');
  const url = `postgres://tearline@127.0.0.1:${port}/postgres`;
  let child: ChildProcess | undefined;
  const signalTree = (signal: NodeJS.Signals) => {
    if (child?.pid === undefined || child.exitCode !== null) return;
    for (const pid of processTree(child.pid)) {
      try {
        process.kill(pid, signal);
      } catch {
        // Ended meanwhile.
      }
    }
  };
  const own: OwnPostgres = {
    url,
    async start() {
      child = spawn('postgres', ['-D', dir, '-p', String(port), '-k', dir, '-h', '127.0.0.1', '-c', 'fsync=off'], { stdio: 'ignore', ...asUser });
      for (let i = 0; i < 200; i++) {
        const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
        const up = await client.connect().then(() => true, () => false);
        await client.end().catch(() => undefined);
        if (up) return;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      throw new Error('the test PostgreSQL did not start');
    },
    freeze: () => signalTree('SIGSTOP'),
    thaw: () => signalTree('SIGCONT'),
    async stop() {
      const running = child;
      if (!running || running.exitCode !== null) return;
      // A frozen server would hold SIGINT until it runs again.
      signalTree('SIGCONT');
      child = undefined;
      const exited = new Promise((resolve) => running.once('exit', resolve));
      running.kill('SIGINT');
      await exited;
    },
  };
  await own.start();
  return own;
}

/**
 * Counts the queries run on the pool's connections (BEGIN and COMMIT included), by transactions
 * and by `pool.query` alike: each is one round trip to PostgreSQL. Undone by `vi.restoreAllMocks()`.
 */
export function countQueries(pool: pg.Pool): { count(): number } {
  let count = 0;
  const connect = pool.connect.bind(pool) as (callback?: (err: Error | undefined, client?: pg.PoolClient, release?: () => void) => void) => Promise<pg.PoolClient> | void;
  const counting = (client: pg.PoolClient): pg.PoolClient => {
    const query = client.query;
    if (!(query as { counted?: boolean }).counted) {
      const counted = function (this: pg.PoolClient, ...args: unknown[]) {
        count++;
        return (query as (...a: unknown[]) => unknown).apply(this, args);
      };
      (counted as { counted?: boolean }).counted = true;
      client.query = counted as typeof client.query;
    }
    return client;
  };
  // `pool.query` takes a connection with a callback; transactions take it as a promise.
  vi.spyOn(pool, 'connect').mockImplementation(((callback?: (err: Error | undefined, client?: pg.PoolClient, release?: () => void) => void) =>
    callback ? connect((err, client, release) => callback(err, client && counting(client), release)) : (connect() as Promise<pg.PoolClient>).then(counting)) as typeof pool.connect);
  return { count: () => count };
}

/**
 * The one statement that stores updates (PostgresStore.appendUpdates): it runs in autocommit, so it
 * is its own commit (`atCommitOf`).
 */
const STORES_UPDATES = 'tearline_append_updates(';

/**
 * Fault hook, once: the next commit of a write that ran a statement containing `statement` goes
 * through `atCommit`, which sends it with `send` (or not) and answers for it: the COMMIT of its
 * transaction (`INSERT INTO objects` for a creation…), or, for the statement storing updates in
 * autocommit, that statement itself. Queries are text, or a prepared statement's config ({ name, text, values }).
 */
export function atCommitOf(statement: string, atCommit: (client: pg.Client, send: () => unknown) => unknown): void {
  const autocommitted = statement === STORES_UPDATES;
  const ran = new WeakSet<object>();
  const query = pg.Client.prototype.query as (this: pg.Client, ...args: unknown[]) => unknown;
  const spy = vi.spyOn(pg.Client.prototype, 'query').mockImplementation(function (this: pg.Client, ...args: unknown[]) {
    const first = args[0] as string | { text?: string } | undefined;
    const text = typeof first === 'string' ? first : (first?.text ?? '');
    if (!autocommitted && text.includes(statement)) ran.add(this);
    const commits = autocommitted ? text.includes(statement) : text === 'COMMIT' && ran.has(this);
    if (!commits) return query.apply(this, args);
    spy.mockRestore();
    return atCommit(this, () => query.apply(this, args));
  } as typeof pg.Client.prototype.query);
}

/** `atCommitOf` for the commit of updates. */
export function atUpdateCommit(atCommit: (client: pg.Client, send: () => unknown) => unknown): void {
  atCommitOf(STORES_UPDATES, atCommit);
}

function socketOf(client: pg.Client): Socket {
  return (client as unknown as { connection: { stream: Socket } }).connection.stream;
}

/**
 * Fault hook: the next commit of a write that ran `statement` (default: the one storing updates)
 * is sent, but its connection stops reading; once PostgreSQL shows it committed (`landed`, read on
 * a connection of the test's own), the socket is destroyed, as a reset would, so the answer never arrives.
 */
export function resetAfterCommitLands(landed: () => Promise<boolean>, statement = STORES_UPDATES): void {
  atCommitOf(statement, (client, send) => {
    const stream = socketOf(client);
    stream.pause();
    const result = send();
    void (async () => {
      while (!(await landed())) await new Promise((resolve) => setTimeout(resolve, 10));
      stream.destroy();
    })();
    return result;
  });
}

/**
 * Fault hook: the connection of the next COMMIT of a transaction that ran `statement` is reset
 * just before the COMMIT goes out: the node sees a COMMIT that failed without an answer (its
 * outcome unknown to it), and PostgreSQL rolls the transaction back.
 */
export function resetBeforeCommit(statement: string): void {
  atCommitOf(statement, (client, send) => {
    socketOf(client).destroy();
    return send();
  });
}
