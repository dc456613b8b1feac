// The workspace's name, the session's state, who is here, and the FDO's "view as".
import type { PictureSnapshot } from '../session/picture';
import { isFdo } from '../session/identity';
import type { StaticPicture } from '../session/staticPicture';
import { useWorkspace } from './context';
import { levelName } from './levelName';
import { PresenceList } from './PresenceList';
import { ViewAsControl } from './ViewAsControl';

interface Props {
  live: PictureSnapshot;
  viewAs: StaticPicture | null;
  onViewAs: (picture: StaticPicture | null) => void;
}

const STATUS_TEXT: Record<PictureSnapshot['status'], string> = {
  joining: 'Synchronising…',
  live: 'Live',
  offline: 'Offline: your edits are kept and sent on reconnect',
  failed: 'Not synchronised',
};

export function WorkspaceBar({ live, viewAs, onViewAs }: Props) {
  const { identity, snapshot, cell } = useWorkspace();
  const workspace = live.workspace!;
  return (
    <div className="workspace-bar">
      <h1 className="workspace-name">
        {workspace.name}
        {workspace.exercise && <span className="exercise-tag">EXERCISE</span>}
      </h1>
      <span className={`sync-status sync-${live.status}`} role="status">
        {STATUS_TEXT[live.status]}
      </span>
      <PresenceList states={live.presence} />
      {isFdo(identity) && <ViewAsControl viewAs={viewAs} onViewAs={onViewAs} />}
      {viewAs && (
        <p className="view-as-note" role="status">
          Viewing as {levelName(snapshot.level ?? '', cell.policy)}: the picture the server releases to that level. Read-only.
        </p>
      )}
    </div>
  );
}
