// Presence of others inside one object, and a callback to share our own cursor there. Subscribed
// to that object's presence only: someone's cursor elsewhere does not re-render this component.
import { useCallback, useSyncExternalStore } from 'react';
import type { PresenceState } from '../../../shared/protocol';
import type { SharedCursor } from '../text/cursor';
import { useWorkspace } from './context';

export function useObjectPresence(objectId: string): {
  others: readonly PresenceState[];
  onCursor: (cursor: SharedCursor | null) => void;
} {
  const { picture, setPresence } = useWorkspace();
  const store = picture.presence;
  const subscribe = useCallback((listener: () => void) => store.subscribeObject(objectId, listener), [store, objectId]);
  const others = useSyncExternalStore(subscribe, () => store.of(objectId));
  const onCursor = useCallback((cursor: SharedCursor | null) => setPresence(cursor ? { objectId, cursor } : null), [setPresence, objectId]);
  return { others, onCursor };
}
