// An open workspace: opens the live session for the route's workspace and closes it on leave.
import { useEffect, useState } from 'react';
import type { Connection } from '../session/connection';
import type { Identity } from '../session/identity';
import { WorkspaceSession } from '../session/workspaceSession';
import { WorkspaceScreen } from './WorkspaceScreen';

interface Props {
  workspaceId: string;
  identity: Identity;
  connection: Connection;
}

export function WorkspaceView({ workspaceId, identity, connection }: Props) {
  const [session, setSession] = useState<WorkspaceSession | null>(null);

  useEffect(() => {
    const opened = new WorkspaceSession(connection, workspaceId);
    setSession(opened);
    return () => {
      opened.close();
      setSession(null);
    };
  }, [connection, workspaceId]);

  if (!session) return null;
  return <WorkspaceScreen session={session} identity={identity} />;
}
