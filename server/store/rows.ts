// Rows of the stores' tables as both stores read and write them: the same columns in SQLite and
// PostgreSQL, so one mapping serves both.
import type { Envelope, ObjectKind } from '../../shared/protocol';
import { storedReleasePolicy } from '../release/policy';
import { DEFAULT_CROSS_NATION_EDITING } from '../../shared/suggestions';
import type { EnvelopeHistoryRow, WorkspaceRecord } from './types';

export const OBJECT_COLUMNS = 'id, workspace_id, kind, marking, portion, originator, parent_id, order_key, created_by, created_at, epoch, source_id';

export interface ObjectRow {
  id: string;
  workspace_id: string;
  kind: string;
  marking: string;
  portion: string;
  originator: string;
  parent_id: string | null;
  order_key: string;
  created_by: string;
  created_at: string;
  epoch: number;
  source_id: string | null;
}

export function toEnvelope(row: ObjectRow): Envelope {
  const envelope: Envelope = {
    id: row.id,
    workspaceId: row.workspace_id,
    kind: row.kind as ObjectKind,
    marking: row.marking,
    portion: row.portion,
    originator: row.originator,
    parentId: row.parent_id,
    orderKey: row.order_key,
    createdBy: row.created_by,
    createdAt: row.created_at,
    epoch: row.epoch,
  };
  if (row.source_id) envelope.sourceId = row.source_id;
  return envelope;
}

/** A row of `exercise_history` joined with its object's fixed columns. */
export interface ReplayRow extends ObjectRow {
  at_ms: number | string;
  deleted: number | boolean;
  snapshot: Buffer | null;
}

export function replayRow(row: ReplayRow): EnvelopeHistoryRow {
  return { envelope: toEnvelope(row), atMs: Number(row.at_ms), deleted: Boolean(row.deleted), snapshot: row.snapshot ? bytes(row.snapshot) : null };
}

export function toRow(e: Envelope): ObjectRow {
  return {
    id: e.id,
    workspace_id: e.workspaceId,
    kind: e.kind,
    marking: e.marking,
    portion: e.portion,
    originator: e.originator,
    parent_id: e.parentId,
    order_key: e.orderKey,
    created_by: e.createdBy,
    created_at: e.createdAt,
    epoch: e.epoch,
    source_id: e.sourceId ?? null,
  };
}

/** A stored workspace record (parsed JSON): a cell stored before a policy field reads with its default. */
export function toWorkspace(record: unknown): WorkspaceRecord {
  const workspace = record as WorkspaceRecord;
  return {
    ...workspace,
    releasePolicy: storedReleasePolicy(workspace.releasePolicy),
    crossNationEditing: workspace.crossNationEditing ?? DEFAULT_CROSS_NATION_EDITING,
  };
}

/** A stored blob as the Uint8Array the docs take (a view, no copy). */
export const bytes = (buffer: Buffer): Uint8Array => new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
