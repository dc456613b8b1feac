// The answers to one RFI: each an object of its own under it (rfi:answer), with its own portion
// mark, shown only where it is releasable; and the form to answer, with a marking of its own (no
// wider than the RFI's: the server refuses wider, and an empty answer, with the reason shown here).
import { useState } from 'react';
import { bodyOf, fieldsOf } from '../../../shared/content';
import type { Envelope } from '../../../shared/protocol';
import { commentsOn } from '../collab/threads';
import { PortionMark } from '../markings/PortionMark';
import { useReplicaDoc } from '../session/hooks';
import type { ObjectReplica } from '../session/replica';
import { ErrorMessage } from '../views/ErrorMessage';
import { useWorkspace } from '../workspace/context';
import { useAction } from '../workspace/useAction';

/** Whether a comment-kind object under an RFI is one of its answers (`fields.rfiAnswer`). */
export function isAnswer(replica: ObjectReplica | undefined): boolean {
  return replica ? fieldsOf(replica.doc).get('rfiAnswer') === true : false;
}

export function RfiAnswers({ rfi, onAnswered }: { rfi: Envelope; onAnswered: () => void }) {
  const { picture, snapshot } = useWorkspace();
  const answers = commentsOn(snapshot.objects, rfi.id).filter((child) => isAnswer(picture.replica(child.id)));
  return (
    <section className="rfi-answers" aria-label="Answers">
      {answers.map((answer) => (
        <Answer key={answer.id} answer={answer} />
      ))}
      <AnswerForm rfi={rfi} onAnswered={onAnswered} />
    </section>
  );
}

function Answer({ answer }: { answer: Envelope }) {
  const { picture, cell } = useWorkspace();
  const doc = useReplicaDoc(picture.replica(answer.id));
  return (
    <article className="rfi-answer" data-answer-id={answer.id}>
      <PortionMark portion={answer.portion} marking={answer.marking} originator={answer.originator} policy={cell.policy} />{' '}
      <span className="comment-text">{doc ? bodyOf(doc).toString() : '…'}</span>
    </article>
  );
}

function AnswerForm({ rfi, onAnswered }: { rfi: Envelope; onAnswered: () => void }) {
  const { session, canEdit } = useWorkspace();
  const [text, setText] = useState('');
  const [marking, setMarking] = useState(rfi.marking);
  const action = useAction();
  if (!session || !canEdit) return null;
  const submit = async () => {
    if (!(await action.run(() => session.answerRfi({ rfiId: rfi.id, marking, text })))) return;
    setText('');
    onAnswered();
  };
  return (
    <form
      className="comment-form"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <label>
        Answer
        <textarea value={text} onChange={(e) => setText(e.target.value)} rows={3} />
      </label>
      <label>
        Answer marking (its own; no wider than {rfi.marking})
        <input value={marking} onChange={(e) => setMarking(e.target.value)} />
      </label>
      <button type="submit" disabled={action.busy || !text.trim()}>
        Send answer
      </button>
      {action.error && <ErrorMessage message={action.error} />}
    </form>
  );
}
