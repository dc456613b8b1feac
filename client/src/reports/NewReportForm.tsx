// A new report: title and the marking of the title (paragraphs are marked one by one after).
import { useState, type FormEvent } from 'react';
import { MarkingPicker } from '../markings/MarkingPicker';
import type { PickerResult } from '../markings/pickerModel';
import { ErrorMessage } from '../views/ErrorMessage';
import { useWorkspace } from '../workspace/context';
import { useAction } from '../workspace/useAction';

export function NewReportForm({ onCreated }: { onCreated: (id: string) => void }) {
  const { session, picker, snapshot } = useWorkspace();
  const [title, setTitle] = useState('');
  const [marking, setMarking] = useState<PickerResult | null>(null);
  const action = useAction();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!session || !marking?.ok) return;
    let id = '';
    const done = await action.run(async () => {
      id = (await session.createObject({ kind: 'report', marking: marking.banner, fields: { title: title.trim() } })).id;
    }, 'The report was not created');
    if (done) {
      setTitle('');
      onCreated(id);
    }
  };

  return (
    <form className="new-object panel" onSubmit={submit} aria-labelledby="new-report-title">
      <h3 id="new-report-title">New report</h3>
      <label htmlFor="new-report-name">Title</label>
      <input id="new-report-name" value={title} onChange={(e) => setTitle(e.target.value)} required />
      <MarkingPicker context={picker} initial={snapshot.workspace?.defaultMarking} onChange={setMarking} legend="Marking of the title" />
      <ErrorMessage message={action.error} />
      <button type="submit" className="primary" disabled={action.busy || !marking?.ok || !title.trim()}>
        Create report
      </button>
    </form>
  );
}
