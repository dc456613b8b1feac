// A SQLite write transaction that tells a failed COMMIT from a failed body. better-sqlite3 rolls
// back either way, and this connection then reads the file without the transaction. But in WAL
// mode a COMMIT that fails with SQLITE_IOERR (an fsync refused, a write half done) may have left
// the whole transaction in the WAL file, commit mark included: SQLite leaves it out of the
// wal-index, the next commit writes over it and a clean close discards it, yet a process that dies
// before either brings it back at the next open (measured with fsync failing on the WAL: see
// docs/deployment.md, "One node on SQLite"). So that outcome is unknown, and said so (CommitOutcomeUnknown).
// SQLITE_FULL at COMMIT leaves no complete commit frame: nothing saved, as a failed body.
import type Database from 'better-sqlite3';
import { CommitOutcomeUnknown } from '../errors';

/** Whether a COMMIT's error may leave the transaction on disk after all (SQLITE_IOERR and its extended codes). */
function mayHaveLanded(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_IOERR');
}

/**
 * `db.transaction(body)`, built once, except that an I/O error of its COMMIT (after `body`
 * returned, outside any enclosing transaction) throws CommitOutcomeUnknown with that error as cause.
 */
export function writeTransaction<A extends unknown[], R>(db: Database.Database, body: (...args: A) => R): (...args: A) => R {
  // The call whose body returned last: a per-call token, so a nested call of the same wrapper
  // cannot pass for the outer one's body.
  let returned: object | undefined;
  const transaction = db.transaction((call: object, args: A): R => {
    const result = body(...args);
    returned = call;
    return result;
  });
  return (...args: A): R => {
    const call = {};
    const outermost = !db.inTransaction;
    try {
      return transaction(call, args);
    } catch (error) {
      throw outermost && returned === call && mayHaveLanded(error) ? new CommitOutcomeUnknown(error) : error;
    }
  };
}
