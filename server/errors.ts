// One error type for everything a client may be told. Handlers throw it; the socket and HTTP
// layers turn it into `{ ok: false, error: { code, message } }`. Anything else is `internal`
// and its details stay in the server log.
import type { ErrorCode, ProtocolError } from '../shared/protocol';

export class TearlineError extends Error {
  /** With `rate_limited`: when the same request may succeed (ms from now). */
  readonly retryAfterMs: number | undefined;

  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: ErrorOptions & { retryAfterMs?: number },
  ) {
    super(message, options);
    this.name = 'TearlineError';
    this.retryAfterMs = options?.retryAfterMs;
  }

  toJSON(): ProtocolError {
    return this.retryAfterMs === undefined ? { code: this.code, message: this.message } : { code: this.code, message: this.message, retryAfterMs: this.retryAfterMs };
  }
}

/** A budget that never refills (a rate of 0) still names a time to come back. */
const LONGEST_RETRY_MS = 60_000;

/** `rate_limited`, saying when to come back: `why` is a sentence. */
export function rateLimited(why: string, retryAfterMs: number): TearlineError {
  const wait = Math.ceil(Math.min(retryAfterMs, LONGEST_RETRY_MS));
  return new TearlineError('rate_limited', `${why} Try again in ${Math.max(1, Math.ceil(wait / 1000))} s.`, { retryAfterMs: wait });
}

/** The one answer for "absent" and "exists but not releasable to you": same code, same words. */
export function notFound(): TearlineError {
  return new TearlineError('not_found', 'No such object in this cell.');
}

/**
 * The one answer for "no such cell" and "a cell your nation is not a member of": who is in a
 * cell, and that it exists at all, is its members' business.
 */
export function noSuchCell(): TearlineError {
  return new TearlineError('not_found', 'No cell with this id is open to your nation.');
}

/** The one answer for "no such release request" and "a request about an object you may not see". */
export function noSuchRequest(): TearlineError {
  return new TearlineError('not_found', 'No such release request.');
}

export function forbidden(message: string): TearlineError {
  return new TearlineError('forbidden', message);
}

/** SQLite's code on what better-sqlite3 threw (a commit whose outcome is unknown: on its cause). */
function sqliteCode(error: unknown): string {
  const cause = error instanceof CommitOutcomeUnknown ? error.cause : error;
  const code = (cause as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_') ? code : '';
}

/**
 * Whether another program holds the SQLite file's write lock (SQLITE_BUSY, SQLITE_LOCKED and their
 * extended codes): an older Tearline, the sqlite3 shell, a backup or replication tool writing.
 */
export function isStorageLocked(error: unknown): boolean {
  return /^SQLITE_(BUSY|LOCKED)/.test(sqliteCode(error));
}

/**
 * Whether SQLite refused a write because the storage cannot take it now: the disk (or quota) is
 * full (SQLITE_FULL), the device fails (SQLITE_IOERR and its extended codes), or another program
 * holds the file's lock (isStorageLocked). better-sqlite3 puts the code on the error it throws.
 * Retrying later can succeed, so it answers `unavailable`.
 */
export function isStorageFault(error: unknown): boolean {
  const code = sqliteCode(error);
  return code === 'SQLITE_FULL' || code.startsWith('SQLITE_IOERR') || isStorageLocked(error);
}

/** PostgreSQL error classes of a lost or refused connection: 08 (connection exception), 57P01-03 (shut down, starting). */
const DATABASE_AWAY_CODES = /^(08...|57P0[123]|ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|EHOSTUNREACH)$/;
/** What node-postgres throws, without a code, for a connection cut or not made in time. */
const DATABASE_AWAY_MESSAGES = /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error)/;

/**
 * Whether PostgreSQL could not be reached or was going away (a restart, a failover): the request
 * was not carried out, nor acknowledged, and a retry can succeed, so it answers `unavailable`.
 */
export function isDatabaseAway(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return (typeof code === 'string' && DATABASE_AWAY_CODES.test(code)) || (typeof message === 'string' && DATABASE_AWAY_MESSAGES.test(message));
}

/** What node-postgres throws when a query's answer did not come within its `query_timeout`. */
const UNANSWERED_MESSAGE = 'Query read timeout';
/** PostgreSQL's code for a statement it cancelled (its `statement_timeout`). */
const STATEMENT_CANCELLED = '57014';

/** Whether a query got no answer in time from the database (frozen, or a network dropping packets). */
export function isUnanswered(error: unknown): boolean {
  return (error as { message?: unknown } | null)?.message === UNANSWERED_MESSAGE;
}

/**
 * A COMMIT that failed without PostgreSQL saying it refused it: the connection was reset or
 * terminated, or the answer never came. The transaction may have committed or not; nobody can
 * tell from here. `cause`: what the driver threw.
 */
export class CommitOutcomeUnknown extends Error {
  constructor(cause: unknown) {
    super(`The outcome of a commit is unknown: ${(cause as Error | null)?.message ?? String(cause)}`, { cause });
    this.name = 'CommitOutcomeUnknown';
  }
}

/**
 * What a failed COMMIT means: an ERROR from PostgreSQL (a serialization failure, a deferred
 * constraint) rolled the transaction back, so `error` stands as it is; anything else (a FATAL such
 * as pg_terminate_backend's, a reset connection, no answer) leaves the outcome unknown.
 */
export function commitFailure(error: unknown): unknown {
  return (error as { severity?: unknown } | null)?.severity === 'ERROR' ? error : new CommitOutcomeUnknown(error);
}

/**
 * Whether a write may have been stored although it failed: its commit's outcome is unknown, or a
 * query of it got no answer. Whoever holds a copy of what it wrote reads it again from the store.
 */
export function isOutcomeUnknown(error: unknown): boolean {
  return error instanceof CommitOutcomeUnknown || isUnanswered(error);
}

/**
 * Whether the database did not finish in time: it cancelled the statement (nothing of it was
 * kept), or never answered (a commit sent just before may still land when it resumes; it was not
 * acknowledged).
 */
export function isDatabaseSlow(error: unknown): boolean {
  return isUnanswered(error) || (error as { code?: unknown } | null)?.code === STATEMENT_CANCELLED;
}

const DATABASE_SLOW_MESSAGE = 'The server\'s database did not answer in time, so this request was not confirmed. Try again shortly.';

const OUTCOME_UNKNOWN_MESSAGE =
  'The server lost its database connection while confirming this request, so it may or may not have been saved; the server reads it again from its database. Check before repeating it (an edit may simply be sent again). Try again shortly.';

const DATABASE_AWAY_MESSAGE = 'The server cannot reach its database right now, so nothing of this request was saved. Try again shortly.';

const STORAGE_FAULT_MESSAGE =
  'The server cannot save right now: its storage is full or failing, so nothing of this request was saved. Try again shortly.';

const STORAGE_LOCKED_MESSAGE =
  'The server cannot save right now: another program holds its database file, so nothing of this request was saved. Try again shortly.';

const STORAGE_OUTCOME_UNKNOWN_MESSAGE =
  'The server\'s storage failed while confirming this request, so it may or may not have been saved; the server serves what its storage holds. Check before repeating it (an edit may simply be sent again). Try again shortly.';

export function toProtocolError(error: unknown): ProtocolError {
  if (error instanceof TearlineError) return error.toJSON();
  if (error instanceof CommitOutcomeUnknown) {
    return { code: 'unavailable', message: isStorageFault(error) ? STORAGE_OUTCOME_UNKNOWN_MESSAGE : OUTCOME_UNKNOWN_MESSAGE };
  }
  if (isStorageLocked(error)) return { code: 'unavailable', message: STORAGE_LOCKED_MESSAGE };
  if (isStorageFault(error)) return { code: 'unavailable', message: STORAGE_FAULT_MESSAGE };
  if (isDatabaseAway(error)) return { code: 'unavailable', message: DATABASE_AWAY_MESSAGE };
  if (isDatabaseSlow(error)) return { code: 'unavailable', message: DATABASE_SLOW_MESSAGE };
  const code = (error as { code?: unknown })?.code;
  if (code === 'bad_marking') return { code, message: (error as Error).message };
  return { code: 'internal', message: 'The server could not complete this request; it has been logged.' };
}
