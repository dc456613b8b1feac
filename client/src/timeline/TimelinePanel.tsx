// Timeline of events, in time order (UTC).
import type { Envelope } from '../../../shared/protocol';
import { fieldsOf } from '../../../shared/content';
import { useReplicasVersion } from '../session/hooks';
import type { Picture } from '../session/picture';
import { useWorkspace } from '../workspace/context';
import { ofKind } from '../workspace/selectors';
import { EventRow } from './EventRow';
import { NewEventForm } from './NewEventForm';

function whenOf(picture: Picture, event: Envelope): string {
  const doc = picture.replica(event.id)?.doc;
  const when = doc ? fieldsOf(doc).get('when') : undefined;
  return typeof when === 'string' ? when : '';
}

export function TimelinePanel() {
  const { snapshot, picture, canEdit } = useWorkspace();
  const events = ofKind(snapshot.objects, 'event');
  useReplicasVersion(picture, events.map((event) => event.id));
  const ordered = events
    .map((event) => ({ event, when: whenOf(picture, event) }))
    .sort((a, b) => (a.when < b.when ? -1 : a.when > b.when ? 1 : 0));

  return (
    <div className="timeline-panel">
      <h2>Timeline</h2>
      {ordered.length === 0 && <p className="muted">No events yet.</p>}
      <ol className="timeline">
        {ordered.map(({ event }) => (
          <li key={event.id}>
            <EventRow event={event} />
          </li>
        ))}
      </ol>
      {canEdit && <NewEventForm />}
    </div>
  );
}
