// One audit entry and its hash. The log is a single chain across the whole server: entry `seq`
// holds the hash of entry `seq - 1` (entry 1 holds GENESIS_HASH), and its own hash covers every
// other field, so changing, removing or reordering any stored entry breaks the chain at that entry.
import { createHash } from 'node:crypto';
import type { AuditAction, AuditActor, AuditView, Json } from '../../shared/rest';
import { canonicalJson } from './canonicalJson';
import { storableDraft } from './storableDraft';

export const SYSTEM_ACTOR: AuditActor = { sub: 'system', nation: null };

export const GENESIS_HASH = '0'.repeat(64);

/** A stored entry: what readers may see of it (AuditView), its place in the chain and its hash. */
export interface AuditEntry extends AuditView {
  seq: number;
  prevHash: string;
  hash: string;
}

/** What a caller supplies; the log assigns seq and the hashes. `at` defaults to now. */
export interface AuditDraft {
  workspaceId: string;
  actor: AuditActor;
  action: AuditAction;
  objectId?: string | null;
  detail?: { [key: string]: Json };
  at?: string;
}

/** SHA-256 (hex) over the canonical JSON of every field except `hash`. */
export function hashEntry(entry: Omit<AuditEntry, 'hash'>): string {
  const { seq, at, workspaceId, actor, action, objectId, detail, prevHash } = entry;
  const canonical = canonicalJson({
    seq,
    at,
    workspaceId,
    actor: { sub: actor.sub, nation: actor.nation },
    action,
    objectId,
    detail,
    prevHash,
  });
  return createHash('sha256').update(canonical).digest('hex');
}

/**
 * The entry that follows `previous` (null for the first entry of the log). Text neither engine
 * stores as it is (U+0000, other control characters, unpaired surrogates) is escaped first, so the
 * stored entry is the hashed one and PostgreSQL never refuses it (storableDraft.ts).
 */
export function chainEntry(previous: { seq: number; hash: string } | null, given: AuditDraft, now: Date): AuditEntry {
  const draft = storableDraft(given) ?? given;
  const unhashed: Omit<AuditEntry, 'hash'> = {
    seq: previous ? previous.seq + 1 : 1,
    at: draft.at ?? now.toISOString(),
    workspaceId: draft.workspaceId,
    actor: { sub: draft.actor.sub, nation: draft.actor.nation },
    action: draft.action,
    objectId: draft.objectId ?? null,
    detail: draft.detail ?? {},
    prevHash: previous ? previous.hash : GENESIS_HASH,
  };
  return { ...unhashed, hash: hashEntry(unhashed) };
}
