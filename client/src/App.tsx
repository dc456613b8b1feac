// The shell: sign-in until there is an identity, then one socket for the tab and the page the
// hash names. While the server hands out demonstration identities, every screen says so.
import { useEffect, useState } from 'react';
import { fetchPublicConfig } from './session/api';
import { Connection } from './session/connection';
import { clearOfflineData } from './session/offlineStore';
import { loadStoredIdentity, storeIdentity, type Identity } from './session/identity';
import { useHashRoute } from './useHashRoute';
import { AppHeader } from './views/AppHeader';
import { DemoIdentityStrip } from './views/DemoIdentityStrip';
import { NodeBadge } from './views/NodeBadge';
import { SignIn } from './views/SignIn';
import { WorkspaceList } from './views/WorkspaceList';
import { WorkspaceView } from './workspace/WorkspaceView';

export function App() {
  const [identity, setIdentity] = useState<Identity | null>(loadStoredIdentity);
  const [connection, setConnection] = useState<Connection | null>(null);
  const [devIdentity, setDevIdentity] = useState(false);
  const route = useHashRoute();

  // Asked again at each sign-in and sign-out; when the server cannot be reached, the page in view
  // says so itself, and the strip appears with the next answer.
  useEffect(() => {
    let live = true;
    fetchPublicConfig().then(
      (config) => live && setDevIdentity(config.devIdentity),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [identity]);

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
    // Unsent edits are classified material on this device: they go with the session. The open
    // workspace closes first (it writes what it still holds), then the stores are deleted.
    if (identity) setTimeout(() => void clearOfflineData(identity.sub).catch(() => undefined), 0);
    window.location.hash = '#/';
  };

  const strip = devIdentity && <DemoIdentityStrip />;
  if (!identity) {
    return (
      <>
        {strip}
        <SignIn onSignedIn={signIn} />
      </>
    );
  }
  return (
    <div className="app">
      {strip}
      <NodeBadge />
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
