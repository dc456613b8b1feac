// Adds a paragraph between two visible neighbours (fractional order keys), with its own marking.
import { generateKeyBetween } from 'fractional-indexing';
import { useId, useState, type FormEvent } from 'react';
import { ErrorMessage } from '../views/ErrorMessage';
import { useNewObject } from '../workspace/useNewObject';

interface Props {
  reportId: string;
  after: string | null;
  before: string | null;
  onDone?: () => void;
}

export function AddPortionForm({ reportId, after, before, onDone }: Props) {
  const id = useId();
  const [text, setText] = useState('');
  const { action, markingOk, markingPicker, create } = useNewObject();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const created = await create(
      () => ({ kind: 'portion', parentId: reportId, orderKey: generateKeyBetween(after, before), body: text }),
      'The paragraph was not added',
    );
    if (created) {
      setText('');
      onDone?.();
    }
  };

  return (
    <form className="add-portion panel" onSubmit={submit} aria-label={after ? 'Add a paragraph' : 'Add the first paragraph'}>
      <label htmlFor={`${id}-text`}>New paragraph</label>
      <textarea id={`${id}-text`} rows={3} value={text} onChange={(e) => setText(e.target.value)} />
      {markingPicker('Paragraph marking')}
      <ErrorMessage message={action.error} />
      <button type="submit" className="primary" disabled={action.busy || !markingOk}>
        Add paragraph
      </button>
    </form>
  );
}
