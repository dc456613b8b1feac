// One RFI: mark, title, question, the nation assigned to answer it, its answers and its status; a
// light read-only card (ItemPreview) until it is opened. Memoised: it re-renders for its own
// object, not when the board around it does.
import { memo, useId } from 'react';
import type { Envelope } from '../../../shared/protocol';
import { fieldsOf, fieldText } from '../../../shared/content';
import { PortionMark } from '../markings/PortionMark';
import { isString, readField, useReplicaDoc } from '../session/hooks';
import { CollaborativeText } from '../text/CollaborativeText';
import { FieldInput } from '../text/FieldInput';
import { useWorkspace } from '../workspace/context';
import { ItemPreview, useOpened } from '../workspace/ItemPreview';
import { ObjectActions } from '../workspace/ObjectActions';
import { SimulatedTag } from '../exercise/SimulatedTag';
import { useObjectPresence } from '../workspace/useObjectPresence';
import { RfiAnswers } from './RfiAnswers';
import { RFI_STATUSES, STATUS_LABELS, statusOf } from './rfiStatus';

export const RfiCard = memo(function RfiCard({ rfi }: { rfi: Envelope }) {
  const { picture, cell } = useWorkspace();
  const [opened, open] = useOpened(rfi.id);
  const replica = picture.replica(rfi.id);
  const doc = useReplicaDoc(replica);
  if (opened) return <RfiEditor rfi={rfi} />;
  const assigned = readField(doc, 'assignedNation', isString);
  return (
    <article className="rfi-card" data-rfi-id={rfi.id} aria-label="Request for information">
      <div className="rfi-head">
        <PortionMark portion={rfi.portion} marking={rfi.marking} originator={rfi.originator} policy={cell.policy} />
        <span className="item-title">{doc ? fieldText(doc, 'title') : ''}</span>
        <SimulatedTag envelope={rfi} />
      </div>
      <ItemPreview id={rfi.id} replica={replica} noun="request for information" onOpen={open} />
      <p className="muted">{assigned ? `Assigned to ${assigned}` : 'Nobody assigned yet'}</p>
    </article>
  );
});

/** The opened RFI: every field editable in place, with others' carets. */
function RfiEditor({ rfi }: { rfi: Envelope }) {
  const { picture, cell, canEdit } = useWorkspace();
  const { others, onCursor } = useObjectPresence(rfi.id);
  const id = useId();
  const replica = picture.replica(rfi.id);
  const doc = useReplicaDoc(replica);
  const status = statusOf(readField(doc, 'status', isString));
  const assigned = readField(doc, 'assignedNation', isString) ?? '';
  const set = (key: string, value: string) => doc && fieldsOf(doc).set(key, value);

  return (
    <article className="rfi-card" data-rfi-id={rfi.id} aria-label="Request for information">
      <div className="rfi-head">
        <PortionMark portion={rfi.portion} marking={rfi.marking} originator={rfi.originator} policy={cell.policy} />
        <FieldInput replica={replica} field="title" label="RFI title" readOnly={!canEdit} className="rfi-title" />
      </div>
      {replica && (
        <CollaborativeText replica={replica} label={`Question, marked ${rfi.portion}`} readOnly={!canEdit} others={others} onCursor={onCursor} placeholder="The question" />
      )}
      <div className="rfi-controls">
        <label htmlFor={`${id}-nation`}>Assigned to</label>
        <select
          id={`${id}-nation`}
          value={assigned}
          disabled={!canEdit || !doc}
          onChange={(e) => {
            doc?.transact(() => {
              set('assignedNation', e.target.value);
              if (status === 'open' && e.target.value) set('status', 'assigned');
            });
          }}
        >
          <option value="">Nobody yet</option>
          {cell.members.map((nation) => (
            <option key={nation}>{nation}</option>
          ))}
        </select>
        <label htmlFor={`${id}-status`}>Status</label>
        <select id={`${id}-status`} value={status} disabled={!canEdit || !doc} onChange={(e) => set('status', e.target.value)}>
          {RFI_STATUSES.map((value) => (
            <option key={value} value={value}>
              {STATUS_LABELS[value]}
            </option>
          ))}
        </select>
      </div>
      <RfiAnswers rfi={rfi} onAnswered={() => status !== 'answered' && set('status', 'answered')} />
      <ObjectActions envelope={rfi} />
    </article>
  );
}
