// A new request for information: title, question and marking; it starts open.
import { useState, type FormEvent } from 'react';
import { MarkingPicker } from '../markings/MarkingPicker';
import type { PickerResult } from '../markings/pickerModel';
import { ErrorMessage } from '../views/ErrorMessage';
import { useWorkspace } from '../workspace/context';
import { useAction } from '../workspace/useAction';

export function NewRfiForm() {
  const { session, picker, snapshot } = useWorkspace();
  const [title, setTitle] = useState('');
  const [question, setQuestion] = useState('');
  const [marking, setMarking] = useState<PickerResult | null>(null);
  const action = useAction();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!session || !marking?.ok) return;
    const done = await action.run(
      () =>
        session.createObject({
          kind: 'rfi',
          marking: marking.banner,
          fields: { title: title.trim(), status: 'open', assignedNation: '', answer: '' },
          body: question,
        }),
      'The RFI was not raised',
    );
    if (done) {
      setTitle('');
      setQuestion('');
    }
  };

  return (
    <form className="new-object panel" onSubmit={submit} aria-labelledby="new-rfi-heading">
      <h3 id="new-rfi-heading">New RFI</h3>
      <label htmlFor="new-rfi-title">Title</label>
      <input id="new-rfi-title" value={title} onChange={(e) => setTitle(e.target.value)} required />
      <label htmlFor="new-rfi-question">Question</label>
      <textarea id="new-rfi-question" rows={2} value={question} onChange={(e) => setQuestion(e.target.value)} />
      <MarkingPicker context={picker} initial={snapshot.workspace?.defaultMarking} onChange={setMarking} />
      <ErrorMessage message={action.error} />
      <button type="submit" className="primary" disabled={action.busy || !marking?.ok || !title.trim()}>
        Raise RFI
      </button>
    </form>
  );
}
