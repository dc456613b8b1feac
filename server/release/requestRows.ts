// Release request rows as both stores keep them: the request whole as JSON (`body`), read back as is.
import { TearlineError } from '../errors';
import type { ReleaseRequest } from '../../shared/release';

export interface Row {
  body: string;
}

/** Soonest deadline first, as the stores' pending order (deadline, request time, id): for rows a statement returns in no set order. */
export function sortedPending(requests: ReleaseRequest[]): ReleaseRequest[] {
  const key = (r: ReleaseRequest) => [Date.parse(r.deadline), Date.parse(r.requestedAt)] as const;
  return requests.sort((a, b) => key(a)[0] - key(b)[0] || key(a)[1] - key(b)[1] || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

export function alreadyPending(): TearlineError {
  return new TearlineError('conflict', 'A release request for this object is already waiting for a decision.');
}

export function parse(row: Row | undefined): ReleaseRequest | undefined {
  return row ? parseRow(row) : undefined;
}

export function parseRow(row: Row): ReleaseRequest {
  return JSON.parse(row.body) as ReleaseRequest;
}
