// A tearline: a new object derived from a more restricted one, to be sanitised and released.
// It starts with the source's kind, place and marking (nothing is released by creating it) and a
// fresh copy of the current content only: no deleted text, no history, no client ids of the
// source, so releasing the tearline later cannot leak what was edited out of the source.
import type * as Y from 'yjs';
import { encodeFreshContent } from '../../shared/content';
import type { Envelope } from '../../shared/protocol';
import type { NewObjectPayload } from '../objects/create';

/** The `object:create` payload for a tearline of `source`; create it with `sourceId: source.id`. */
export function tearlinePayload(source: Envelope, sourceDoc: Y.Doc): NewObjectPayload {
  return {
    workspaceId: source.workspaceId,
    kind: source.kind,
    marking: source.marking,
    ...(source.parentId ? { parentId: source.parentId } : {}),
    content: encodeFreshContent(sourceDoc),
  };
}
