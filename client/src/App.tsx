// The shell: sign-in until there is an identity, then one socket for the tab and the page the
// hash names.
import { useEffect, useState } from 'react';
import { Connection } from './session/connection';
import { loadStoredIdentity, storeIdentity, type Identity } from './session/identity';
import { useHashRoute } from './useHashRoute';
import { AppHeader } from './views/AppHeader';
import { SignIn } from './views/SignIn';
import { WorkspaceList } from './views/WorkspaceList';
import { WorkspaceView } from './workspace/WorkspaceView';

export function App() {
  const [identity, setIdentity] = useState<Identity | null>(loadStoredIdentity);
  const [connection, setConnection] = useState<Connection | null>(null);
  const route = useHashRoute();

  useEffect(() => {
    if (!identity) return;
    const opened = new Connection(identity.token);
    setConnection(opened);
    return () => {
      opened.close();
      setConnection(null);
    };
  }, [identity]);

  const signIn = (next: Identity) => {
    storeIdentity(next);
    setIdentity(next);
  };
  const signOut = () => {
    storeIdentity(null);
    setIdentity(null);
    window.location.hash = '#/';
  };

  if (!identity) return <SignIn onSignedIn={signIn} />;
  return (
    <div className="app">
      <AppHeader identity={identity} connection={connection} onSignOut={signOut} />
      {connection &&
        (route.page === 'workspace' ? (
          <WorkspaceView key={route.workspaceId} workspaceId={route.workspaceId} page={route.view} identity={identity} connection={connection} />
        ) : (
          <WorkspaceList identity={identity} />
        ))}
    </div>
  );
}
