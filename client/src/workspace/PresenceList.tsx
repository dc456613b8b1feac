// Who is in the cell and where: the object they are in when it is releasable to us (the server
// strips it otherwise), else the panel they have open.
import type { PresenceState } from '../../../shared/protocol';
import { participantColor } from '../text/caretLayout';
import { NationFlag } from '../views/NationFlag';
import { useWorkspace } from './context';
import { objectLabel } from './objectLabel';

const VIEW_NAMES: Record<string, string> = { reports: 'Reports', timeline: 'Timeline', rfis: 'RFI board', map: 'Map' };

export function PresenceList({ states }: { states: readonly PresenceState[] }) {
  const { byId, picture, selfClientId, session } = useWorkspace();
  const unique = [...new Map(states.map((state) => [state.clientId, state])).values()];
  return (
    <section className="presence" aria-label="Who is in the cell">
      <h2 className="visually-hidden">Present</h2>
      <ul>
        {unique.map((state) => {
          const object = state.objectId && session ? byId.get(state.objectId) : undefined;
          const where = object
            ? `in ${objectLabel(object, picture)}`
            : state.view
              ? `in ${VIEW_NAMES[state.view] ?? state.view}`
              : 'in the cell';
          return (
            <li key={state.clientId} className="presence-person" title={where}>
              <span className="presence-dot" style={{ background: participantColor(state.sub) }} aria-hidden="true" />
              <span className="presence-name">
                {state.name}
                {state.clientId === selfClientId ? ' (you)' : ''}
              </span>
              <NationFlag nation={state.nation} />
              <span className="presence-where">{where}</span>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
