// SQLite audit log (better-sqlite3, Database injected). Append-only twice over: the application
// only ever INSERTs, and triggers refuse UPDATE and DELETE on the table, so a bug cannot rewrite
// history; someone with the file can drop the triggers, which is what verification is for.
// `audit_head` records the last entry in the same transaction as each append, so removing the
// newest entries is detected too.
// Appends are grouped and retried as ./groupedAppends.ts says.
import type Database from 'better-sqlite3';
import { AUDIT_PAGE_MAX } from '../../shared/rest';
import type { SqliteAuditChain } from '../store/sqliteStore';
import type { AuditTurns } from '../store/types';
import { chainEntry, type AuditDraft, type AuditEntry } from './entry';
import { groupedAppends, type AuditAppendOptions } from './groupedAppends';
import type { AuditLog, AuditPage } from './log';
import { AUDIT_COLUMNS, fromRow, mapIterable, openSessions, SESSION_ACTIONS, toRow, type AuditRow } from './rows';
import { verifyChain, type ChainHead, type VerifyResult } from './verify';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS audit_log (
  seq INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  workspace_id TEXT NOT NULL,
  actor_sub TEXT NOT NULL,
  actor_nation TEXT,
  action TEXT NOT NULL,
  object_id TEXT,
  detail TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_log_by_workspace ON audit_log (workspace_id, seq);
CREATE INDEX IF NOT EXISTS audit_log_by_object ON audit_log (object_id, seq);
CREATE INDEX IF NOT EXISTS audit_log_by_action ON audit_log (action, seq);
CREATE TABLE IF NOT EXISTS audit_head (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  seq INTEGER NOT NULL,
  hash TEXT NOT NULL
);
CREATE TRIGGER IF NOT EXISTS audit_log_no_update BEFORE UPDATE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_log_no_delete BEFORE DELETE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
`;

/**
 * Chains drafts after the current last entry, in the caller's transaction: an append's own, or a
 * store's (a re-mark's entry commits with the re-mark, server/store/sqliteStore.ts). Creates the
 * tables when absent.
 */
export function sqliteAuditChain(db: Database.Database, clock: () => Date = () => new Date()): (drafts: readonly AuditDraft[]) => AuditEntry[] {
  db.exec(SCHEMA);
  const lastEntry = db.prepare<[], ChainHead>('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1');
  const insert = db.prepare(
    `INSERT INTO audit_log (${AUDIT_COLUMNS}) VALUES (@seq, @at, @workspace_id, @actor_sub, @actor_nation, @action, @object_id, @detail, @prev_hash, @hash)`,
  );
  const setHead = db.prepare(
    'INSERT INTO audit_head (id, seq, hash) VALUES (1, @seq, @hash) ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash',
  );
  return (drafts) => {
    let previous = lastEntry.get() ?? null;
    return drafts.map((draft) => {
      const entry = chainEntry(previous, draft, clock());
      insert.run(toRow(entry));
      setHead.run({ seq: entry.seq, hash: entry.hash });
      previous = entry;
      return entry;
    });
  };
}

/**
 * A store's side of the log on the same file (SqliteStore.auditWith): its records are chained in
 * its transaction, in `log`'s turn, after what `log` holds queued. That goes in a savepoint: if the
 * storage refuses it (an entry it will not take), the records are chained alone and the queued
 * entries stay queued.
 */
export function sqliteAuditTurns(db: Database.Database, log: Pick<AuditLog, 'withQueued'>, clock: () => Date = () => new Date()): AuditTurns<SqliteAuditChain> {
  const chain = sqliteAuditChain(db, clock);
  // Nested in the store's transaction, better-sqlite3 makes this a savepoint.
  const inSavepoint = db.transaction(chain);
  return {
    inTurn: (write) =>
      log.withQueued((queued) =>
        write((records) => {
          if (queued.drafts.length > 0) {
            try {
              queued.chained(inSavepoint([...queued.drafts, ...records]).slice(0, queued.drafts.length));
              return;
            } catch (error) {
              // A fault that ended the whole transaction (SQLite rolls back on some I/O errors) ends the write too.
              if (!db.inTransaction) throw error;
              queued.refused(error);
            }
          }
          chain(records);
        }),
      ),
  };
}

export function createSqliteAuditLog(db: Database.Database, clock: () => Date = () => new Date(), options: AuditAppendOptions = {}): AuditLog {
  // IMMEDIATE takes the write lock before reading the last hash, so two processes sharing the
  // file cannot both chain onto the same entry.
  const appendInTransaction = db.transaction(sqliteAuditChain(db, clock));
  const page = db.prepare<[string, number, number], AuditRow>(
    `SELECT ${AUDIT_COLUMNS} FROM audit_log WHERE workspace_id = ? AND seq > ? ORDER BY seq LIMIT ?`,
  );
  const aboutObject = db.prepare<[string], AuditRow>(`SELECT ${AUDIT_COLUMNS} FROM audit_log WHERE object_id = ? ORDER BY seq`);
  // The same contract as PostgreSQL's: since the last restart of `node` (none: of a single node).
  const sessionRows = db.prepare<[string | null], AuditRow>(
    `SELECT ${AUDIT_COLUMNS} FROM audit_log WHERE action IN (${SESSION_ACTIONS.map((a) => `'${a}'`).join(', ')})
       AND seq > (SELECT coalesce(max(seq), 0) FROM audit_log WHERE action = 'server.restart' AND json_extract(detail, '$.node') IS ?) ORDER BY seq`,
  );

  return {
    ...groupedAppends((drafts) => appendInTransaction.immediate(drafts), clock, options),
    async listForObject(objectId) {
      return aboutObject.all(objectId).map(fromRow);
    },
    async listForWorkspace(workspaceId, { afterSeq = 0, limit = AUDIT_PAGE_MAX }: AuditPage = {}) {
      const bounded = Math.max(1, Math.min(AUDIT_PAGE_MAX, Math.floor(limit)));
      return page.all(workspaceId, afterSeq, bounded).map(fromRow);
    },
    async sessionsLeftOpen(node?: string) {
      return openSessions(mapIterable(sessionRows.iterate(node ?? null), fromRow), node);
    },
    async verify() {
      return verifySqliteAuditLog(db);
    },
  };
}

/**
 * Verifies the stored chain and its recorded head, reading only (the CLI runs it beside a live
 * server). One read transaction, so a concurrent append cannot make the head and chain disagree.
 * A database without an audit log verifies as empty.
 */
export function verifySqliteAuditLog(db: Database.Database): VerifyResult {
  const read = db.transaction((): VerifyResult => {
    const hasLog = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'audit_log'").get();
    if (!hasLog) return { ok: true, count: 0, head: null };
    const head = db.prepare<[], ChainHead>('SELECT seq, hash FROM audit_head WHERE id = 1').get() ?? null;
    const rows = db.prepare<[], AuditRow>(`SELECT ${AUDIT_COLUMNS} FROM audit_log ORDER BY seq`).iterate();
    return verifyChain(mapIterable(rows, fromRow), { head });
  });
  return read.deferred();
}

