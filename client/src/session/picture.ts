// What a workspace view renders from: the envelopes and docs one access level sees. A live
// WorkspaceSession and the FDO's read-only "view as" snapshot both provide it.
import type { Envelope, WorkspaceSummary } from '../../../shared/protocol';
import type { PresenceStore } from './presenceStore';
import type { ObjectReplica } from './replica';

export type PictureStatus = 'joining' | 'live' | 'offline' | 'failed';

export interface Notice {
  id: number;
  message: string;
}

export interface PictureSnapshot {
  status: PictureStatus;
  workspace: WorkspaceSummary | null;
  /** The server's name for this access level. */
  level: string | null;
  objects: readonly Envelope[];
  notices: readonly Notice[];
  /**
   * When the picture shown was last in step with the server, if it comes from this browser's disk
   * (a reload while the server is away); null once joined.
   */
  shownFrom: string | null;
}

export interface Picture {
  /** False for a "view as" snapshot: nothing in it may be edited or sent. */
  readonly editable: boolean;
  /** Others in the workspace (always empty in a "view as" snapshot). */
  readonly presence: PresenceStore;
  subscribe(listener: () => void): () => void;
  getSnapshot(): PictureSnapshot;
  replica(id: string): ObjectReplica | undefined;
}
