// SQLite release requests (better-sqlite3, Database injected). Each request is stored whole as
// JSON, with the fields the queries need copied into indexed columns from the same object.
// A partial unique index allows one pending request per object, whatever the callers do.
import type Database from 'better-sqlite3';
import type { ReleaseRequest, ReleaseState } from '../../shared/release';
import type { PendingFilter, ReleaseRequestStore } from './requestStore';
import { writeTransaction } from '../store/sqliteTransaction';
import { alreadyPending, parse, parseRow, sortedPending, type Row } from './requestRows';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS release_requests (
  id TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL,
  object_id TEXT NOT NULL,
  originator TEXT NOT NULL,
  state TEXT NOT NULL,
  requested_ms INTEGER NOT NULL,
  deadline_ms INTEGER NOT NULL,
  body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS release_requests_pending ON release_requests (state, deadline_ms);
CREATE INDEX IF NOT EXISTS release_requests_by_workspace ON release_requests (workspace_id, requested_ms);
CREATE UNIQUE INDEX IF NOT EXISTS release_requests_one_pending ON release_requests (object_id) WHERE state = 'pending';
`;

/** Columns added after the table was first created: added to older files at open. */
const CLAIM_COLUMNS = ['claimed_by TEXT', 'claimed_until_ms INTEGER'];

const PENDING_ORDER = 'ORDER BY deadline_ms, requested_ms, id';

export function createSqliteReleaseRequestStore(db: Database.Database): ReleaseRequestStore {
  db.exec(SCHEMA);
  const columns = db.prepare<[], { name: string }>('PRAGMA table_info(release_requests)').all();
  for (const definition of CLAIM_COLUMNS) {
    if (!columns.some((c) => c.name === definition.split(' ')[0])) db.exec(`ALTER TABLE release_requests ADD COLUMN ${definition}`);
  }
  const insert = db.prepare(
    `INSERT INTO release_requests (id, workspace_id, object_id, originator, state, requested_ms, deadline_ms, body)
     VALUES (@id, @workspaceId, @objectId, @originator, @state, @requestedMs, @deadlineMs, @body)`,
  );
  const byId = db.prepare<[string], Row>('SELECT body FROM release_requests WHERE id = ?');
  const compareAndSet = db.prepare('UPDATE release_requests SET state = @state, body = @body WHERE id = @id AND state = @expected');
  const pending = db.prepare<{ workspaceId: string | null; originator: string | null }, Row>(
    `SELECT body FROM release_requests WHERE state = 'pending'
       AND (@workspaceId IS NULL OR workspace_id = @workspaceId)
       AND (@originator IS NULL OR originator = @originator) ${PENDING_ORDER}`,
  );
  const dueBy = db.prepare<[number], Row>(`SELECT body FROM release_requests WHERE state = 'pending' AND deadline_ms <= ? ${PENDING_ORDER}`);
  const claim = db.prepare<{ time: number; claimant: string; until: number }, Row>(
    `UPDATE release_requests SET claimed_by = @claimant, claimed_until_ms = @until
     WHERE state = 'pending' AND deadline_ms <= @time AND (claimed_until_ms IS NULL OR claimed_until_ms <= @time) RETURNING body`,
  );
  const soonest = db.prepare<[number], { deadline: number | null }>(
    "SELECT MIN(deadline_ms) AS deadline FROM release_requests WHERE state = 'pending' AND deadline_ms > ?",
  );
  const pendingOfObject = db.prepare<[string], Row>("SELECT body FROM release_requests WHERE state = 'pending' AND object_id = ?");
  const ofWorkspace = db.prepare<[string], Row>('SELECT body FROM release_requests WHERE workspace_id = ? ORDER BY requested_ms, id');

  // Each write in a transaction of its own: an I/O error of its COMMIT is told from one of its
  // statement (server/store/sqliteTransaction.ts), so a request that may still be stored is not
  // answered as surely not.
  const insertOne = writeTransaction(db, (row: Record<string, unknown>) => insert.run(row));
  const setState = writeTransaction(db, (row: Record<string, unknown>) => compareAndSet.run(row).changes === 1);

  return {
    async insert(request) {
      try {
        insertOne({
          id: request.id,
          workspaceId: request.workspaceId,
          objectId: request.objectId,
          originator: request.originator,
          state: request.state,
          requestedMs: Date.parse(request.requestedAt),
          deadlineMs: Date.parse(request.deadline),
          body: JSON.stringify(request),
        });
      } catch (error) {
        if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') throw alreadyPending();
        throw error;
      }
    },
    async get(id) {
      return parse(byId.get(id));
    },
    async update(request, expected: ReleaseState) {
      return setState({ id: request.id, state: request.state, body: JSON.stringify(request), expected });
    },
    async listPending(filter: PendingFilter = {}) {
      return pending.all({ workspaceId: filter.workspaceId ?? null, originator: filter.originator ?? null }).map(parseRow);
    },
    async pendingDueBy(time) {
      return dueBy.all(time.getTime()).map(parseRow);
    },
    async claimDue(time, claimant, leaseMs) {
      return sortedPending(claim.all({ time: time.getTime(), claimant, until: time.getTime() + leaseMs }).map(parseRow));
    },
    async nextDeadline(after) {
      const { deadline } = soonest.get(after ? after.getTime() : Number.MIN_SAFE_INTEGER) ?? { deadline: null };
      return deadline === null ? undefined : new Date(deadline);
    },
    async pendingForObject(objectId) {
      return parse(pendingOfObject.get(objectId));
    },
    async listForWorkspace(workspaceId) {
      return ofWorkspace.all(workspaceId).map(parseRow);
    },
  };
}
