// A new request for information: title, question and marking; it starts open.
import { useState, type FormEvent } from 'react';
import { ErrorMessage } from '../views/ErrorMessage';
import { useNewObject } from '../workspace/useNewObject';

export function NewRfiForm() {
  const [title, setTitle] = useState('');
  const [question, setQuestion] = useState('');
  const { action, markingOk, markingPicker, create } = useNewObject();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const created = await create(
      () => ({ kind: 'rfi', fields: { title: title.trim(), status: 'open', assignedNation: '', answer: '' }, body: question }),
      'The RFI was not raised',
    );
    if (created) {
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
      {markingPicker()}
      <ErrorMessage message={action.error} />
      <button type="submit" className="primary" disabled={action.busy || !markingOk || !title.trim()}>
        Raise RFI
      </button>
    </form>
  );
}
