// The workspace layout at 1280×800: banners top and bottom, a bar with presence and "view as",
// the map on the left and reports / timeline / RFIs on the right.
import { useEffect, useMemo, useState } from 'react';
import { rolledUpBanner } from '../markings/banner';
import { ClassificationBanner } from '../markings/ClassificationBanner';
import { workspaceMarkings } from '../markings/cell';
import { usePictureSnapshot } from '../session/hooks';
import { canEdit, type Identity } from '../session/identity';
import type { StaticPicture } from '../session/staticPicture';
import type { PresenceUpdate, WorkspaceSession } from '../session/workspaceSession';
import { ErrorMessage } from '../views/ErrorMessage';
import { MapPanel } from '../map/MapPanel';
import { WorkspaceContext, type WorkspaceContextValue } from './context';
import { Notices } from './Notices';
import { onScreen, type WorkspaceTab } from './selectors';
import { SidePanel } from './SidePanel';
import { WorkspaceBar } from './WorkspaceBar';

interface Props {
  session: WorkspaceSession;
  identity: Identity;
}

export function WorkspaceScreen({ session, identity }: Props) {
  const live = usePictureSnapshot(session);
  const [viewAs, setViewAs] = useState<StaticPicture | null>(null);
  const picture = viewAs ?? session;
  const snapshot = usePictureSnapshot(picture);
  const [tab, setTab] = useState<WorkspaceTab>('reports');
  const [openReportId, setOpenReportId] = useState<string | null>(null);
  const workspace = live.workspace;
  const cell = useMemo(() => (workspace ? workspaceMarkings(workspace) : null), [workspace]);
  const byId = useMemo(() => new Map(snapshot.objects.map((object) => [object.id, object])), [snapshot.objects]);

  useEffect(() => () => viewAs?.destroy(), [viewAs]);
  useEffect(() => {
    if (!viewAs) session.setPresence({ view: tab });
  }, [session, tab, viewAs]);

  const context = useMemo<WorkspaceContextValue | null>(() => {
    if (!cell) return null;
    const setPresence = (update: PresenceUpdate | null) => {
      if (!viewAs) session.setPresence(update ? { view: tab, ...update } : { view: tab });
    };
    return {
      picture,
      snapshot,
      session: viewAs ? null : session,
      identity,
      canEdit: !viewAs && canEdit(identity),
      cell,
      picker: { cell, author: identity },
      setPresence,
      presence: viewAs ? [] : live.presence,
      byId,
    };
  }, [picture, snapshot, session, viewAs, identity, cell, tab, byId, live.presence]);

  if (!workspace || !cell || !context) {
    return (
      <main className="workspace-loading">
        {live.status === 'failed' ? <h1>This workspace could not be opened</h1> : <p>Opening the workspace…</p>}
        {live.notices.map((notice) => (
          <ErrorMessage key={notice.id} message={notice.message} />
        ))}
        <a href="#/">Back to workspaces</a>
      </main>
    );
  }

  const openReport = openReportId && byId.has(openReportId) ? openReportId : null;
  const banner = rolledUpBanner(onScreen(snapshot.objects, tab, openReport), cell.policy);

  return (
    <WorkspaceContext.Provider value={context}>
      <div className={`workspace ${viewAs ? 'viewing-as' : ''}`}>
        <ClassificationBanner banner={banner} exercise={workspace.exercise} position="top" />
        <WorkspaceBar live={live} viewAs={viewAs} onViewAs={setViewAs} />
        <Notices notices={live.notices} onDismiss={(id) => session.dismissNotice(id)} />
        <main className="workspace-main" aria-label={`Workspace ${workspace.name}`}>
          <MapPanel />
          <SidePanel tab={tab} onTab={setTab} openReportId={openReport} onOpenReport={setOpenReportId} />
        </main>
        <ClassificationBanner banner={banner} exercise={workspace.exercise} position="bottom" />
      </div>
    </WorkspaceContext.Provider>
  );
}
