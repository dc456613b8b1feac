// Stored envelopes for tests: a USA report or portion for the cell's in-memory picture, and a
// note for the store and its writers.
import type { Envelope } from '../../shared/protocol';

/** A USA report in cell w1, or a portion of `parentId`. */
export const envelope = (id: string, marking: string, parentId: string | null = null): Envelope => ({
  id,
  workspaceId: 'w1',
  kind: parentId ? 'portion' : 'report',
  marking,
  portion: '(S)',
  originator: 'USA',
  parentId,
  orderKey: 'a0',
  createdBy: 'usa-analyst',
  createdAt: '2026-01-01T00:00:00.000Z',
  epoch: 0,
});

/** A USA note in cell w, UNCLASSIFIED unless `fields` say otherwise; `fields` replace any of it. */
export const noteEnvelope = (id: string, fields: Partial<Envelope> = {}): Envelope => ({
  id,
  workspaceId: 'w',
  kind: 'note',
  marking: 'UNCLASSIFIED',
  portion: '(U)',
  originator: 'USA',
  parentId: null,
  orderKey: 'a0',
  createdBy: 'x',
  createdAt: '2026-01-01T00:00:00Z',
  epoch: 0,
  ...fields,
});
