// A writer's replica of one object's doc: each edit of its body is sent as an update against what
// the replica had, as a client sends it.
import * as Y from 'yjs';
import { bodyOf } from '../../shared/content';

export function textReplica(state: Uint8Array) {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, state);
  return {
    doc,
    edit(change: (text: Y.Text) => void): Uint8Array {
      const before = Y.encodeStateVector(doc);
      change(bodyOf(doc));
      return Y.encodeStateAsUpdate(doc, before);
    },
  };
}
