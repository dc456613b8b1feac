// One node writes a SQLite file. A second Tearline started on the same data directory would serve
// beside the first, each with its own memory of the file: neither's clients would get the other's
// edits, nor its index the other's objects. So a node holds, while it runs, an exclusive lock on a
// file of its own beside the database: SQLite's (fcntl on POSIX, taken by a connection in
// EXCLUSIVE locking mode and never let go until it closes), which the kernel frees when the
// process dies, so a crash never leaves it held. Readers of tearline.db (`tearline audit verify`,
// an online backup) do not take it.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { ConfigError } from '../config';

/** Takes the data directory's lock; answers how to let it go. Throws ConfigError when another process holds it. */
export function lockDataDir(dir: string): () => void {
  fs.mkdirSync(dir, { recursive: true });
  const lock = new Database(path.join(dir, 'tearline.lock'), { timeout: 0 });
  try {
    lock.pragma('locking_mode = EXCLUSIVE');
    lock.exec('BEGIN EXCLUSIVE; COMMIT');
  } catch (error) {
    lock.close();
    if ((error as { code?: unknown }).code !== 'SQLITE_BUSY') throw error;
    throw new ConfigError(
      `Another Tearline process is serving TEARLINE_DATA_DIR (${dir}): one node writes a SQLite file. Stop it first, or give this one another TEARLINE_DATA_DIR.`,
    );
  }
  return () => lock.close();
}
