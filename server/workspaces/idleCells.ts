// Cells leave a node's memory when nobody there uses them: no socket of the node joined, and no
// work on them under way (a socket event, a re-mark, a release being carried out, a relayed change
// being applied, an update being written, an exercise this node runs, presence still to send) for
// TEARLINE_CELL_IDLE_MS. Everything held for such a cell goes: its index and audiences, its live
// docs and cached stored states, and (through `forget`) the relay's numbers and gap timers for its
// objects, the marking versions held for them and, with several nodes, the reading of its relay
// shard when no other cell in memory is on it. The next join or request loads it from the store
// as a fresh node would: the relay follows the shard first (docs/deployment.md, "The relay").
import type { Logger } from 'pino';
import type { DocRegistry } from '../objects/docRegistry';
import type { CellRegistry } from './cellRegistry';

export interface IdleCellPorts {
  cells: Pick<CellRegistry, 'idle' | 'unload' | 'touch'>;
  docs: Pick<DocRegistry, 'writing' | 'drop'>;
  /** Whether the cell is in use on this node beyond what the registry sees (a socket joined, an exercise, presence waiting). */
  inUse(workspaceId: string): boolean;
  /** Forgets what else this node keeps for the cell's objects, once the cell is out of memory. */
  forget(workspaceId: string, objectIds: readonly string[]): void;
  idleMs: number;
  log: Pick<Logger, 'info'>;
}

/** Unloads the cells idle for `idleMs`; answers how many. */
export async function unloadIdleCells(ports: IdleCellPorts): Promise<number> {
  let unloaded = 0;
  for (const cell of ports.cells.idle(ports.idleMs)) {
    const id = cell.workspace.id;
    if (ports.inUse(id)) {
      // Idle from when it is last seen in use.
      ports.cells.touch(id);
      continue;
    }
    const objectIds = [...[...cell.index.all()].map((object) => object.envelope.id), ...cell.index.deletedIds()];
    if (await ports.docs.writing(objectIds)) {
      ports.cells.touch(id);
      continue;
    }
    // Asked again after that wait: a socket may have joined, or work started, meanwhile.
    if (ports.inUse(id) || !ports.cells.unload(cell, ports.idleMs)) continue;
    for (const objectId of objectIds) ports.docs.drop(objectId);
    ports.forget(id, objectIds);
    ports.log.info({ workspaceId: id, objects: objectIds.length, idleMs: ports.idleMs }, 'cell unloaded: nobody on this node used it for the idle time; it loads again from the store on its next use');
    unloaded++;
  }
  return unloaded;
}
