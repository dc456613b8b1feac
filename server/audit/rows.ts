// Audit rows as both logs store them (the same columns in SQLite and PostgreSQL), and what is read
// back from them.
import type { AuditAction } from '../../shared/rest';
import { canonicalJson } from './canonicalJson';
import type { AuditEntry } from './entry';
import type { OpenSession } from './log';

export const AUDIT_COLUMNS = 'seq, at, workspace_id, actor_sub, actor_nation, action, object_id, detail, prev_hash, hash';

/** Who is still recorded in a cell: joins not followed by a leave, since the last restart record. */
export const SESSION_ACTIONS: readonly AuditAction[] = ['workspace.join', 'workspace.leave', 'membership.change'];

export interface AuditRow {
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

export function toRow(entry: AuditEntry): AuditRow {
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

export function fromRow(row: AuditRow): AuditEntry {
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

export function* mapIterable<T, U>(source: Iterable<T>, map: (item: T) => U): Iterable<U> {
  for (const item of source) yield map(item);
}

/**
 * The sessions `entries` (SESSION_ACTIONS since the last restart, in seq order) leave open: of
 * `node` (joins and leaves recorded with it), or of a single node (recorded without one).
 */
export function openSessions(entries: Iterable<AuditEntry>, node?: string): OpenSession[] {
  const open = new Map<string, OpenSession>();
  for (const entry of entries) {
    if (entry.action !== 'membership.change' && entry.detail.node !== node) continue;
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
}
