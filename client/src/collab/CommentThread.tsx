// The comments on one object of any kind (paragraph, feature, event, RFI): each thread with its
// replies, its own portion mark and
// resolve/reopen; a form to comment, marked by default like what it is on (never wider: the server
// refuses wider, and a mention of a nation that may not read it, with the reason shown here; a
// person is judged by nation only, never by clearance).
import { useState, useSyncExternalStore } from 'react';
import { bodyOf, fieldsOf } from '../../../shared/content';
import { mentionsIn } from '../../../shared/notifications';
import type { Envelope } from '../../../shared/protocol';
import { PortionMark } from '../markings/PortionMark';
import { useReplicaDoc } from '../session/hooks';
import { isAnswer } from '../rfi/RfiAnswers';
import { useWorkspace } from '../workspace/context';
import { MarkedTextForm } from './MarkedTextForm';
import { completeMention, mentionCandidates, mentionQuery } from './mentionPicker';
import { commentsOn } from './threads';

/** The threads on `on` (an RFI's answers are comment-kind objects too: listed with the RFI, not here). */
export function useThreads(on: Envelope): Envelope[] {
  const { picture, snapshot } = useWorkspace();
  return commentsOn(snapshot.objects, on.id).filter((comment) => !isAnswer(picture.replica(comment.id)));
}

/** The open threads of an object; opened and closed from its actions menu (ObjectActions). */
export function CommentThread({ on, onClose }: { on: Envelope; onClose: () => void }) {
  const threads = useThreads(on);
  return (
    <section className="comment-threads" aria-label={`Comments on ${on.portion}`}>
      {threads.map((comment) => (
        <Comment key={comment.id} comment={comment} root />
      ))}
      <CommentForm on={on} />
      <button type="button" className="link-button" onClick={onClose}>
        Close comments
      </button>
    </section>
  );
}

function Comment({ comment, root }: { comment: Envelope; root: boolean }) {
  const { picture, snapshot, cell, canEdit } = useWorkspace();
  const doc = useReplicaDoc(picture.replica(comment.id));
  const [replying, setReplying] = useState(false);
  const resolved = doc ? fieldsOf(doc).get('resolved') === true : false;
  return (
    <article className={`comment ${resolved ? 'comment-resolved' : ''}`} data-comment-id={comment.id}>
      <PortionMark portion={comment.portion} marking={comment.marking} originator={comment.originator} policy={cell.policy} />
      <span className="comment-author">{comment.createdBy}</span> <span className="comment-text">{doc ? bodyOf(doc).toString() : '…'}</span>
      {root && resolved && <span className="muted"> (resolved)</span>}
      {canEdit && (
        <span className="comment-actions">
          {root && doc && (
            <button type="button" className="link-button" onClick={() => fieldsOf(doc).set('resolved', !resolved)}>
              {resolved ? 'Reopen' : 'Resolve'}
            </button>
          )}
          <button type="button" className="link-button" onClick={() => setReplying((value) => !value)}>
            Reply
          </button>
        </span>
      )}
      {commentsOn(snapshot.objects, comment.id).map((reply) => (
        <Comment key={reply.id} comment={reply} root={false} />
      ))}
      {replying && <CommentForm on={comment} onDone={() => setReplying(false)} />}
    </article>
  );
}

function CommentForm({ on, onDone }: { on: Envelope; onDone?: () => void }) {
  const { session, canEdit, picture, cell, identity } = useWorkspace();
  const people = useSyncExternalStore(picture.presence.subscribe, picture.presence.getSnapshot);
  if (!session || !canEdit) return null;
  const mentionPicker = (text: string, marking: string, setText: (text: string) => void) => {
    const query = mentionQuery(text);
    if (query === null) return null;
    const chain = [
      { marking, originator: identity.nation },
      { marking: on.marking, originator: on.originator },
    ];
    const candidates = mentionCandidates(query, chain, cell.members, people, cell.policy);
    return (
      <ul className="mention-picker" aria-label="Who may read this comment">
        {candidates.length === 0 && <li className="muted">Nobody else here may read a comment marked {marking}.</li>}
        {candidates.map((candidate) => (
          <li key={candidate.token}>
            <button type="button" className="link-button" onClick={() => setText(completeMention(text, candidate.token))}>
              {candidate.label}
            </button>
          </li>
        ))}
      </ul>
    );
  };
  return (
    <MarkedTextForm
      onMarking={on.marking}
      textLabel="Comment (mention with @GBR or @person)"
      rows={2}
      required
      markingLabel={`Comment marking (no wider than ${on.marking})`}
      submitLabel="Post comment"
      send={(text, marking) => session.createComment({ onId: on.id, marking, text, mentions: mentionsIn(text) })}
      onSent={onDone}
      underText={mentionPicker}
    />
  );
}
