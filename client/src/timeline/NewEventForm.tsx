// A new timeline event: title, time (UTC), details and marking.
import { useState, type FormEvent } from 'react';
import { ErrorMessage } from '../views/ErrorMessage';
import { useNewObject } from '../workspace/useNewObject';
import { fromUtcInput, toUtcInput } from './utcTime';

export function NewEventForm() {
  const [title, setTitle] = useState('');
  const [when, setWhen] = useState(() => toUtcInput(new Date().toISOString()));
  const [details, setDetails] = useState('');
  const { action, markingOk, markingPicker, create } = useNewObject();
  const iso = fromUtcInput(when);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!iso) return;
    const created = await create(() => ({ kind: 'event', fields: { title: title.trim(), when: iso }, body: details }), 'The event was not added');
    if (created) {
      setTitle('');
      setDetails('');
    }
  };

  return (
    <form className="new-object panel" onSubmit={submit} aria-labelledby="new-event-heading">
      <h3 id="new-event-heading">New event</h3>
      <label htmlFor="new-event-title">Title</label>
      <input id="new-event-title" value={title} onChange={(e) => setTitle(e.target.value)} required />
      <label htmlFor="new-event-when">When (UTC)</label>
      <input id="new-event-when" type="datetime-local" value={when} onChange={(e) => setWhen(e.target.value)} required />
      <label htmlFor="new-event-details">Details</label>
      <textarea id="new-event-details" rows={2} value={details} onChange={(e) => setDetails(e.target.value)} />
      {markingPicker()}
      <ErrorMessage message={action.error} />
      <button type="submit" className="primary" disabled={action.busy || !markingOk || !iso || !title.trim()}>
        Add event
      </button>
    </form>
  );
}
