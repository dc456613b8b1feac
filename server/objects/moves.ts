// Moves of map features, detected by the server: a client's word that it "moved" something is not
// evidence, so every durable update that writes a feature's `fields.geometry` is a move, audited
// with who made it (the session's identity), where to, and the object's marking at that moment.
// Where a feature was first placed is kept in its creation entry the same way (`placedAt`). The
// audit trail shows a position only to readers who may read the object as it was then marked
// (server/audit/visibility.ts), and the same entries are the feature's track history.
import * as Y from 'yjs';
import { fieldsOf } from '../../shared/content';
import type { LonLat } from '../../shared/geo/coordinates';
import { anchorOf, isGeometry, normaliseForRead } from '../../shared/geo/geometry';
import type { AuditActor } from '../../shared/rest';
import type { AuditLog } from '../audit/log';

/** Where a new feature is placed (its anchor), for its creation entry; undefined for other kinds. */
export function placedAt(kind: string, content: Uint8Array): LonLat | undefined {
  if (kind !== 'feature') return undefined;
  const doc = new Y.Doc();
  try {
    Y.applyUpdate(doc, content);
    const geometry = fieldsOf(doc).get('geometry');
    return isGeometry(geometry) ? anchorOf(normaliseForRead(geometry)) : undefined;
  } finally {
    doc.destroy();
  }
}

/**
 * Appends an `object.move` audit entry when a feature's durable update moved it: the append's
 * promise, or undefined when the update moved nothing (most edits: awaiting nothing would still
 * cost the edit path a microtask).
 */
export function auditMove(
  audit: Pick<AuditLog, 'append'>,
  moved: { workspaceId: string; objectId: string; kind: string; marking: string; written: ReadonlyMap<string, unknown>; actor: AuditActor },
): Promise<unknown> | undefined {
  if (moved.kind !== 'feature') return undefined;
  // The update check resolved which field each written value belongs to (updateCheck.ts).
  const written = moved.written.get('geometry');
  if (!isGeometry(written)) return undefined;
  const geometry = normaliseForRead(written);
  return audit.append({
    workspaceId: moved.workspaceId,
    actor: moved.actor,
    action: 'object.move',
    objectId: moved.objectId,
    detail: { marking: moved.marking, shape: geometry.type, to: anchorOf(geometry) },
  });
}
