// A stored envelope for unit tests of the cell's in-memory picture: a USA report, or a portion of
// `parentId`, in cell w1.
import type { Envelope } from '../../shared/protocol';

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
