// PostgreSQL audit log: the same one hash chain as the SQLite log, with writers on several nodes.
// Each grouped append takes a transaction advisory lock on the chain before reading its last
// entry, so appends from every node chain one after the other and never onto the same entry; the
// lock goes with the commit. The tables (migrations/0001_initial.sql) refuse UPDATE and DELETE by
// trigger, and `audit_head` records the last entry in the same transaction, as in SQLite.
import { AUDIT_PAGE_MAX } from '../../shared/rest';
import { transaction, type Pool, type PoolClient } from '../store/pgPool';
import type { PostgresAuditChain } from '../store/postgresStore';
import type { AuditTurns } from '../store/types';
import { chainEntry, type AuditDraft, type AuditEntry } from './entry';
import { groupedAppends, type AuditAppendOptions } from './groupedAppends';
import type { AuditLog, AuditPage, QueuedDrafts } from './log';
import { AUDIT_COLUMNS, fromRow, openSessions, SESSION_ACTIONS, toRow, type AuditRow } from './rows';
import { verifyChain, type ChainHead, type VerifyResult } from './verify';

/** Any fixed number: the advisory lock key of the audit chain. */
const CHAIN_LOCK = 7_311_002;

/**
 * Chains drafts after the current last entry, in the caller's transaction on `client`: an append's
 * own, or a store's (a re-mark's entry commits with the re-mark, server/store/postgresStore.ts).
 * The chain's lock is held until that transaction ends: take it last, after any row lock.
 */
export async function appendChained(client: PoolClient, drafts: readonly AuditDraft[], clock: () => Date = () => new Date()): Promise<AuditEntry[]> {
  await client.query('SELECT pg_advisory_xact_lock($1)', [CHAIN_LOCK]);
  const last = await client.query<ChainHead>('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1');
  let previous: ChainHead | null = last.rows[0] ?? null;
  const entries = drafts.map((draft) => {
    const entry = chainEntry(previous, draft, clock());
    previous = entry;
    return entry;
  });
  await insertEntries(client, entries);
  const head = entries.at(-1)!;
  await client.query(
    'INSERT INTO audit_head (id, seq, hash) VALUES (1, $1, $2) ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash',
    [head.seq, head.hash],
  );
  return entries;
}

/**
 * A store's side of the log in the same database (PostgresStore.auditWith): its records are chained
 * in its transaction, in `log`'s turn, after what `log` holds queued, in one insert. That goes in a
 * savepoint: if the storage refuses it (an entry it will not take, a statement timeout on a long
 * backlog), the records are chained alone and the queued entries stay queued.
 */
export function postgresAuditTurns(log: Pick<AuditLog, 'withQueued'>, clock: () => Date = () => new Date()): AuditTurns<PostgresAuditChain> {
  return {
    inTurn: (write) =>
      log.withQueued((queued) =>
        write(async (client, records) => {
          if (queued.drafts.length > 0 && (await chainedAfterQueued(client, queued, records, clock))) return;
          await appendChained(client, records, clock);
        }),
      ),
  };
}

/** Chains `queued` then `records` in a savepoint; false (rolled back to it) when the storage refused them. */
async function chainedAfterQueued(client: PoolClient, queued: QueuedDrafts, records: readonly AuditDraft[], clock: () => Date): Promise<boolean> {
  await client.query('SAVEPOINT audit_queued');
  let entries: AuditEntry[];
  try {
    entries = await appendChained(client, [...queued.drafts, ...records], clock);
  } catch (error) {
    // A connection that cannot even roll back to the savepoint fails the whole write.
    await client.query('ROLLBACK TO SAVEPOINT audit_queued');
    queued.refused(error);
    return false;
  }
  await client.query('RELEASE SAVEPOINT audit_queued');
  queued.chained(entries.slice(0, queued.drafts.length));
  return true;
}

export function createPostgresAuditLog(pool: Pool, clock: () => Date = () => new Date(), options: AuditAppendOptions = {}): AuditLog {
  const appendInTransaction = (drafts: readonly AuditDraft[]) => transaction(pool, (client) => appendChained(client, drafts, clock));

  return {
    ...groupedAppends(appendInTransaction, clock, options),
    async listForObject(objectId) {
      const { rows } = await pool.query<AuditRow>(`SELECT ${AUDIT_COLUMNS} FROM audit_log WHERE object_id = $1 ORDER BY seq`, [objectId]);
      return rows.map(fromRow);
    },
    async listForWorkspace(workspaceId, { afterSeq = 0, limit = AUDIT_PAGE_MAX }: AuditPage = {}) {
      const bounded = Math.max(1, Math.min(AUDIT_PAGE_MAX, Math.floor(limit)));
      const { rows } = await pool.query<AuditRow>(`SELECT ${AUDIT_COLUMNS} FROM audit_log WHERE workspace_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`, [
        workspaceId,
        afterSeq,
        bounded,
      ]);
      return rows.map(fromRow);
    },
    async sessionsLeftOpen(node?: string) {
      const { rows } = await pool.query<AuditRow>(
        `SELECT ${AUDIT_COLUMNS} FROM audit_log WHERE action = ANY($1::text[])
           AND seq > (SELECT coalesce(max(seq), 0) FROM audit_log WHERE action = 'server.restart' AND (detail::jsonb ->> 'node') IS NOT DISTINCT FROM $2) ORDER BY seq`,
        [SESSION_ACTIONS, node ?? null],
      );
      return openSessions(rows.map(fromRow), node);
    },
    verify: () => verifyPostgresAuditLog(pool),
  };
}

async function insertEntries(client: PoolClient, entries: readonly AuditEntry[]): Promise<void> {
  const rows = entries.map(toRow);
  await client.query(
    `INSERT INTO audit_log (${AUDIT_COLUMNS})
     SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[])`,
    [
      rows.map((r) => r.seq),
      rows.map((r) => r.at),
      rows.map((r) => r.workspace_id),
      rows.map((r) => r.actor_sub),
      rows.map((r) => r.actor_nation),
      rows.map((r) => r.action),
      rows.map((r) => r.object_id),
      rows.map((r) => r.detail),
      rows.map((r) => r.prev_hash),
      rows.map((r) => r.hash),
    ],
  );
}

/** Verifies the stored chain and its recorded head in one read-only snapshot (safe beside live nodes). */
export function verifyPostgresAuditLog(pool: Pool): Promise<VerifyResult> {
  return transaction(
    pool,
    async (client) => {
      const head = (await client.query<ChainHead>('SELECT seq, hash FROM audit_head WHERE id = 1')).rows[0] ?? null;
      const { rows } = await client.query<AuditRow>(`SELECT ${AUDIT_COLUMNS} FROM audit_log ORDER BY seq`);
      return verifyChain(rows.map(fromRow), { head });
    },
    'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY',
  );
}
