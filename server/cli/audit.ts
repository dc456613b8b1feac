// `npx tearline audit verify [--data-dir DIR]`: checks the hash chain of the stored audit log, in
// the SQLite file or, with TEARLINE_STORE=postgres, in the database at DATABASE_URL.
// Prints `OK (N entries)` and the head to anchor elsewhere, or the first tampered entry.
// Exit codes: 0 intact, 1 tampered, 2 usage error or no database.
import { existsSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { verifyPostgresAuditLog } from '../audit/postgresAuditLog';
import { verifySqliteAuditLog } from '../audit/sqliteAuditLog';
import type { VerifyResult } from '../audit/verify';
import { createPool } from '../store/pgPool';

const USAGE = 'usage: tearline audit verify [--data-dir DIR]   (default: $TEARLINE_DATA_DIR or ./data)';

export async function run(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const parsed = parseArgs(args, env);
  if ('error' in parsed) {
    console.error(parsed.error);
    console.error(USAGE);
    return 2;
  }
  if (env.TEARLINE_STORE === 'postgres') {
    if (!env.DATABASE_URL) {
      console.error('Set DATABASE_URL to the PostgreSQL database whose audit log to verify.');
      return 2;
    }
    const pool = createPool(env.DATABASE_URL);
    try {
      return report(await verifyPostgresAuditLog(pool));
    } finally {
      await pool.end();
    }
  }
  const file = path.join(parsed.dataDir, 'tearline.db');
  if (!existsSync(file)) {
    console.error(`No Tearline database at ${file}.`);
    return 2;
  }
  // Read-write open without creating anything: a read-only handle cannot always read a WAL file
  // while the server is down. Only SELECTs run.
  const db = new Database(file, { fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    return report(verifySqliteAuditLog(db));
  } finally {
    db.close();
  }
}

function report(result: VerifyResult): number {
  if (!result.ok) {
    console.log(`TAMPERED at entry ${result.seq}: ${result.reason}`);
    return 1;
  }
  console.log(`OK (${result.count} entries)`);
  if (result.head) console.log(`head: entry ${result.head.seq} ${result.head.hash}`);
  return 0;
}

function parseArgs(args: string[], env: NodeJS.ProcessEnv): { dataDir: string } | { error: string } {
  const [subcommand, ...rest] = args;
  if (subcommand !== 'verify') return { error: subcommand ? `Unknown audit command "${subcommand}".` : 'Name an audit command.' };
  let dataDir = env.TEARLINE_DATA_DIR || './data';
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    if (arg === '--data-dir') {
      const value = rest[++i];
      if (!value) return { error: '--data-dir needs a directory.' };
      dataDir = value;
    } else if (arg.startsWith('--data-dir=')) dataDir = arg.slice('--data-dir='.length);
    else return { error: `Unexpected argument "${arg}".` };
  }
  return { dataDir: path.resolve(dataDir) };
}
