// server/store/sqliteTransaction.ts: a failed COMMIT is told from a failed body. Only an I/O error
// of the COMMIT itself leaves the outcome unknown (the transaction may still be in the WAL file);
// every failure rolls back what this connection reads, and leaves it out of any transaction.
import Database from 'better-sqlite3';
import { afterEach, expect, test, vi } from 'vitest';
import { CommitOutcomeUnknown, isStorageFault, toProtocolError } from '../../server/errors';
import { writeTransaction } from '../../server/store/sqliteTransaction';
import { failCommit, fsyncFailed } from '../helpers/sqliteFaults';

afterEach(() => {
  vi.restoreAllMocks();
});

function table() {
  const db = new Database(':memory:');
  db.exec('CREATE TABLE t (v TEXT)');
  const insert = db.prepare('INSERT INTO t VALUES (?)');
  const rows = () => db.prepare<[], { v: string }>('SELECT v FROM t').all().map((row) => row.v);
  return { db, insert, rows };
}

test('an I/O error of the COMMIT: outcome unknown, answered as such; this connection reads it rolled back', () => {
  const { db, insert, rows } = table();
  const write = writeTransaction(db, (v: string) => insert.run(v));
  write('kept');
  const fsync = fsyncFailed();
  failCommit(db, fsync);
  let thrown: unknown;
  try {
    write('unconfirmed');
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(CommitOutcomeUnknown);
  expect((thrown as Error).cause).toBe(fsync);
  expect(isStorageFault(thrown)).toBe(true);
  expect(toProtocolError(thrown)).toEqual({ code: 'unavailable', message: expect.stringMatching(/^The server's storage failed while confirming this request, so it may or may not have been saved/) });
  expect(db.inTransaction).toBe(false);
  expect(rows()).toEqual(['kept']);
});

test('an I/O error of the body, or a full disk at the COMMIT: nothing saved, the error as it was', () => {
  const { db, insert, rows } = table();
  const body = new Database.SqliteError('disk I/O error', 'SQLITE_IOERR_WRITE');
  const half = writeTransaction(db, () => {
    insert.run('half');
    throw body;
  });
  expect(() => half()).toThrow(body);
  const full = new Database.SqliteError('database or disk is full', 'SQLITE_FULL');
  failCommit(db, full);
  expect(() => writeTransaction(db, () => insert.run('no room'))()).toThrow(full);
  expect(toProtocolError(full).message).toMatch(/storage is full or failing, so nothing of this request was saved/);
  expect(db.inTransaction).toBe(false);
  expect(rows()).toEqual([]);
});

test('a COMMIT SQLite itself refuses (a deferred constraint) leaves the transaction open: it is rolled back, and the next write is a transaction of its own', () => {
  const { db, insert, rows } = table();
  db.exec('CREATE TABLE parent (id INTEGER PRIMARY KEY); CREATE TABLE child (parent INTEGER REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED)');
  db.pragma('foreign_keys = ON');
  const orphan = writeTransaction(db, () => {
    insert.run('with the orphan');
    db.prepare('INSERT INTO child VALUES (1)').run();
  });
  expect(() => orphan()).toThrow(expect.objectContaining({ code: 'SQLITE_CONSTRAINT_FOREIGNKEY' }));
  expect(db.inTransaction).toBe(false);
  writeTransaction(db, (v: string) => insert.run(v))('alone');
  expect(rows()).toEqual(['alone']);
});

test('a lock another program holds answers unavailable, saying so', () => {
  const busy = new Database.SqliteError('database is locked', 'SQLITE_BUSY');
  expect(isStorageFault(busy)).toBe(true);
  expect(toProtocolError(busy)).toEqual({ code: 'unavailable', message: expect.stringMatching(/another program holds its database file, so nothing of this request was saved/) });
  expect(toProtocolError(new Database.SqliteError('database table is locked', 'SQLITE_LOCKED_SHAREDCACHE')).code).toBe('unavailable');
  expect(toProtocolError(new Database.SqliteError('database disk image is malformed', 'SQLITE_CORRUPT')).code).toBe('internal');
});
