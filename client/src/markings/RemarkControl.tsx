// Changes an object's marking, for those the server lets (remarkRight in shared/markings): editors
// of the originating nation narrow, its FDOs also widen. Narrowing removes the item from those who
// no longer qualify; widening releases only its current content (the server starts a new epoch).
// The preview names exactly who would see it: the markings it sits under count too.
import { useMemo, useState } from 'react';
import { MarkingError, type RemarkRight } from '../../../shared/markings';
import type { Envelope } from '../../../shared/protocol';
import { ErrorMessage } from '../views/ErrorMessage';
import { useWorkspace } from '../workspace/context';
import { useAction } from '../workspace/useAction';
import { ancestorMarkings, markingOf } from './cell';
import { MarkingPicker } from './MarkingPicker';
import type { PickerContext, PickerResult } from './pickerModel';

export function RemarkControl({ envelope, right, onClose }: { envelope: Envelope; right: Exclude<RemarkRight, 'none'>; onClose: () => void }) {
  const { session, picker, identity, byId } = useWorkspace();
  const [marking, setMarking] = useState<PickerResult | null>(null);
  const action = useAction();
  const context = useMemo((): PickerContext | null => {
    try {
      const from = markingOf(envelope.marking, envelope.originator, picker.cell.policy);
      return { ...picker, remarkOf: { from, actor: identity }, within: ancestorMarkings(envelope, byId, picker.cell.policy) };
    } catch (error) {
      if (error instanceof MarkingError) return null;
      throw error;
    }
  }, [envelope, picker, identity, byId]);

  const apply = async () => {
    if (!session || !marking?.ok) return;
    if (await action.run(() => session.remark(envelope.id, marking.banner, envelope.marking), 'The marking was not changed')) onClose();
  };

  return (
    <div className="remark panel">
      {context ? (
        <MarkingPicker context={context} initial={envelope.marking} onChange={setMarking} legend={`New marking (now ${envelope.portion})`} />
      ) : (
        <p className="muted">This item’s marking cannot be read here, so it cannot be changed here.</p>
      )}
      <p className="muted">
        {right === 'any'
          ? 'Narrowing removes the item at once from anyone no longer entitled; widening releases its current text only.'
          : `You may narrow it. Widening is a release, decided by a foreign disclosure officer of ${envelope.originator}: use Request release.`}
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
        <button type="button" onClick={onClose}>
          Cancel
        </button>
      </div>
    </div>
  );
}
