// The history table's rows as both stores read them (doc_history; migration 0007 on PostgreSQL).
import { bytes } from './rows';
import type { HistoryEntry, StoredChain } from './types';

export interface HistoryRow {
  epoch: number;
  seq: number | string;
  kind: string;
  at: string;
  author: string;
  data: Buffer;
  before: string | null;
}

/**
 * An object's chain of markings (its own first, then each ancestor's), read in the transaction
 * that starts its new epoch. `$1`: the object id (SQLite takes `?`).
 */
export const CHAIN_BEFORE = `WITH RECURSIVE chain (id, parent_id, marking, originator, depth) AS (
  SELECT id, parent_id, marking, originator, 0 FROM objects WHERE id = $1
  UNION ALL SELECT o.id, o.parent_id, o.marking, o.originator, chain.depth + 1 FROM objects o JOIN chain ON o.id = chain.parent_id
) SELECT marking, originator FROM chain ORDER BY depth`;

export function historyEntry(row: HistoryRow): HistoryEntry {
  return {
    epoch: row.epoch,
    seq: Number(row.seq),
    kind: row.kind === 'base' ? 'base' : 'update',
    at: row.at,
    author: row.author,
    data: bytes(row.data),
    before: row.before === null ? null : (JSON.parse(row.before) as StoredChain),
  };
}
