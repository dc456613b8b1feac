// The suggestions on one paragraph, each shown in the paragraph as it is now (insertions
// underlined, deletions struck through, in the suggesting nation's colour), with Accept and
// Reject for editors of the paragraph's nation, and Withdraw for its author. One that no longer
// fits the paragraph says why; it can still be rejected or withdrawn.
import { bodyOf, fieldsOf } from '../../../shared/content';
import type { Envelope } from '../../../shared/protocol';
import type { SuggestionOp } from '../../../shared/suggestions';
import { useReplicaDoc } from '../session/hooks';
import { ErrorMessage } from '../views/ErrorMessage';
import { useWorkspace } from '../workspace/context';
import { useAction } from '../workspace/useAction';
import { suggestionsOn, viewOf } from './model';
import { TrackedText } from './TrackedText';

export function SuggestionList({ paragraph }: { paragraph: Envelope }) {
  const { snapshot } = useWorkspace();
  const suggestions = suggestionsOn(snapshot.objects, paragraph.id);
  if (suggestions.length === 0) return null;
  return (
    <section className="suggestions" aria-label={`Suggestions on ${paragraph.portion}`}>
      {suggestions.map((suggestion) => (
        <Suggestion key={suggestion.id} suggestion={suggestion} paragraph={paragraph} />
      ))}
    </section>
  );
}

function Suggestion({ suggestion, paragraph }: { suggestion: Envelope; paragraph: Envelope }) {
  const { picture, session, identity, canEdit } = useWorkspace();
  const doc = useReplicaDoc(picture.replica(suggestion.id));
  const paragraphDoc = useReplicaDoc(picture.replica(paragraph.id));
  const action = useAction();
  if (!doc || !paragraphDoc) return null;
  const fields = fieldsOf(doc);
  const nation = typeof fields.get('nation') === 'string' ? (fields.get('nation') as string) : '';
  const ops = Array.isArray(fields.get('ops')) ? (fields.get('ops') as SuggestionOp[]) : [];
  const view = viewOf(bodyOf(paragraphDoc), ops);
  const decides = canEdit && session !== null && identity.nation === paragraph.originator;
  const withdraws = canEdit && session !== null && identity.sub === suggestion.createdBy;
  const decide = (decision: 'accept' | 'reject') =>
    void action.run(() => session!.decideSuggestion(suggestion.id, decision), decision === 'accept' ? 'The suggestion was not accepted' : 'The suggestion was not rejected');
  return (
    <article className="suggestion" data-suggestion-id={suggestion.id} aria-label={`Suggestion by ${suggestion.createdBy} (${nation})`}>
      <span className="suggestion-author">
        {suggestion.createdBy} ({nation}) suggests:
      </span>{' '}
      {view.ok ? <TrackedText segments={view.segments} nation={nation} /> : <span className="muted">{view.reason}</span>}
      <span className="suggestion-actions">
        {decides && view.ok && (
          <button type="button" disabled={action.busy} onClick={() => decide('accept')}>
            Accept
          </button>
        )}
        {(decides || withdraws) && (
          <button type="button" className="link-button" disabled={action.busy} onClick={() => decide('reject')}>
            {decides ? 'Reject' : 'Withdraw'}
          </button>
        )}
      </span>
      <ErrorMessage message={action.error} />
    </article>
  );
}
