// A new report: title and the marking of the title (paragraphs are marked one by one after).
import { useState, type FormEvent } from 'react';
import { ErrorMessage } from '../views/ErrorMessage';
import { useNewObject } from '../workspace/useNewObject';

export function NewReportForm({ onCreated }: { onCreated: (id: string) => void }) {
  const [title, setTitle] = useState('');
  const { action, markingOk, markingPicker, create } = useNewObject();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const created = await create(() => ({ kind: 'report', fields: { title: title.trim() } }), 'The report was not created');
    if (created) {
      setTitle('');
      onCreated(created.id);
    }
  };

  return (
    <form className="new-object panel" onSubmit={submit} aria-labelledby="new-report-title">
      <h3 id="new-report-title">New report</h3>
      <label htmlFor="new-report-name">Title</label>
      <input id="new-report-name" value={title} onChange={(e) => setTitle(e.target.value)} required />
      {markingPicker('Marking of the title')}
      <ErrorMessage message={action.error} />
      <button type="submit" className="primary" disabled={action.busy || !markingOk || !title.trim()}>
        Create report
      </button>
    </form>
  );
}
