// Suggestions, planned without I/O. A suggestion is an object of its own (kind `suggestion`) under
// the paragraph it changes, marked exactly like that paragraph and with the paragraph's originator,
// so exactly the paragraph's readers see it, and an accepted one puts into the paragraph only text
// written for its audience. Its content is the tracked changes (`ops`, shared/suggestions.ts) and
// the suggester's nation (the colour it is shown in).
import type * as Y from 'yjs';
import { buildContent } from '../../shared/content';
import { dominates } from '../../shared/markings';
import type { ClientPayload, Envelope } from '../../shared/protocol';
import { resolveOps, type Step, type SuggestionOp } from '../../shared/suggestions';
import { TearlineError } from '../errors';
import { planObject, type Author } from '../objects/create';
import type { IndexedObject } from '../objects/objectIndex';
import type { NewDoc } from '../store/types';
import type { Cell } from '../workspaces/cellRegistry';

/** Builds the suggestion against the paragraph's text as the server holds it now; changes nothing. */
export function planSuggestion(cell: Cell, author: Author, payload: ClientPayload<'suggestion:create'>, on: IndexedObject, body: Y.Text): NewDoc {
  const paragraph = on.envelope;
  if (paragraph.kind !== 'portion') throw new TearlineError('bad_request', 'Changes are suggested on report paragraphs only.');
  if (paragraph.originator === author.participant.nation) {
    throw new TearlineError('bad_request', `This paragraph is ${paragraph.originator}’s, your own nation’s: edit it directly.`);
  }
  stepsFor(body, payload.ops);
  return planObject(
    cell,
    author,
    {
      workspaceId: cell.workspace.id,
      kind: 'suggestion',
      marking: paragraph.marking,
      parentId: paragraph.id,
      content: buildContent({ fields: { ops: payload.ops, nation: author.participant.nation } }),
    },
    { parent: paragraph, originator: paragraph.originator },
  );
}

/** Where the ops apply in the paragraph's text now; `conflict` in words when they no longer fit. */
export function stepsFor(body: Y.Text, ops: readonly SuggestionOp[]): Step[] {
  const resolved = resolveOps(body, ops);
  if (!resolved.ok) throw new TearlineError('conflict', `${resolved.reason} Nothing was changed; look at the paragraph as it is now and suggest again.`);
  return resolved.steps;
}

/** A suggestion's ops, read back from its content. */
export function opsOf(fields: Y.Map<unknown>): SuggestionOp[] {
  const ops = fields.get('ops');
  return Array.isArray(ops) ? (ops as SuggestionOp[]) : [];
}

/**
 * Refuses to accept a suggestion into a paragraph now marked wider than the suggestion: its text
 * was written for the narrower audience (a release since), and accepting would hand it to the new one.
 */
export function checkStillReleasable(cell: Cell, suggestion: Envelope, paragraph: Envelope): void {
  if (dominates(cell.index.markingOf(paragraph), cell.index.markingOf(suggestion), cell.policy)) return;
  throw new TearlineError(
    'conflict',
    `This suggestion was made while the paragraph was marked ${suggestion.marking}; the paragraph is now ${paragraph.marking}, so its text was not written for everyone who reads it now. Reject it and ask for the change again.`,
  );
}
