// Who may change a paragraph's text how, decided without I/O. By default (a cell's
// `crossNationEditing: 'suggest'`) an editor of another nation does not write into a paragraph:
// the server refuses such a `doc:update` (`suggest_only`) and the change goes in as a suggestion
// (suggestion:create) for an editor of the originator nation to accept or reject. A suggestion
// itself changes only by that decision, never by a write.
import type { Role, WorkspaceSummary } from '../../shared/protocol';
import { forbidden, TearlineError } from '../errors';

/** The parts of an envelope the rules read. */
interface Written {
  kind: string;
  originator: string;
}

/** Why a direct write of `envelope`'s content by a participant of `nation` is refused, or null when it is allowed. */
export function directWriteRefusal(workspace: Pick<WorkspaceSummary, 'crossNationEditing'>, envelope: Written, nation: string): TearlineError | null {
  if (envelope.kind === 'suggestion') {
    return forbidden('A suggestion is not edited: an editor of the paragraph’s nation accepts or rejects it, and its author may withdraw it and suggest again.');
  }
  if (envelope.kind !== 'portion' || envelope.originator === nation || workspace.crossNationEditing === 'direct') return null;
  return new TearlineError(
    'suggest_only',
    `This paragraph was written by ${envelope.originator}; in this cell other nations suggest changes to it for a ${envelope.originator} editor to accept. Your change was not saved: make it as a suggestion.`,
  );
}

/** Why a participant may not accept or reject a suggestion, or null when they may. */
export function decisionRefusal(suggestion: { originator: string; createdBy: string }, decider: { sub: string; nation: string }, decision: 'accept' | 'reject'): TearlineError | null {
  if (decider.nation === suggestion.originator) return null;
  if (decision === 'reject' && decider.sub === suggestion.createdBy) return null;
  return forbidden(
    decision === 'accept'
      ? `Only an editor of ${suggestion.originator}, whose paragraph this is, may accept a suggestion on it.`
      : `Only an editor of ${suggestion.originator}, whose paragraph this is, or the suggestion’s author may reject it.`,
  );
}

/** Why a participant may not change the cell's rule for editing across nations, or null: its creator or an administrator. */
export function settingsRefusal(workspace: Pick<WorkspaceSummary, 'createdBy'>, actor: { sub: string; roles: readonly Role[] }): TearlineError | null {
  if (actor.sub === workspace.createdBy || actor.roles.includes('admin')) return null;
  return forbidden('Only the cell’s creator or an administrator may change whether other nations edit paragraphs directly or suggest changes.');
}
