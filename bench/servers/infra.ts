// What `bench -- cluster` runs the nodes on: a redis-server of its own on a free port (no
// persistence, as a relay needs none; started as the tests start theirs,
// test/helpers/redisServer.ts) and a database of its own on the local PostgreSQL
// (TEARLINE_BENCH_PG_URL, else postgres://$PGUSER@127.0.0.1:5432/postgres), both gone after the
// run. Their CPU is read from /proc: Redis's process, and the PostgreSQL backends serving the
// run's database (pg_stat_activity), so the per-delivery figure covers the whole deployment.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { startRedisServer } from '../../test/helpers/redisServer';
import { sampleProcess } from './procfs';

const ADMIN_URL = process.env.TEARLINE_BENCH_PG_URL ?? `postgres://${process.env.PGUSER ?? 'postgres'}@127.0.0.1:5432/postgres`;

export interface BenchRedis {
  url: string;
  cpuSeconds(): number;
  stop(): Promise<void>;
}

export async function startRedis(): Promise<BenchRedis> {
  const redis = await startRedisServer();
  const pid = redis.pid()!;
  return { url: redis.url, cpuSeconds: () => sampleProcess(pid).cpuSeconds, stop: () => redis.stop() };
}

export interface BenchDatabase {
  url: string;
  /**
   * CPU so far of the backends that have served this database: each backend's last reading, kept
   * after it ends (a pool closing an idle connection made the sum fall, and a window's CPU come out
   * negative); what an ended backend spent after its last reading is not counted.
   */
  cpuSeconds(): Promise<number>;
  /** Transactions committed in this database so far (pg_stat_database; a backend reports within a second). */
  commits(): Promise<number>;
  drop(): Promise<void>;
}

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(`No PostgreSQL answers at ${ADMIN_URL} (set TEARLINE_BENCH_PG_URL): ${(error as Error).message}`);
  }
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export async function createDatabase(): Promise<BenchDatabase> {
  const name = `tearline_bench_${randomBytes(6).toString('hex')}`;
  await admin((client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  // By pid and start time: a pid the system hands to a later backend is another backend.
  const backends = new Map<string, number>();
  return {
    url: url.toString(),
    cpuSeconds: () =>
      admin(async (client) => {
        const { rows } = await client.query<{ pid: number; started: string }>('SELECT pid, backend_start::text AS started FROM pg_stat_activity WHERE datname = $1', [name]);
        for (const { pid, started } of rows) {
          try {
            backends.set(`${pid}@${started}`, sampleProcess(pid).cpuSeconds);
          } catch {
            // A backend that ended between the list and the read: its last reading stands.
          }
        }
        return [...backends.values()].reduce((sum, cpu) => sum + cpu, 0);
      }),
    commits: () =>
      admin(async (client) => {
        const { rows } = await client.query<{ commits: string }>('SELECT xact_commit AS commits FROM pg_stat_database WHERE datname = $1', [name]);
        return Number(rows[0]?.commits ?? 0);
      }),
    drop: () => admin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}
