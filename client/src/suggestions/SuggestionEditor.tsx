// A paragraph of another nation, as its partners edit it by default: what they type is a draft,
// shown against the paragraph as tracked changes, and sent as a suggestion for an editor of the
// paragraph's nation to accept or reject. Until the draft is touched it follows the paragraph.
import { useState } from 'react';
import { bodyOf } from '../../../shared/content';
import type { Envelope } from '../../../shared/protocol';
import { diffWords, opsForEdit, segmentsOf } from '../../../shared/suggestions';
import { useReplicaDoc } from '../session/hooks';
import type { ObjectReplica } from '../session/replica';
import { ErrorMessage } from '../views/ErrorMessage';
import { useWorkspace } from '../workspace/context';
import { useAction } from '../workspace/useAction';
import { TrackedText } from './TrackedText';

interface Props {
  paragraph: Envelope;
  replica: ObjectReplica;
  label: string;
}

export function SuggestionEditor({ paragraph, replica, label }: Props) {
  const { session, identity } = useWorkspace();
  const doc = useReplicaDoc(replica);
  const action = useAction();
  // The paragraph's text when drafting began, and the draft; null: not drafting (follow the paragraph).
  const [draft, setDraft] = useState<{ base: string; text: string } | null>(null);
  if (!doc) return <p className="muted">Loading…</p>;
  const body = bodyOf(doc);
  const current = body.toString();
  const changes = draft ? diffWords(draft.base, draft.text) : [];
  const moved = draft !== null && draft.base !== current;
  const steps = changes.map((change) => ({ index: change.index, remove: change.removed.length, insert: change.inserted }));

  const send = async () => {
    if (!session || !draft) return;
    const ok = await action.run(() => session.suggest(paragraph.id, opsForEdit(body, draft.text)), 'The suggestion was not sent');
    if (ok) setDraft(null);
  };

  return (
    <div className="suggestion-editor">
      <textarea
        className="collab-input"
        aria-label={label}
        aria-describedby={`suggest-hint-${paragraph.id}`}
        value={draft?.text ?? current}
        onChange={(e) => setDraft({ base: draft?.base ?? current, text: e.target.value })}
      />
      <p className="muted suggestion-hint" id={`suggest-hint-${paragraph.id}`}>
        {paragraph.originator} wrote this paragraph: what you type is suggested to a {paragraph.originator} editor, who accepts or rejects it.
      </p>
      {draft && changes.length > 0 && (
        <div className="suggestion-draft" aria-label="Your suggested changes">
          <TrackedText segments={segmentsOf(draft.base, steps)} nation={identity.nation} />
          {moved && (
            <p className="muted" role="status">
              The paragraph changed while you wrote, so these changes may no longer fit it. Copy what you need, discard, and suggest again on its current text.
            </p>
          )}
          <span className="suggestion-actions">
            <button type="button" disabled={action.busy || moved} onClick={() => void send()}>
              Suggest changes
            </button>
            <button type="button" className="link-button" onClick={() => setDraft(null)}>
              Discard
            </button>
          </span>
        </div>
      )}
      <ErrorMessage message={action.error} />
    </div>
  );
}
