// One demo persona as a button: name, nation flag, clearance, roles.
import type { Persona } from '../session/api';
import { NationFlag } from './NationFlag';

interface Props {
  persona: Persona;
  busy: boolean;
  disabled: boolean;
  onChoose: (persona: Persona) => void;
}

export function PersonaCard({ persona, busy, disabled, onChoose }: Props) {
  const roles = persona.roles.join(', ') || 'no roles';
  return (
    <button
      type="button"
      className="persona-card"
      data-persona={persona.id}
      disabled={disabled}
      aria-label={`Sign in as ${persona.name}, ${persona.nation}, cleared ${persona.clearance}, roles ${roles}`}
      onClick={() => onChoose(persona)}
    >
      <span className="persona-name">{persona.name}</span>
      <span className="persona-meta">
        <NationFlag nation={persona.nation} />
        <span className="clearance">{persona.clearance}</span>
        {persona.compartments.length > 0 && <span>{persona.compartments.join('/')}</span>}
      </span>
      <span className="persona-roles">{busy ? 'Signing in…' : roles}</span>
    </button>
  );
}
