// An open workspace: opens the live session and its release board for the route's workspace,
// keeps them across its pages (picture, audit trail, figures) and closes them on leave.
import { useEffect, useState } from 'react';
import type { WorkspacePage } from '../useHashRoute';
import type { Connection } from '../session/connection';
import type { Identity } from '../session/identity';
import { ExerciseClock } from '../exercise/exerciseClock';
import { openOfflineStore } from '../session/offlineStore';
import { ReleaseBoard } from '../session/releaseBoard';
import { WorkspaceSession } from '../session/workspaceSession';
import { WorkspaceScreen } from './WorkspaceScreen';

interface Props {
  workspaceId: string;
  page: WorkspacePage;
  identity: Identity;
  connection: Connection;
}

export function WorkspaceView({ workspaceId, page, identity, connection }: Props) {
  const [opened, setOpened] = useState<{ session: WorkspaceSession; releases: ReleaseBoard; clock: ExerciseClock } | null>(null);

  useEffect(() => {
    const session = new WorkspaceSession(connection, workspaceId, openOfflineStore(identity.sub, workspaceId));
    const releases = new ReleaseBoard(connection, session, identity);
    setOpened({ session, releases, clock: new ExerciseClock(connection, workspaceId) });
    return () => {
      releases.close();
      session.close();
      setOpened(null);
    };
  }, [connection, workspaceId, identity]);

  if (!opened) return null;
  return (
    <WorkspaceScreen session={opened.session} releases={opened.releases} page={page} identity={identity} exercise={{ clock: opened.clock, connection }} />
  );
}
