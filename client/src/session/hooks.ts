// React bindings of the session layer: re-render on a picture's or a doc's changes.
import { useMemo, useSyncExternalStore } from 'react';
import type * as Y from 'yjs';
import { fieldsOf } from '../../../shared/content';
import type { Picture, PictureSnapshot } from './picture';
import type { ReleaseBoard, ReleaseBoardSnapshot } from './releaseBoard';
import type { ObjectReplica } from './replica';

export function usePictureSnapshot(picture: Picture): PictureSnapshot {
  return useSyncExternalStore(picture.subscribe, picture.getSnapshot);
}

export function useReleaseBoard(board: ReleaseBoard): ReleaseBoardSnapshot {
  return useSyncExternalStore(board.subscribe, board.getSnapshot);
}

const noReplica = { subscribe: () => () => undefined, getVersion: () => -1 };

/** The replica's current doc (it is replaced on a new epoch), re-rendering on every change. */
export function useReplicaDoc(replica: ObjectReplica | undefined): Y.Doc | null {
  const source = replica ?? noReplica;
  useSyncExternalStore(source.subscribe, source.getVersion);
  return replica ? replica.doc : null;
}

/** A field of the doc's `fields` map, read on every render (call after useReplicaDoc). */
export function readField<T>(doc: Y.Doc | null, key: string, guard: (value: unknown) => value is T): T | undefined {
  if (!doc) return undefined;
  const value = fieldsOf(doc).get(key);
  return guard(value) ? value : undefined;
}

export const isString = (value: unknown): value is string => typeof value === 'string';

/** Re-renders when any of the listed objects' docs change (e.g. to sort by a field). */
export function useReplicasVersion(picture: Picture, ids: readonly string[]): string {
  // Keyed by replica serials, so a doc that arrives (or returns) later gets subscribed too.
  const replicas = ids.map((id) => picture.replica(id)).filter((replica): replica is ObjectReplica => replica !== undefined);
  const key = replicas.map((replica) => replica.serial).join(',');
  const subscribe = useMemo(
    () => (listener: () => void) => {
      const stops = replicas.map((replica) => replica.subscribe(listener));
      return () => stops.forEach((stop) => stop());
    },
    [key], // `key` names exactly these replicas
  );
  return useSyncExternalStore(subscribe, () => replicas.map((replica) => replica.version).join(','));
}
