// Pure selections over a picture's envelopes: by kind, children in order, what is on screen.
import type { Envelope, ObjectKind } from '../../../shared/protocol';
import { compareSiblings } from '../../../shared/siblings';

export type WorkspaceTab = 'reports' | 'timeline' | 'rfis' | 'releases';

/** Per picture snapshot's objects, each kind's selection: the same array until the objects change. */
const byKind = new WeakMap<readonly Envelope[], Map<ObjectKind, readonly Envelope[]>>();

/**
 * The objects of one kind in creation order. Kept per snapshot: every panel and the map ask on
 * every render, and at 20,000 objects each ask was a filter and a sort of the cell; the same array
 * also lets what is derived from it (`useMemo`) be kept.
 */
export function ofKind(objects: readonly Envelope[], kind: ObjectKind): readonly Envelope[] {
  let kinds = byKind.get(objects);
  if (!kinds) byKind.set(objects, (kinds = new Map()));
  let selected = kinds.get(kind);
  if (!selected) kinds.set(kind, (selected = objects.filter((object) => object.kind === kind).sort(byCreation)));
  return selected;
}

function byCreation(a: Envelope, b: Envelope): number {
  return a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id < b.id ? -1 : 1;
}

/** Children of a parent in document order, as the server orders them (exports included). */
export function childrenOf(objects: readonly Envelope[], parentId: string): Envelope[] {
  return objects.filter((object) => object.parentId === parentId).sort(compareSiblings);
}

/** A report's paragraphs, in document order. */
export function paragraphsOf(objects: readonly Envelope[], reportId: string): Envelope[] {
  return childrenOf(objects, reportId).filter((object) => object.kind === 'portion');
}

/** Where a paragraph sits among the paragraphs of its report (0-based); null for anything else or a report out of sight. */
export function paragraphPlace(objects: readonly Envelope[], envelope: Envelope): { report: Envelope; index: number } | null {
  if (envelope.kind !== 'portion' || !envelope.parentId) return null;
  const report = objects.find((object) => object.id === envelope.parentId);
  const index = report ? paragraphsOf(objects, report.id).findIndex((paragraph) => paragraph.id === envelope.id) : -1;
  return report && index >= 0 ? { report, index } : null;
}

/** The tab that shows an object (features are on the map, beside every tab). */
export function tabOf(object: Envelope): WorkspaceTab | null {
  switch (object.kind) {
    case 'report':
    case 'portion':
      return 'reports';
    case 'event':
      return 'timeline';
    case 'rfi':
      return 'rfis';
    case 'feature':
    case 'note':
    case 'comment':
    case 'suggestion':
      return null;
  }
}

/**
 * What the page shows: every map feature plus the open tab's objects (the open report's
 * portions; on the Releases tab, the objects its requests name, given as `listed`).
 */
export function onScreen(objects: readonly Envelope[], tab: WorkspaceTab, openReportId: string | null, listed: readonly string[] = []): Envelope[] {
  const named = new Set(listed);
  return objects.filter((object) => {
    if (object.kind === 'feature') return true;
    switch (tab) {
      case 'reports':
        return object.kind === 'report' || (object.kind === 'portion' && object.parentId === openReportId);
      case 'timeline':
        return object.kind === 'event';
      case 'rfis':
        return object.kind === 'rfi';
      case 'releases':
        return named.has(object.id);
    }
  });
}
