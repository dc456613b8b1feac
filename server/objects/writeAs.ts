// An edit the server writes for a simulated persona (an exercise's `edit` inject), along the path
// a player's doc:update takes: the update is checked against the doc, made durable, applied, then
// fanned out to the levels that may see the object. It is made on a copy of the object's current
// content with a Yjs client id of its own, bound to the persona like any writer's.
import * as Y from 'yjs';
import type { Fanout } from '../rooms/fanout';
import type { Cell } from '../workspaces/cellRegistry';
import type { DocRegistry } from './docRegistry';

export interface WriteAsPorts {
  docs: Pick<DocRegistry, 'encodeState' | 'update'>;
  fanout: Pick<Fanout, 'update'>;
}

/** Writes what `change` does to the object's content, as `author` (a token subject). */
export async function writeAs(ports: WriteAsPorts, cell: Cell, objectId: string, author: string, change: (doc: Y.Doc) => void): Promise<void> {
  const { epoch, update: state } = await ports.docs.encodeState(objectId);
  const doc = new Y.Doc();
  Y.applyUpdate(doc, state);
  const before = Y.encodeStateVector(doc);
  change(doc);
  const update = Y.encodeStateAsUpdate(doc, before);
  doc.destroy();
  const receivedAt = performance.now();
  const { seq } = await ports.docs.update(objectId, epoch, update, author);
  // No sending socket: every reader of the object receives it.
  ports.fanout.update(cell, objectId, epoch, update, '', receivedAt, { from: seq, to: seq });
}
