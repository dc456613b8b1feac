// The workspace layout at 1280×800: banners top and bottom, a bar with presence, "view as" and
// the workspace's pages, then the page: the map on the left and reports / timeline / RFIs /
// releases on the right, or the audit trail, or the sharing figures.
import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { AuditPage } from '../audit/AuditPage';
import { EvaluatorPage } from '../exercise/EvaluatorPage';
import { ExconPage } from '../exercise/ExconPage';
import { ExerciseBanner } from '../exercise/ExerciseBanner';
import type { ExerciseClock } from '../exercise/exerciseClock';
import type { Connection } from '../session/connection';
import { FiguresPage } from '../figures/FiguresPage';
import { rolledUpBanner } from '../markings/banner';
import { ClassificationBanner } from '../markings/ClassificationBanner';
import { workspaceMarkings } from '../markings/cell';
import { useReleaseBoard, usePictureSnapshot } from '../session/hooks';
import { canEdit, type Identity } from '../session/identity';
import type { ReleaseBoard } from '../session/releaseBoard';
import type { StaticPicture } from '../session/staticPicture';
import type { PresenceUpdate, WorkspaceSession } from '../session/workspaceSession';
import type { WorkspacePage } from '../useHashRoute';
import { workspaceHref } from '../useHashRoute';
import { ErrorMessage } from '../views/ErrorMessage';
import { MapPanel } from '../map/MapPanel';
import { WorkspaceContext, type FocusRequest, type WorkspaceContextValue } from './context';
import { focusObjectElement } from './focusObject';
import { Notices } from './Notices';
import { onScreen, tabOf, type WorkspaceTab } from './selectors';
import { SidePanel } from './SidePanel';
import { NotificationCentre } from '../collab/NotificationCentre';
import { SearchPanel } from '../search/SearchPanel';
import { WorkspaceBar } from './WorkspaceBar';

interface Props {
  session: WorkspaceSession;
  releases: ReleaseBoard;
  page: WorkspacePage;
  identity: Identity;
  /** The exercise clock (followed in exercise cells only) and the connection EXCON's page and the notifications ask through. */
  exercise: { clock: ExerciseClock; connection: Pick<Connection, 'request' | 'socket'> };
}

export function WorkspaceScreen({ session, releases, page, identity, exercise }: Props) {
  const live = usePictureSnapshot(session);
  const board = useReleaseBoard(releases);
  const [viewAs, setViewAs] = useState<StaticPicture | null>(null);
  // An observer or evaluator seat reads only: no edit affordances (the server refuses their edits too).
  const seat = useSyncExternalStore(exercise.clock.subscribe, exercise.clock.getSeat);
  const picture = viewAs ?? session;
  const snapshot = usePictureSnapshot(picture);
  const [tab, setTab] = useState<WorkspaceTab>('reports');
  // The picture (map and side panel) stays mounted, hidden, once shown: see below.
  const [pictureKept, setPictureKept] = useState(page === 'picture');
  if (page === 'picture' && !pictureKept) setPictureKept(true);
  const [openReportId, setOpenReportId] = useState<string | null>(null);
  const [focus, setFocus] = useState<FocusRequest | null>(null);
  const focusSerial = useRef(0);
  const workspace = live.workspace;
  const cell = useMemo(() => (workspace ? workspaceMarkings(workspace) : null), [workspace]);
  const byId = useMemo(() => new Map(snapshot.objects.map((object) => [object.id, object])), [snapshot.objects]);

  useEffect(() => () => viewAs?.destroy(), [viewAs]);
  useEffect(() => {
    if (page !== 'picture') setViewAs(null);
  }, [page]);
  useEffect(() => {
    if (!viewAs) session.setPresence({ view: tab });
  }, [session, tab, viewAs]);

  const openObject = useCallback(
    (id: string) => {
      // Read at call time: a caller may open an object it has just created.
      const object = picture.getSnapshot().objects.find((candidate) => candidate.id === id);
      if (!object) return;
      if (page !== 'picture') window.location.hash = workspaceHref(session.workspaceId);
      const objectTab = tabOf(object);
      if (objectTab) setTab(objectTab);
      if (object.kind === 'report') setOpenReportId(object.id);
      if (object.kind === 'portion' && object.parentId) setOpenReportId(object.parentId);
      setFocus({ id, serial: ++focusSerial.current });
    },
    [picture, page, session.workspaceId],
  );

  // The object may render a little later (its tab, its report, its doc): retry on each render until it is there.
  const focused = useRef(0);
  useEffect(() => {
    if (focus && focused.current !== focus.serial && focusObjectElement(focus.id)) focused.current = focus.serial;
  });

  // The tab is read when presence is sent, not captured: the context stays the same across tab
  // changes, so opening a tab re-renders what shows the tab and not every panel that reads the
  // context (the map's panel, the search, each mounted row).
  const shownTab = useRef(tab);
  shownTab.current = tab;
  const context = useMemo<WorkspaceContextValue | null>(() => {
    if (!cell) return null;
    const setPresence = (update: PresenceUpdate | null) => {
      const view = shownTab.current;
      if (!viewAs) session.setPresence(update ? { view, ...update } : { view });
    };
    return {
      picture,
      snapshot,
      session: viewAs ? null : session,
      identity,
      canEdit: !viewAs && seat === null && canEdit(identity),
      cell,
      picker: { cell, author: identity },
      setPresence,
      byId,
      releases: viewAs ? null : releases,
      openObject,
      focus,
    };
  }, [picture, snapshot, session, viewAs, seat, identity, cell, byId, releases, openObject, focus]);

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
  const listed = [...board.inbox, ...board.mine].map((request) => request.objectId);
  // The audit trail and the figures draw on everything this participant may see.
  const shown = page === 'picture' ? onScreen(snapshot.objects, tab, openReport, listed) : live.objects;
  const banner = rolledUpBanner(shown, cell.policy);

  return (
    <WorkspaceContext.Provider value={context}>
      <div className={`workspace ${viewAs && page === 'picture' ? 'viewing-as' : ''}`}>
        {workspace.exercise && <ExerciseBanner clock={exercise.clock} live={live.status === 'live'} />}
        <ClassificationBanner banner={banner} exercise={workspace.exercise} position="top" />
        <WorkspaceBar live={live} presence={session.presence} pendingEdits={session.pendingEdits} page={page} viewAs={viewAs} onViewAs={setViewAs} pendingReleases={board.inbox.length} seat={seat} />
        <div className="collab-bar">
          <NotificationCentre connection={exercise.connection} session={session} />
          {page === 'picture' && <SearchPanel />}
        </div>
        <Notices notices={live.notices} onDismiss={(id) => session.dismissNotice(id)} />
        {/* Hidden, not unmounted, while another page shows: coming back rebuilt the map (its engine
            and every feature, 130 ms of CPU at 5,000 objects) and lost its view. Hidden it has no
            size, so OpenLayers draws nothing; its data still follow the picture, drawn on return. */}
        {pictureKept && (
          <main className="workspace-main" aria-label={`Workspace ${workspace.name}`} hidden={page !== 'picture'}>
            <MapPanel />
            <SidePanel tab={tab} onTab={setTab} openReportId={openReport} onOpenReport={setOpenReportId} pendingReleases={board.inbox.length} />
          </main>
        )}
        {page === 'audit' && <AuditPage workspaceId={workspace.id} />}
        {page === 'figures' && <FiguresPage workspaceId={workspace.id} />}
        {page === 'exercise' && workspace.exercise && identity.roles.includes('excon') && <ExconPage connection={exercise.connection} workspaceId={workspace.id} nation={identity.nation} />}
        {page === 'exercise' && workspace.exercise && !identity.roles.includes('excon') && seat === 'evaluator' && <EvaluatorPage connection={exercise.connection} workspaceId={workspace.id} />}
        <ClassificationBanner banner={banner} exercise={workspace.exercise} position="bottom" />
      </div>
    </WorkspaceContext.Provider>
  );
}
