// One timeline event: when (UTC), title, mark and details; a light read-only row (ItemPreview)
// until it is opened. Memoised: it re-renders for its own object (its doc, its presence), not
// when the timeline around it does.
import { memo } from 'react';
import type { Envelope } from '../../../shared/protocol';
import { fieldsOf, fieldText } from '../../../shared/content';
import { PortionMark } from '../markings/PortionMark';
import { isString, readField, useReplicaDoc } from '../session/hooks';
import { CollaborativeText } from '../text/CollaborativeText';
import { FieldInput } from '../text/FieldInput';
import { useWorkspace } from '../workspace/context';
import { ItemPreview, useOpened } from '../workspace/ItemPreview';
import { ObjectActions } from '../workspace/ObjectActions';
import { useObjectPresence } from '../workspace/useObjectPresence';
import { SimulatedTag } from '../exercise/SimulatedTag';
import { Dtg } from '../views/Dtg';
import { fromUtcInput, toUtcInput } from './utcTime';

export const EventRow = memo(function EventRow({ event }: { event: Envelope }) {
  const { picture, cell } = useWorkspace();
  const [opened, open] = useOpened(event.id);
  const replica = picture.replica(event.id);
  const doc = useReplicaDoc(replica);
  const when = readField(doc, 'when', isString);
  if (!opened) {
    return (
      <div className="event" data-event-id={event.id}>
        <div className="event-head">
          <Dtg iso={when} />
          <PortionMark portion={event.portion} marking={event.marking} originator={event.originator} policy={cell.policy} />
          <span className="item-title">{doc ? fieldText(doc, 'title') : ''}</span>
          <SimulatedTag envelope={event} />
        </div>
        <ItemPreview id={event.id} replica={replica} noun="event" onOpen={open} />
      </div>
    );
  }
  return <EventEditor event={event} when={when} />;
});

/** The opened event: every field editable in place, with others' carets. */
function EventEditor({ event, when }: { event: Envelope; when: string | undefined }) {
  const { picture, cell, canEdit } = useWorkspace();
  const { others, onCursor } = useObjectPresence(event.id);
  const replica = picture.replica(event.id);
  const doc = useReplicaDoc(replica);

  return (
    <div className="event" data-event-id={event.id}>
      <div className="event-head">
        <Dtg iso={when} />
        <PortionMark portion={event.portion} marking={event.marking} originator={event.originator} policy={cell.policy} />
        <FieldInput replica={replica} field="title" label="Event title" readOnly={!canEdit} className="event-title" />
      </div>
      {canEdit && doc && (
        <label className="inline-field">
          When (UTC)
          <input
            type="datetime-local"
            value={toUtcInput(when)}
            onChange={(e) => {
              const iso = fromUtcInput(e.target.value);
              if (iso) fieldsOf(doc).set('when', iso);
            }}
          />
        </label>
      )}
      {replica && (
        <CollaborativeText replica={replica} label={`Details of event, marked ${event.portion}`} readOnly={!canEdit} others={others} onCursor={onCursor} placeholder="Details" />
      )}
      <ObjectActions envelope={event} />
    </div>
  );
}
