// A SQLite COMMIT that fails, without a VFS of our own: better-sqlite3's statements are spied on,
// and the COMMIT statement throws instead of committing. better-sqlite3 then rolls back, as SQLite
// itself does after an I/O error of the COMMIT, so the connection reads what it would.
import Database from 'better-sqlite3';
import { vi } from 'vitest';

/**
 * The COMMIT on `db` of the next transaction that runs a statement matching `after` (any
 * transaction when absent) throws `error`. Restores earlier spies first: one fault at a time.
 */
export function failCommit(db: Database.Database, error: Error, after = /(?:)/): void {
  vi.restoreAllMocks();
  const statement = Object.getPrototypeOf(db.prepare('SELECT 1')) as Database.Statement;
  let state: 'waiting' | 'armed' | 'done' = 'waiting';
  for (const method of ['run', 'get'] as const) {
    const original = statement[method] as (...args: unknown[]) => unknown;
    vi.spyOn(statement, method).mockImplementation(function (this: Database.Statement, ...args: unknown[]) {
      if (this.database === db && state === 'waiting' && after.test(this.source)) state = 'armed';
      if (this.database === db && state === 'armed' && this.source === 'COMMIT') {
        state = 'done';
        throw error;
      }
      return original.apply(this, args);
    } as never);
  }
}

/** What better-sqlite3 throws when the fsync of the WAL fails at a COMMIT. */
export const fsyncFailed = () => new Database.SqliteError('disk I/O error', 'SQLITE_IOERR_FSYNC');
