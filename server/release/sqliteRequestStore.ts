// SQLite release requests (better-sqlite3, Database injected). Each request is stored whole as
// JSON, with the fields the queries need copied into indexed columns from the same object.
// A partial unique index allows one pending request per object, whatever the callers do.
import type Database from 'better-sqlite3';
import { TearlineError } from '../errors';
import type { ReleaseRequest, ReleaseState } from '../../shared/release';
import type { PendingFilter, ReleaseRequestStore } from './requestStore';

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

interface Row {
  body: string;
}

const PENDING_ORDER = 'ORDER BY deadline_ms, requested_ms, id';

export function createSqliteReleaseRequestStore(db: Database.Database): ReleaseRequestStore {
  db.exec(SCHEMA);
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
  const soonest = db.prepare<[number], { deadline: number | null }>(
    "SELECT MIN(deadline_ms) AS deadline FROM release_requests WHERE state = 'pending' AND deadline_ms > ?",
  );
  const pendingOfObject = db.prepare<[string], Row>("SELECT body FROM release_requests WHERE state = 'pending' AND object_id = ?");
  const ofWorkspace = db.prepare<[string], Row>('SELECT body FROM release_requests WHERE workspace_id = ? ORDER BY requested_ms, id');

  return {
    async insert(request) {
      try {
        insert.run({
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
      const result = compareAndSet.run({ id: request.id, state: request.state, body: JSON.stringify(request), expected });
      return result.changes === 1;
    },
    async listPending(filter: PendingFilter = {}) {
      return pending.all({ workspaceId: filter.workspaceId ?? null, originator: filter.originator ?? null }).map(parseRow);
    },
    async pendingDueBy(time) {
      return dueBy.all(time.getTime()).map(parseRow);
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

function alreadyPending(): TearlineError {
  return new TearlineError('conflict', 'A release request for this object is already waiting for a decision.');
}

function parse(row: Row | undefined): ReleaseRequest | undefined {
  return row ? parseRow(row) : undefined;
}

function parseRow(row: Row): ReleaseRequest {
  return JSON.parse(row.body) as ReleaseRequest;
}
