// What `GET /api/workspaces/:id/audit` may show a caller (an FDO or admin of that workspace).
// Invariant 1 applies to the log too: an entry about an object the caller may not see right now
// is dropped whole, and a reference to such an object inside a visible entry's detail (a
// tearline's source) is removed, so the log reveals nothing the workspace itself would not.
import type { AuditEntry } from './entry';

export interface AuditViewer {
  /** The workspace being read; entries of other workspaces are never shown. */
  workspaceId: string;
  /** True if the caller may see this object now (its marking is releasable to them). */
  canSeeObject(objectId: string): boolean;
}

/** Detail keys that name another object, e.g. a tearline's `sourceId`. */
export const OBJECT_REFERENCE_KEYS = ['sourceId'] as const;

export function auditEntriesVisibleTo(entries: readonly AuditEntry[], viewer: AuditViewer): AuditEntry[] {
  const visible: AuditEntry[] = [];
  for (const entry of entries) {
    if (entry.workspaceId !== viewer.workspaceId) continue;
    if (entry.objectId !== null && !viewer.canSeeObject(entry.objectId)) continue;
    visible.push(withoutHiddenReferences(entry, viewer));
  }
  return visible;
}

function withoutHiddenReferences(entry: AuditEntry, viewer: AuditViewer): AuditEntry {
  const hidden = OBJECT_REFERENCE_KEYS.filter((key) => {
    const referenced = entry.detail[key];
    return typeof referenced === 'string' && !viewer.canSeeObject(referenced);
  });
  if (hidden.length === 0) return entry;
  const detail = { ...entry.detail };
  for (const key of hidden) delete detail[key];
  return { ...entry, detail };
}
