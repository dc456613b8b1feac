// Presence of others inside one object, and a callback to share our own cursor there.
import { useMemo } from 'react';
import type { PresenceState } from '../../../shared/protocol';
import type { SharedCursor } from '../text/cursor';
import { useWorkspace } from './context';

export function useObjectPresence(objectId: string): {
  others: PresenceState[];
  onCursor: (cursor: SharedCursor | null) => void;
} {
  const { presence, setPresence } = useWorkspace();
  const others = useMemo(() => presence.filter((state) => state.objectId === objectId), [presence, objectId]);
  return { others, onCursor: (cursor) => setPresence(cursor ? { objectId, cursor } : null) };
}
