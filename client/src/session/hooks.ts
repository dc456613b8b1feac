// React bindings of the session layer: re-render on a picture's or a doc's changes.
import { useCallback, useMemo, useSyncExternalStore } from 'react';
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
  const subscribe = useCallback((listener: () => void) => source.subscribe(listener), [source]);
  const getVersion = useCallback(() => source.getVersion(), [source]);
  useSyncExternalStore(subscribe, getVersion);
  return replica ? replica.doc : null;
}

/** A field of the doc's `fields` map, read on every render (call after useReplicaDoc). */
export function readField<T>(doc: Y.Doc | null, key: string, guard: (value: unknown) => value is T): T | undefined {
  if (!doc) return undefined;
  const value = fieldsOf(doc).get(key);
  return guard(value) ? value : undefined;
}

export const isString = (value: unknown): value is string => typeof value === 'string';

/**
 * A key per listed object read from its replica (an event's time, an RFI's status), re-rendering
 * only when one of the keys changes: typing in one item of a 5,000-item panel does not re-render
 * the panel, only that item. A key read with `replica.field` builds no doc; one read from
 * `replica.doc` builds it.
 */
export function useDocKeys(picture: Picture, ids: readonly string[], keyOf: (replica: ObjectReplica) => string): ReadonlyMap<string, string> {
  const replicas = ids.map((id) => picture.replica(id)).filter((replica): replica is ObjectReplica => replica !== undefined);
  // Keyed by replica serials, so a doc that arrives (or returns) later gets subscribed too.
  const serials = replicas.map((replica) => replica.serial).join(',');
  const store = useMemo(() => {
    const read = () => new Map(replicas.map((replica) => [replica.id, keyOf(replica)]));
    let keys = read();
    return {
      subscribe: (listener: () => void) => {
        const stops = replicas.map((replica) =>
          replica.subscribe(() => {
            const key = keyOf(replica);
            if (keys.get(replica.id) === key) return;
            keys = new Map(keys).set(replica.id, key);
            listener();
          }),
        );
        // Changes between the first read and this subscription count too.
        const fresh = read();
        if (Array.from(fresh).some(([id, key]) => keys.get(id) !== key)) keys = fresh;
        return () => stops.forEach((stop) => stop());
      },
      getSnapshot: () => keys,
    };
  }, [serials, keyOf]); // `serials` names exactly these replicas
  return useSyncExternalStore(store.subscribe, store.getSnapshot);
}
