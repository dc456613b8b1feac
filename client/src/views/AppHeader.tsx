// Top bar: product, who is signed in, the socket's state, sign out.
import type { Connection } from '../session/connection';
import type { Identity } from '../session/identity';
import { ConnectionStatus } from './ConnectionStatus';
import { NationFlag } from './NationFlag';

interface Props {
  identity: Identity;
  connection: Connection | null;
  onSignOut: () => void;
}

export function AppHeader({ identity, connection, onSignOut }: Props) {
  return (
    <header className="app-header">
      <a className="brand" href="#/">
        Tearline
      </a>
      <nav aria-label="Main">
        <a href="#/">Workspaces</a>
      </nav>
      <div className="who" aria-label="Signed in as">
        <span className="who-name">{identity.name}</span>
        <NationFlag nation={identity.nation} />
        <span className="clearance">{identity.clearance}</span>
        <span className="muted">{identity.roles.join(', ')}</span>
      </div>
      {connection && <ConnectionStatus connection={connection} />}
      <button type="button" onClick={onSignOut}>
        Sign out
      </button>
    </header>
  );
}
