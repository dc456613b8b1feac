// Pure selections over a picture's envelopes: by kind, children in order, what is on screen.
import type { Envelope, ObjectKind } from '../../../shared/protocol';

export type WorkspaceTab = 'reports' | 'timeline' | 'rfis';

export function ofKind(objects: readonly Envelope[], kind: ObjectKind): Envelope[] {
  return objects.filter((object) => object.kind === kind).sort(byCreation);
}

function byCreation(a: Envelope, b: Envelope): number {
  return a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id < b.id ? -1 : 1;
}

/** Children of a parent by fractional `orderKey` (plain code-unit order, as the keys are built). */
export function childrenOf(objects: readonly Envelope[], parentId: string): Envelope[] {
  return objects
    .filter((object) => object.parentId === parentId)
    .sort((a, b) => (a.orderKey < b.orderKey ? -1 : a.orderKey > b.orderKey ? 1 : byCreation(a, b)));
}

/** What the page shows: every map feature plus the open tab's objects (and the open report's portions). */
export function onScreen(objects: readonly Envelope[], tab: WorkspaceTab, openReportId: string | null): Envelope[] {
  return objects.filter((object) => {
    if (object.kind === 'feature') return true;
    if (tab === 'reports') return object.kind === 'report' || (object.kind === 'portion' && object.parentId === openReportId);
    if (tab === 'timeline') return object.kind === 'event';
    return object.kind === 'rfi';
  });
}
