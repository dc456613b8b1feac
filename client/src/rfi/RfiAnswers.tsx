// The answers to one RFI: each an object of its own under it (rfi:answer), with its own portion
// mark, shown only where it is releasable; and the form to answer, with a marking of its own (no
// wider than the RFI's: the server refuses wider, and an empty answer, with the reason shown here).
import { bodyOf, fieldsOf } from '../../../shared/content';
import type { Envelope } from '../../../shared/protocol';
import { MarkedTextForm } from '../collab/MarkedTextForm';
import { commentsOn } from '../collab/threads';
import { PortionMark } from '../markings/PortionMark';
import { useReplicaDoc } from '../session/hooks';
import type { ObjectReplica } from '../session/replica';
import { useWorkspace } from '../workspace/context';

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
  if (!session || !canEdit) return null;
  return (
    <MarkedTextForm
      onMarking={rfi.marking}
      textLabel="Answer"
      rows={3}
      markingLabel={`Answer marking (its own; no wider than ${rfi.marking})`}
      submitLabel="Send answer"
      send={(text, marking) => session.answerRfi({ rfiId: rfi.id, marking, text })}
      onSent={onAnswered}
    />
  );
}
