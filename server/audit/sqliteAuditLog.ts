// SQLite audit log (better-sqlite3, Database injected). Append-only twice over: the application
// only ever INSERTs, and triggers refuse UPDATE and DELETE on the table, so a bug cannot rewrite
// history; someone with the file can drop the triggers, which is what verification is for.
// `audit_head` records the last entry in the same transaction as each append, so removing the
// newest entries is detected too.
// Appends are grouped: those arriving within `groupMs` share one transaction (one fsync instead of
// one per join or leave), chained in the order they were made. When the storage refuses a write
// (a full disk), the entries stay queued in that order and are retried with a backoff; meanwhile
// appends are accepted into the queue, so whatever they record (a join, an export) goes on.
import type Database from 'better-sqlite3';
import type { Logger } from 'pino';
import { AUDIT_PAGE_MAX, type AuditAction } from '../../shared/rest';
import type { WriteOutcomes } from '../store/storageHealth';
import { chainEntry, type AuditDraft, type AuditEntry } from './entry';
import type { AuditLog, AuditPage, OpenSession } from './log';
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

export interface SqliteAuditOptions {
  /** Appends arriving within this many milliseconds share one transaction (2); 0: those made in the same tick. */
  groupMs?: number;
  /** Told whether each write succeeded (storage health). */
  outcomes?: WriteOutcomes;
  /** Where failed writes, and entries still unwritten at close, are reported. */
  log?: Pick<Logger, 'error' | 'info'>;
}

/** The first retry of a refused write waits this long, each further one twice as long, up to the maximum. */
const RETRY_MS = 100;
const RETRY_MAX_MS = 30_000;

/** Who is still recorded in a cell: joins not followed by a leave, since the last restart record. */
const SESSION_ACTIONS: readonly AuditAction[] = ['workspace.join', 'workspace.leave', 'membership.change'];

interface Queued {
  draft: AuditDraft & { at: string };
  resolve(entry: AuditEntry | undefined): void;
}

export function createSqliteAuditLog(db: Database.Database, clock: () => Date = () => new Date(), options: SqliteAuditOptions = {}): AuditLog {
  const { groupMs = 2, outcomes, log } = options;
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
  const sessionRows = db.prepare<[], AuditRow>(
    `SELECT ${COLUMNS} FROM audit_log WHERE action IN (${SESSION_ACTIONS.map((a) => `'${a}'`).join(', ')})
       AND seq > (SELECT coalesce(max(seq), 0) FROM audit_log WHERE action = 'server.restart') ORDER BY seq`,
  );

  // IMMEDIATE takes the write lock before reading the last hash, so two processes sharing the
  // file cannot both chain onto the same entry.
  const appendInTransaction = db.transaction((drafts: readonly AuditDraft[]): AuditEntry[] => {
    let previous = lastEntry.get() ?? null;
    return drafts.map((draft) => {
      const entry = chainEntry(previous, draft, clock());
      insert.run(toRow(entry));
      setHead.run({ seq: entry.seq, hash: entry.hash });
      previous = entry;
      return entry;
    });
  });

  const queue: Queued[] = [];
  let closed = false;
  /** The write that queued appends will join: a timer, or the end of this tick. */
  let scheduled: NodeJS.Timeout | 'tick' | undefined;
  /** Writes refused in a row: while any, appends are answered as soon as they are queued. */
  let refused = 0;

  const schedule = (ms: number) => {
    if (scheduled) return;
    if (ms === 0) {
      scheduled = 'tick';
      queueMicrotask(write);
    } else {
      // A retry must not keep a stopping process alive.
      scheduled = setTimeout(write, ms);
      if (refused > 0) scheduled.unref();
    }
  };
  const unschedule = () => {
    if (typeof scheduled === 'object') clearTimeout(scheduled);
    scheduled = undefined;
  };

  function write(): void {
    scheduled = undefined;
    const batch = queue.splice(0);
    if (batch.length === 0) return;
    let entries: AuditEntry[];
    try {
      entries = appendInTransaction.immediate(batch.map((queued) => queued.draft));
    } catch (error) {
      queue.unshift(...batch);
      outcomes?.wrote(error);
      refused++;
      const retryMs = Math.min(RETRY_MAX_MS, RETRY_MS * 2 ** (refused - 1));
      log?.error({ err: error, unwritten: queue.length, retryMs }, 'audit entries could not be written; kept in order and retried');
      for (const { resolve } of batch) resolve(undefined);
      schedule(retryMs);
      return;
    }
    outcomes?.wrote();
    if (refused > 0) log?.info({ written: batch.length }, 'audit entries kept during a storage fault are written');
    refused = 0;
    batch.forEach(({ resolve }, i) => resolve(entries[i]));
  }

  return {
    append(draft) {
      // A value that cannot be hashed fails its own append now, not the group it would join.
      canonicalJson(draft.detail ?? {});
      if (closed) {
        log?.error({ entry: draft }, 'audit entry made after the audit log closed could not be written');
        return Promise.resolve(undefined);
      }
      return new Promise((resolve) => {
        queue.push({ draft: { ...draft, at: draft.at ?? clock().toISOString() }, resolve });
        if (refused > 0) resolve(undefined);
        schedule(groupMs);
      });
    },
    async listForObject(objectId) {
      return aboutObject.all(objectId).map(fromRow);
    },
    async listForWorkspace(workspaceId, { afterSeq = 0, limit = AUDIT_PAGE_MAX }: AuditPage = {}) {
      const bounded = Math.max(1, Math.min(AUDIT_PAGE_MAX, Math.floor(limit)));
      return page.all(workspaceId, afterSeq, bounded).map(fromRow);
    },
    async sessionsLeftOpen() {
      const open = new Map<string, OpenSession>();
      for (const entry of mapIterable(sessionRows.iterate(), fromRow)) {
        const key = `${entry.workspaceId}\n${entry.actor.sub}`;
        const session = open.get(key) ?? { workspaceId: entry.workspaceId, actor: entry.actor, level: '', count: 0 };
        if (entry.action === 'workspace.join') {
          session.count++;
          session.level = String(entry.detail.level ?? session.level);
        } else if (entry.action === 'workspace.leave') {
          session.count = Math.max(0, session.count - 1);
        } else {
          session.level = String(entry.detail.to ?? session.level);
        }
        session.actor = entry.actor;
        open.set(key, session);
      }
      return [...open.values()].filter((session) => session.count > 0);
    },
    unwritten() {
      return queue.length;
    },
    async verify() {
      return verifySqliteAuditLog(db);
    },
    async close() {
      closed = true;
      unschedule();
      write();
      unschedule();
      if (queue.length === 0) return;
      // The entries are not lost silently: the server log keeps every one of them.
      log?.error({ entries: queue.map((queued) => queued.draft) }, 'audit entries could not be written before the server stopped');
      queue.length = 0;
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
