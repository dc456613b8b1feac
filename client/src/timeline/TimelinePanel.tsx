// Timeline of events, in time order (UTC). Only the rows in view are mounted (VirtualList), and
// the panel re-renders when an event's time changes, not on every keystroke in one of them.
import { useCallback } from 'react';
import type { Envelope } from '../../../shared/protocol';
import { useDocKeys } from '../session/hooks';
import type { ObjectReplica } from '../session/replica';
import { VirtualList } from '../views/VirtualList';
import { useWorkspace } from '../workspace/context';
import { focusObjectElement } from '../workspace/focusObject';
import { ofKind } from '../workspace/selectors';
import { EventRow } from './EventRow';
import { NewEventForm } from './NewEventForm';

/** A row's height before it is measured, in px. */
const ROW_ESTIMATE_PX = 190;

/** The field the Timeline orders its events by (read ahead while idle: SidePanel). */
export const TIMELINE_KEY_FIELD = 'when';

/** An event's time, read without building the doc of an event not on screen. */
function whenOf(replica: ObjectReplica): string {
  const when = replica.field(TIMELINE_KEY_FIELD);
  return typeof when === 'string' ? when : '';
}

const idOf = (event: Envelope) => event.id;
const renderRow = (event: Envelope) => <EventRow event={event} />;

export function TimelinePanel() {
  const { snapshot, picture, canEdit, focus } = useWorkspace();
  const events = ofKind(snapshot.objects, 'event');
  const when = useDocKeys(picture, events.map(idOf), whenOf);
  const ordered = events
    .map((event) => ({ event, when: when.get(event.id) ?? '' }))
    .sort((a, b) => (a.when < b.when ? -1 : a.when > b.when ? 1 : 0))
    .map(({ event }) => event);
  const revealed = useCallback((id: string) => void focusObjectElement(id), []);

  return (
    <div className="timeline-panel">
      <h2>Timeline</h2>
      {ordered.length === 0 && <p className="muted">No events yet.</p>}
      <VirtualList as="ol" className="timeline" items={ordered} keyOf={idOf} render={renderRow} estimate={ROW_ESTIMATE_PX} reveal={focus} onRevealed={revealed} />
      {canEdit && <NewEventForm />}
    </div>
  );
}
