// One paragraph of a report: its portion mark at its start, then its text, edited together.
import { useState } from 'react';
import type { Envelope } from '../../../shared/protocol';
import { PortionMark } from '../markings/PortionMark';
import { CollaborativeText } from '../text/CollaborativeText';
import { useWorkspace } from '../workspace/context';
import { ObjectActions } from '../workspace/ObjectActions';
import { useObjectPresence } from '../workspace/useObjectPresence';
import { AddPortionForm } from './AddPortionForm';

interface Props {
  portion: Envelope;
  index: number;
  /** Order key of the next paragraph this reader sees (null at the end). */
  nextKey: string | null;
}

export function PortionBlock({ portion, index, nextKey }: Props) {
  const { picture, cell, canEdit } = useWorkspace();
  const { others, onCursor } = useObjectPresence(portion.id);
  const [inserting, setInserting] = useState(false);
  const replica = picture.replica(portion.id);

  return (
    <div className="portion" data-portion-id={portion.id} data-marking={portion.portion}>
      <div className="portion-body">
        <PortionMark portion={portion.portion} marking={portion.marking} originator={portion.originator} policy={cell.policy} />
        {replica ? (
          <CollaborativeText
            replica={replica}
            label={`Paragraph ${index + 1}, marked ${portion.portion}`}
            readOnly={!canEdit}
            others={others}
            onCursor={onCursor}
          />
        ) : (
          <p className="muted">Loading…</p>
        )}
      </div>
      <div className="portion-actions">
        <ObjectActions envelope={portion} extra={canEdit ? [{ label: 'Insert paragraph below', onSelect: () => setInserting(true) }] : []} />
      </div>
      {inserting && (
        <AddPortionForm reportId={portion.parentId!} after={portion.orderKey} before={nextKey} onDone={() => setInserting(false)} />
      )}
    </div>
  );
}
