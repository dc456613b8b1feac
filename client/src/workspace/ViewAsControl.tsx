// "View as <partner>" for FDOs: asks the server for the exact picture a partner level sees.
import { useState, type FormEvent } from 'react';
import { describeError } from '../session/errors';
import type { StaticPicture } from '../session/staticPicture';
import { ErrorMessage } from '../views/ErrorMessage';
import { useWorkspace } from './context';

interface Props {
  viewAs: StaticPicture | null;
  onViewAs: (picture: StaticPicture | null) => void;
}

export function ViewAsControl({ viewAs, onViewAs }: Props) {
  const { cell, identity, session } = useWorkspace();
  const partners = cell.members.filter((nation) => nation !== identity.nation);
  const [nation, setNation] = useState(partners[0] ?? '');
  const [clearance, setClearance] = useState(cell.policy.levels.find((l) => l.rank === cell.systemHighRank)?.name ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  if (viewAs) {
    return (
      <button type="button" className="primary" onClick={() => onViewAs(null)}>
        Return to my view
      </button>
    );
  }

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!session || !nation) return;
    setBusy(true);
    setError(null);
    try {
      onViewAs(await session.viewAs({ nation, clearance, compartments: [] }));
    } catch (failure) {
      setError(`Could not show the partner's view: ${describeError(failure)}`);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="view-as" onSubmit={submit} aria-label="View as a partner">
      <label htmlFor="view-as-nation">View as</label>
      <select id="view-as-nation" value={nation} onChange={(e) => setNation(e.target.value)}>
        {partners.map((partner) => (
          <option key={partner}>{partner}</option>
        ))}
      </select>
      <label htmlFor="view-as-clearance" className="visually-hidden">
        Partner clearance
      </label>
      <select id="view-as-clearance" value={clearance} onChange={(e) => setClearance(e.target.value)}>
        {cell.policy.levels.map((level) => (
          <option key={level.code} value={level.name}>
            {level.name}
          </option>
        ))}
      </select>
      <button type="submit" disabled={busy || !nation}>
        {busy ? 'Asking the server…' : 'Show'}
      </button>
      <ErrorMessage message={error} />
    </form>
  );
}
