// The one PostgreSQL connection pool of a node (TEARLINE_STORE=postgres), shared by the store, the
// audit log and the release requests, and the transaction helper they all use. Opening it checks
// that the database answers and applies the migrations, so a node that cannot reach its database
// stops at start with a sentence naming DATABASE_URL, not at the first edit.
import pg from 'pg';
import { ConfigError, DATABASE_URL_MISSING } from '../config';
import { commitFailure, isOutcomeUnknown } from '../errors';
import { migrate } from './pgMigrate';

export type { Pool, PoolClient } from 'pg';

/** Connections one node keeps to PostgreSQL: the group commit needs few; reads run beside it. */
const POOL_SIZE = 10;
const CONNECT_TIMEOUT_MS = 5000;

// BIGINT columns (sequence numbers, client ids, times in ms) stay below 2^53: read them as numbers.
pg.types.setTypeParser(pg.types.builtins.INT8, Number);

/**
 * How much longer than the statement timeout a query's answer is waited for: PostgreSQL cancels a
 * slow statement itself (a clean error, the connection stays usable); only a database that does
 * not answer at all (frozen, a network dropping packets) meets the client's own limit.
 */
const ANSWER_MARGIN_MS = 1000;

/**
 * `statementTimeoutMs` (TEARLINE_PG_STATEMENT_TIMEOUT_MS; none when 0 or absent): the longest one
 * statement may run on the server, and, with a margin, the longest its answer is waited for.
 */
export function createPool(databaseUrl: string, statementTimeoutMs = 0): pg.Pool {
  const timeouts = statementTimeoutMs > 0 ? { statement_timeout: statementTimeoutMs, query_timeout: statementTimeoutMs + ANSWER_MARGIN_MS } : {};
  const pool = new pg.Pool({ connectionString: databaseUrl, max: POOL_SIZE, connectionTimeoutMillis: CONNECT_TIMEOUT_MS, ...timeouts });
  // An idle connection that breaks (a database restart) is replaced on next use, not a crash.
  pool.on('error', () => undefined);
  return pool;
}

/**
 * A pool whose database answered and holds the current schema. Migrations run first on a pool of
 * their own without the statement timeout: they may take long, or wait for another node's.
 */
export async function openPool(databaseUrl: string | undefined, statementTimeoutMs = 0): Promise<pg.Pool> {
  if (!databaseUrl) throw new ConfigError(DATABASE_URL_MISSING);
  const migrating = createPool(databaseUrl);
  try {
    await migrate(migrating);
  } catch (error) {
    throw new ConfigError(`The database at DATABASE_URL (${redacted(databaseUrl)}) could not be used: ${(error as Error).message}.`);
  } finally {
    await migrating.end();
  }
  return createPool(databaseUrl, statementTimeoutMs);
}

/** The URL without its password, for messages. */
function redacted(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'not a URL';
  }
}

/** Runs `work` in one transaction on one connection: committed if it resolves, rolled back if it throws. */
export async function transaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>, begin = 'BEGIN'): Promise<T> {
  return checkedOut(pool, async (client, close) => {
    try {
      await client.query(begin);
      const result = await work(client);
      await client.query('COMMIT').catch((error: unknown) => {
        throw commitFailure(error);
      });
      return result;
    } catch (error) {
      // A connection whose answer never came, or whose commit ended in no known state, is in no
      // known state itself, and one that cannot even roll back is no better: either is closed
      // rather than handed to the next caller.
      if (isOutcomeUnknown(error)) close(error as Error);
      else await client.query('ROLLBACK').catch(close);
      throw error;
    }
  });
}

/**
 * Runs one writing statement in autocommit: it commits as it ends, so it is its own COMMIT, in one
 * round trip. A failure PostgreSQL answered with an ERROR rolled it back; any other (a reset
 * connection, a terminated backend, no answer) leaves its outcome unknown, as a COMMIT's would.
 */
export async function autocommit<R extends pg.QueryResultRow>(pool: pg.Pool, query: pg.QueryConfig): Promise<pg.QueryResult<R>> {
  return checkedOut(pool, async (client, close) => {
    try {
      return await client.query<R>(query);
    } catch (error) {
      const failure = commitFailure(error);
      if (isOutcomeUnknown(failure)) close(error as Error);
      throw failure;
    }
  });
}

/** Runs `work` on a connection of the pool, released after; `close` has it closed instead of reused. */
async function checkedOut<T>(pool: pg.Pool, work: (client: pg.PoolClient, close: (error: Error) => void) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  // A connection lost while checked out also emits 'error' (besides failing the query in flight):
  // without a listener that would end the process. The connection is closed, not reused.
  const lost = (error: Error) => (broken = error);
  client.on('error', lost);
  try {
    return await work(client, lost);
  } finally {
    client.removeListener('error', lost);
    client.release(broken);
  }
}
