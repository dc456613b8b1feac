// Adds a paragraph between two visible neighbours (fractional order keys), with its own marking.
import { generateKeyBetween } from 'fractional-indexing';
import { useId, useState, type FormEvent } from 'react';
import { MarkingPicker } from '../markings/MarkingPicker';
import type { PickerResult } from '../markings/pickerModel';
import { ErrorMessage } from '../views/ErrorMessage';
import { useWorkspace } from '../workspace/context';
import { useAction } from '../workspace/useAction';

interface Props {
  reportId: string;
  after: string | null;
  before: string | null;
  onDone?: () => void;
}

export function AddPortionForm({ reportId, after, before, onDone }: Props) {
  const { session, picker, snapshot } = useWorkspace();
  const id = useId();
  const [text, setText] = useState('');
  const [marking, setMarking] = useState<PickerResult | null>(null);
  const action = useAction();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!session || !marking?.ok) return;
    const orderKey = generateKeyBetween(after, before);
    const done = await action.run(
      () => session.createObject({ kind: 'portion', marking: marking.banner, parentId: reportId, orderKey, body: text }),
      'The paragraph was not added',
    );
    if (done) {
      setText('');
      onDone?.();
    }
  };

  return (
    <form className="add-portion panel" onSubmit={submit} aria-label={after ? 'Add a paragraph' : 'Add the first paragraph'}>
      <label htmlFor={`${id}-text`}>New paragraph</label>
      <textarea id={`${id}-text`} rows={3} value={text} onChange={(e) => setText(e.target.value)} />
      <MarkingPicker context={picker} initial={snapshot.workspace?.defaultMarking} onChange={setMarking} legend="Paragraph marking" />
      <ErrorMessage message={action.error} />
      <button type="submit" className="primary" disabled={action.busy || !marking?.ok}>
        Add paragraph
      </button>
    </form>
  );
}
