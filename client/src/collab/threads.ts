// Comment threads in a picture: a comment is an object of kind `comment` under what it is on, a
// reply under the comment it answers. Pure, over the envelopes this participant holds.
import { compareSiblings } from '../../../shared/siblings';
import type { Envelope } from '../../../shared/protocol';

/** The comments directly on `id` (threads, or replies to a comment), oldest first. */
export function commentsOn(objects: readonly Envelope[], id: string): Envelope[] {
  return objects.filter((o) => o.kind === 'comment' && o.parentId === id).sort(compareSiblings);
}

/** What a comment is ultimately on (its thread's object); the object itself for anything else. */
export function commentedObject(byId: ReadonlyMap<string, Envelope>, id: string): Envelope | undefined {
  let object = byId.get(id);
  while (object?.kind === 'comment' && object.parentId) object = byId.get(object.parentId);
  return object;
}
