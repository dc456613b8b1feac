// The workspace's name, the session's state, who is here, the FDO's "view as", and the pages.
import { useSyncExternalStore } from 'react';
import type { PictureSnapshot } from '../session/picture';
import type { PresenceStore } from '../session/presenceStore';
import type { WatcherSeat } from '../../../shared/protocol';
import { WatcherBadge } from '../exercise/WatcherBadge';
import { isFdo } from '../session/identity';
import { Dtg } from '../views/Dtg';
import type { StaticPicture } from '../session/staticPicture';
import type { ValueStore } from '../session/valueStore';
import { workspaceHref, type WorkspacePage } from '../useHashRoute';
import { useWorkspace } from './context';
import { levelName } from './levelName';
import { PresenceList } from './PresenceList';
import { ViewAsControl } from './ViewAsControl';

interface Props {
  live: PictureSnapshot;
  /** The live session's presence (shown while viewing as a partner too). */
  presence: PresenceStore;
  /** How many objects hold edits the server has not acknowledged (the live session's). */
  pendingEdits: ValueStore<number>;
  page: WorkspacePage;
  viewAs: StaticPicture | null;
  onViewAs: (picture: StaticPicture | null) => void;
  /** Release requests waiting for this FDO. */
  pendingReleases: number;
  /** How an exercise scenario seats this person, when as a read-only watcher. */
  seat: WatcherSeat | null;
}

const STATUS_TEXT: Record<PictureSnapshot['status'], string> = {
  joining: 'Synchronising…',
  live: 'Live',
  offline: 'Offline: your edits are kept and sent on reconnect',
  failed: 'Not synchronised',
};

/** Followed on its own: an edit waiting and then acknowledged re-renders this line only. */
function PendingEdits({ store }: { store: ValueStore<number> }) {
  const pending = useSyncExternalStore(store.subscribe, store.getSnapshot);
  if (pending === 0) return null;
  return (
    <span className="pending-edits" role="status">
      {pending} {pending === 1 ? 'item' : 'items'} with edits waiting to send
    </span>
  );
}

export function WorkspaceBar({ live, presence, pendingEdits, page, viewAs, onViewAs, pendingReleases, seat }: Props) {
  const { identity, snapshot, cell } = useWorkspace();
  const workspace = live.workspace!;
  const pages: { id: WorkspacePage; label: string }[] = [
    { id: 'picture', label: pendingReleases > 0 ? `Picture (${pendingReleases} to decide)` : 'Picture' },
    ...(identity.roles.some((role) => role === 'fdo' || role === 'admin' || role === 'excon') ? [{ id: 'audit' as const, label: 'Audit trail' }] : []),
    { id: 'figures', label: 'Sharing figures' },
    ...(workspace.exercise && identity.roles.includes('excon') ? [{ id: 'exercise' as const, label: 'Exercise control' }] : []),
    ...(workspace.exercise && !identity.roles.includes('excon') && seat === 'evaluator' ? [{ id: 'exercise' as const, label: 'Evaluation' }] : []),
  ];
  return (
    <div className="workspace-bar">
      <h1 className="workspace-name">
        {workspace.name}
        {workspace.exercise && <span className="exercise-tag">EXERCISE</span>}
      </h1>
      {seat && <WatcherBadge seat={seat} />}
      <span className={`sync-status sync-${live.status}`} role="status">
        {STATUS_TEXT[live.status]}
      </span>
      {live.shownFrom && (
        <span className="pending-edits" role="status">
          Offline: showing what you had at <Dtg iso={live.shownFrom} />
        </span>
      )}
      <PendingEdits store={pendingEdits} />
      <PresenceList store={presence} />
      <nav className="workspace-pages" aria-label="Workspace pages">
        {pages.map((p) => (
          <a key={p.id} href={workspaceHref(workspace.id, p.id)} aria-current={p.id === page ? 'page' : undefined}>
            {p.label}
          </a>
        ))}
      </nav>
      {isFdo(identity) && page === 'picture' && <ViewAsControl viewAs={viewAs} onViewAs={onViewAs} />}
      {viewAs && (
        <p className="view-as-note" role="status">
          Viewing as {levelName(snapshot.level ?? '', cell.policy)}: the picture the server releases to that level. Read-only.
        </p>
      )}
    </div>
  );
}
