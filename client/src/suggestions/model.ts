// Suggestions in a picture, pure: whether this reader's typing in a paragraph becomes a suggestion,
// the suggestions on a paragraph, and how one reads against the paragraph as it is now.
import type * as Y from 'yjs';
import { compareSiblings } from '../../../shared/siblings';
import type { Envelope, WorkspaceSummary } from '../../../shared/protocol';
import { resolveOps, segmentsOf, type Segment, type SuggestionOp } from '../../../shared/suggestions';

/** Typing in another nation's paragraph suggests, unless the cell lets nations edit each other's text directly. */
export function suggestsIn(workspace: Pick<WorkspaceSummary, 'crossNationEditing'> | null, paragraph: Envelope, nation: string): boolean {
  return paragraph.kind === 'portion' && paragraph.originator !== nation && workspace?.crossNationEditing !== 'direct';
}

/** The suggestions on a paragraph, oldest first. */
export function suggestionsOn(objects: readonly Envelope[], paragraphId: string): Envelope[] {
  return objects.filter((o) => o.kind === 'suggestion' && o.parentId === paragraphId).sort(compareSiblings);
}

/** A suggestion shown in the paragraph as it is now, or why it no longer fits it. */
export type SuggestionView = { ok: true; segments: Segment[] } | { ok: false; reason: string };

export function viewOf(body: Y.Text, ops: readonly SuggestionOp[]): SuggestionView {
  const resolved = resolveOps(body, ops);
  return resolved.ok ? { ok: true, segments: segmentsOf(body.toString(), resolved.steps) } : resolved;
}
