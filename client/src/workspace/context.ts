// What every panel of an open workspace needs: the picture shown (live or "view as"), the live
// session for actions (null while viewing as a partner), the author and the cell's markings.
import { createContext, useContext } from 'react';
import type { Envelope } from '../../../shared/protocol';
import type { CellMarkings } from '../markings/cell';
import type { PickerContext } from '../markings/pickerModel';
import type { Identity } from '../session/identity';
import type { Picture, PictureSnapshot } from '../session/picture';
import type { ReleaseBoard } from '../session/releaseBoard';
import type { PresenceUpdate, WorkspaceSession } from '../session/workspaceSession';

export interface WorkspaceContextValue {
  picture: Picture;
  snapshot: PictureSnapshot;
  /** Null when the picture is read-only (an FDO's "view as"). */
  session: WorkspaceSession | null;
  identity: Identity;
  canEdit: boolean;
  cell: CellMarkings;
  picker: PickerContext;
  setPresence: (update: PresenceUpdate | null) => void;
  byId: ReadonlyMap<string, Envelope>;
  /** Release requests of this participant (and, for FDOs, those to decide), live; null with `session`. */
  releases: ReleaseBoard | null;
  /** Brings an object into view: its tab, its report or its map selection, then focuses it. */
  openObject: (id: string) => void;
  /** The last object asked to be opened; `serial` tells two requests for the same object apart. */
  focus: FocusRequest | null;
}

export interface FocusRequest {
  id: string;
  serial: number;
}

export const WorkspaceContext = createContext<WorkspaceContextValue | null>(null);

export function useWorkspace(): WorkspaceContextValue {
  const value = useContext(WorkspaceContext);
  if (!value) throw new Error('useWorkspace outside a workspace view');
  return value;
}
