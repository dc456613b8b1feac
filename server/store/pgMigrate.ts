// PostgreSQL schema migrations: the versioned SQL files in ./migrations (NNNN_name.sql), applied
// in order, each in its own transaction with its row in `schema_migrations`. A session advisory
// lock lets several nodes starting at once run them one at a time: the first applies, the others
// find them applied. Run at start-up and by `npx tearline migrate`. Files are never edited once
// released: a change is a new file.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Pool } from 'pg';

const DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');
/** Any fixed number: the advisory lock key of the migration runner. */
const MIGRATION_LOCK = 7_311_001;

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export function migrations(dir = DIR): Migration[] {
  const found = fs
    .readdirSync(dir)
    .filter((file) => /^\d{4}_[a-z0-9_]+\.sql$/.test(file))
    .sort()
    .map((file) => ({ version: Number(file.slice(0, 4)), name: file.slice(5, -4), sql: fs.readFileSync(path.join(dir, file), 'utf8') }));
  // Two branches each adding "the next" migration would otherwise both be skipped on a database
  // that recorded the first: refuse to start instead.
  const clash = found.find((migration, i) => i > 0 && found[i - 1]!.version === migration.version);
  if (clash) throw new Error(`Two schema migrations share version ${clash.version}: renumber one of them`);
  return found;
}

/** Applies the migrations not applied yet; returns their names, in order. */
export async function migrate(pool: Pool, pending = migrations()): Promise<string[]> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
        version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())`);
      const { rows } = await client.query<{ version: number }>('SELECT version FROM schema_migrations');
      const done = new Set(rows.map((row) => row.version));
      const applied: string[] = [];
      for (const migration of pending.filter((m) => !done.has(m.version))) {
        await client.query('BEGIN');
        try {
          await client.query(migration.sql);
          await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK');
          throw new Error(`PostgreSQL migration ${migration.version} (${migration.name}) failed: ${(error as Error).message}`, { cause: error });
        }
        applied.push(`${migration.version}_${migration.name}`);
      }
      return applied;
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
    }
  } finally {
    client.release();
  }
}
