// Changes an object's marking. Narrowing removes it from those who no longer qualify; widening
// releases only its current content (the server starts a new epoch).
import { useState } from 'react';
import type { Envelope } from '../../../shared/protocol';
import { ErrorMessage } from '../views/ErrorMessage';
import { useWorkspace } from '../workspace/context';
import { useAction } from '../workspace/useAction';
import { MarkingPicker } from './MarkingPicker';
import type { PickerResult } from './pickerModel';

export function RemarkControl({ envelope }: { envelope: Envelope }) {
  const { session, picker } = useWorkspace();
  const [open, setOpen] = useState(false);
  const [marking, setMarking] = useState<PickerResult | null>(null);
  const action = useAction();

  if (!open) {
    return (
      <button type="button" className="link-button" onClick={() => setOpen(true)} aria-label={`Change marking ${envelope.portion}`}>
        Change marking
      </button>
    );
  }

  const apply = async () => {
    if (!session || !marking?.ok) return;
    if (await action.run(() => session.remark(envelope.id, marking.banner), 'The marking was not changed')) setOpen(false);
  };

  return (
    <div className="remark panel">
      <MarkingPicker context={picker} initial={envelope.marking} onChange={setMarking} legend={`New marking (now ${envelope.portion})`} />
      <p className="muted">
        Narrowing removes the item at once from anyone no longer entitled; widening releases its current text only.
      </p>
      <ErrorMessage message={action.error} />
      <div className="actions">
        <button
          type="button"
          className="primary"
          disabled={action.busy || !marking?.ok || marking.banner === envelope.marking}
          onClick={apply}
        >
          Apply marking
        </button>
        <button type="button" onClick={() => setOpen(false)}>
          Cancel
        </button>
      </div>
    </div>
  );
}
