// SQLite audit log (better-sqlite3, Database injected). Append-only twice over: the application
// only ever INSERTs, and triggers refuse UPDATE and DELETE on the table, so a bug cannot rewrite
// history; someone with the file can drop the triggers, which is what verification is for.
// `audit_head` records the last entry in the same transaction as each append, so removing the
// newest entries is detected too.
import type Database from 'better-sqlite3';
import { AUDIT_PAGE_MAX, type AuditAction } from '../../shared/rest';
import { chainEntry, type AuditDraft, type AuditEntry } from './entry';
import type { AuditLog, AuditPage } from './log';
import { verifyChain, type ChainHead, type VerifyResult } from './verify';
import { canonicalJson } from './canonicalJson';

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

interface AuditRow {
  seq: number;
  at: string;
  workspace_id: string;
  actor_sub: string;
  actor_nation: string | null;
  action: string;
  object_id: string | null;
  detail: string;
  prev_hash: string;
  hash: string;
}

const COLUMNS = 'seq, at, workspace_id, actor_sub, actor_nation, action, object_id, detail, prev_hash, hash';

export function createSqliteAuditLog(db: Database.Database, clock: () => Date = () => new Date()): AuditLog {
  db.exec(SCHEMA);
  const lastEntry = db.prepare<[], ChainHead>('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1');
  const insert = db.prepare(
    `INSERT INTO audit_log (${COLUMNS}) VALUES (@seq, @at, @workspace_id, @actor_sub, @actor_nation, @action, @object_id, @detail, @prev_hash, @hash)`,
  );
  const setHead = db.prepare(
    'INSERT INTO audit_head (id, seq, hash) VALUES (1, @seq, @hash) ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash',
  );
  const page = db.prepare<[string, number, number], AuditRow>(
    `SELECT ${COLUMNS} FROM audit_log WHERE workspace_id = ? AND seq > ? ORDER BY seq LIMIT ?`,
  );
  const aboutObject = db.prepare<[string], AuditRow>(`SELECT ${COLUMNS} FROM audit_log WHERE object_id = ? ORDER BY seq`);

  // IMMEDIATE takes the write lock before reading the last hash, so two processes sharing the
  // file cannot both chain onto the same entry.
  const appendInTransaction = db.transaction((draft: AuditDraft): AuditEntry => {
    const entry = chainEntry(lastEntry.get() ?? null, draft, clock());
    insert.run(toRow(entry));
    setHead.run({ seq: entry.seq, hash: entry.hash });
    return entry;
  });

  return {
    async append(draft) {
      return appendInTransaction.immediate(draft);
    },
    async listForObject(objectId) {
      return aboutObject.all(objectId).map(fromRow);
    },
    async listForWorkspace(workspaceId, { afterSeq = 0, limit = AUDIT_PAGE_MAX }: AuditPage = {}) {
      const bounded = Math.max(1, Math.min(AUDIT_PAGE_MAX, Math.floor(limit)));
      return page.all(workspaceId, afterSeq, bounded).map(fromRow);
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
    const rows = db.prepare<[], AuditRow>(`SELECT ${COLUMNS} FROM audit_log ORDER BY seq`).iterate();
    return verifyChain(mapIterable(rows, fromRow), { head });
  });
  return read.deferred();
}

function toRow(entry: AuditEntry): AuditRow {
  return {
    seq: entry.seq,
    at: entry.at,
    workspace_id: entry.workspaceId,
    actor_sub: entry.actor.sub,
    actor_nation: entry.actor.nation,
    action: entry.action,
    object_id: entry.objectId,
    detail: canonicalJson(entry.detail),
    prev_hash: entry.prevHash,
    hash: entry.hash,
  };
}

function fromRow(row: AuditRow): AuditEntry {
  return {
    seq: row.seq,
    at: row.at,
    workspaceId: row.workspace_id,
    actor: { sub: row.actor_sub, nation: row.actor_nation },
    // Not validated against AUDIT_ACTIONS on purpose: a forged action must reach verifyChain,
    // which reports it as an altered entry, rather than fail the read.
    action: row.action as AuditAction,
    objectId: row.object_id,
    detail: parseDetail(row.detail),
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

// A hand-edited row may hold text that is not JSON; keeping it (wrapped) lets verification report
// the entry as altered instead of failing to read the log.
function parseDetail(text: string): AuditEntry['detail'] {
  try {
    return JSON.parse(text) as AuditEntry['detail'];
  } catch {
    return { unreadable: text };
  }
}

function* mapIterable<T, U>(source: Iterable<T>, map: (item: T) => U): Iterable<U> {
  for (const item of source) yield map(item);
}
