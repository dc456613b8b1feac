// Who is in the cell and where: the object they are in when it is releasable to us (the server
// strips it otherwise), else the panel they have open. We are listed first.
import { useSyncExternalStore } from 'react';
import type { PresenceState } from '../../../shared/protocol';
import type { PresenceStore } from '../session/presenceStore';
import { participantColor } from '../text/caretLayout';
import { NationFlag } from '../views/NationFlag';
import { useWorkspace } from './context';
import { objectLabel } from './objectLabel';

const VIEW_NAMES: Record<string, string> = { reports: 'Reports', timeline: 'Timeline', rfis: 'RFI board' };

export function PresenceList({ store }: { store: PresenceStore }) {
  const states = useSyncExternalStore(store.subscribe, store.getSnapshot);
  const { byId, picture, identity, session } = useWorkspace();
  const whereOf = (state: PresenceState): string => {
    const object = state.objectId && session ? byId.get(state.objectId) : undefined;
    if (object) return `in ${objectLabel(object, picture)}`;
    return state.view ? `in ${VIEW_NAMES[state.view] ?? state.view}` : 'in the cell';
  };
  return (
    <section className="presence" aria-label="Who is in the cell">
      <ul>
        <li className="presence-person">
          <span className="presence-dot" style={{ background: participantColor(identity.sub) }} aria-hidden="true" />
          <span className="presence-name">{identity.name} (you)</span>
          <NationFlag nation={identity.nation} />
        </li>
        {states.map((state) => (
          <li key={state.clientId} className="presence-person" data-presence={state.sub}>
            <span className="presence-dot" style={{ background: participantColor(state.sub) }} aria-hidden="true" />
            <span className="presence-name">{state.name}</span>
            <NationFlag nation={state.nation} />
            <span className="presence-where">{whereOf(state)}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}
