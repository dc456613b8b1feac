// Moving an object among its siblings (drag or keyboard in the web client). Not a change of who
// sees it: no audit entry, no new epoch, and the stored fence stays, so edits in flight still land.
import type { Envelope } from '../../shared/protocol';
import type { Fanout } from '../rooms/fanout';
import type { Cell, CellRegistry } from '../workspaces/cellRegistry';
import type { Author } from './create';
import { checkOriginator } from './deletion';
import type { IndexedObject } from './objectIndex';
import { checkedOrderKey } from './orderKeys';

export interface ReorderPorts {
  cells: Pick<CellRegistry, 'reorder'>;
  fanout: Pick<Fanout, 'envelope'>;
}

/**
 * Moves a visible object among its siblings. The key is chosen by the client between the two
 * siblings it sees, checked for form only (./orderKeys.ts), so the answer says nothing of others.
 */
export async function moveObject(ports: ReorderPorts, cell: Cell, author: Author, entry: IndexedObject, orderKey: string): Promise<Envelope> {
  checkOriginator(author, entry.envelope.originator, 'move');
  const envelope = { ...entry.envelope, orderKey: checkedOrderKey(orderKey) };
  await ports.cells.reorder(cell, envelope);
  ports.fanout.envelope(cell, 'object:changed', envelope, cell.audience.levelsForObject(envelope.id));
  return envelope;
}
