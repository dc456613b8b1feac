// PostgreSQL release requests, shared by every node: the same table as SQLite's (request whole as
// JSON, queried fields copied into indexed columns, one pending request per object by a partial
// unique index). `claimDue` takes due requests with FOR UPDATE SKIP LOCKED, so nodes claiming at
// once each get their own and none waits for another.
import type { ReleaseRequest, ReleaseState } from '../../shared/release';
import type { Pool } from '../store/pgPool';
import type { PendingFilter, ReleaseRequestStore } from './requestStore';
import { alreadyPending, parse, parseRow, sortedPending, type Row } from './requestRows';

const PENDING_ORDER = 'ORDER BY deadline_ms, requested_ms, id COLLATE "C"';
/** PostgreSQL's unique_violation. */
const UNIQUE_VIOLATION = '23505';

export function createPostgresReleaseRequestStore(pool: Pool): ReleaseRequestStore {
  const bodies = async (sql: string, values: unknown[]): Promise<ReleaseRequest[]> => (await pool.query<Row>(sql, values)).rows.map(parseRow);
  return {
    async insert(request) {
      try {
        await pool.query(
          `INSERT INTO release_requests (id, workspace_id, object_id, originator, state, requested_ms, deadline_ms, body)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
          [
            request.id,
            request.workspaceId,
            request.objectId,
            request.originator,
            request.state,
            Date.parse(request.requestedAt),
            Date.parse(request.deadline),
            JSON.stringify(request),
          ],
        );
      } catch (error) {
        if ((error as { code?: string }).code === UNIQUE_VIOLATION) throw alreadyPending();
        throw error;
      }
    },
    async get(id) {
      return parse((await pool.query<Row>('SELECT body FROM release_requests WHERE id = $1', [id])).rows[0]);
    },
    async update(request, expected: ReleaseState) {
      const result = await pool.query('UPDATE release_requests SET state = $2, body = $3 WHERE id = $1 AND state = $4', [
        request.id,
        request.state,
        JSON.stringify(request),
        expected,
      ]);
      return result.rowCount === 1;
    },
    async listPending(filter: PendingFilter = {}) {
      return bodies(
        `SELECT body FROM release_requests WHERE state = 'pending'
           AND ($1::text IS NULL OR workspace_id = $1) AND ($2::text IS NULL OR originator = $2) ${PENDING_ORDER}`,
        [filter.workspaceId ?? null, filter.originator ?? null],
      );
    },
    async pendingDueBy(time) {
      return bodies(`SELECT body FROM release_requests WHERE state = 'pending' AND deadline_ms <= $1 ${PENDING_ORDER}`, [time.getTime()]);
    },
    async claimDue(time, claimant, leaseMs) {
      const now = time.getTime();
      const claimed = await bodies(
        `UPDATE release_requests SET claimed_by = $2, claimed_until_ms = $3 WHERE id IN (
           SELECT id FROM release_requests WHERE state = 'pending' AND deadline_ms <= $1
             AND (claimed_until_ms IS NULL OR claimed_until_ms <= $1) FOR UPDATE SKIP LOCKED)
         RETURNING body`,
        [now, claimant, now + leaseMs],
      );
      return sortedPending(claimed);
    },
    async nextDeadline(after) {
      const { rows } = await pool.query<{ deadline: number | null }>(
        "SELECT MIN(deadline_ms) AS deadline FROM release_requests WHERE state = 'pending' AND deadline_ms > $1",
        [after ? after.getTime() : Number.MIN_SAFE_INTEGER],
      );
      const deadline = rows[0]?.deadline ?? null;
      return deadline === null ? undefined : new Date(deadline);
    },
    async pendingForObject(objectId) {
      return parse((await pool.query<Row>("SELECT body FROM release_requests WHERE state = 'pending' AND object_id = $1", [objectId])).rows[0]);
    },
    async listForWorkspace(workspaceId) {
      return bodies(`SELECT body FROM release_requests WHERE workspace_id = $1 ORDER BY requested_ms, id COLLATE "C"`, [workspaceId]);
    },
  };
}
