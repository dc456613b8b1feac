// The in-memory picture of each open cell: its record, its object index and its audiences.
// Loaded from the store on first use; every change goes to the store first.
import type { MarkingPolicy } from '../../shared/markings';
import type { WorkspaceSummary } from '../../shared/protocol';
import { ObjectIndex } from '../objects/objectIndex';
import { Audience } from '../rooms/audience';
import type { Store } from '../store/types';
import { noSuchCell } from '../errors';
import { isMember, policyOf } from './workspaceService';

export interface Cell {
  workspace: WorkspaceSummary;
  policy: MarkingPolicy;
  index: ObjectIndex;
  audience: Audience;
}

export class CellRegistry {
  private readonly cells = new Map<string, Promise<Cell | undefined>>();

  constructor(private readonly store: Store) {}

  get(workspaceId: string): Promise<Cell | undefined> {
    let cell = this.cells.get(workspaceId);
    if (!cell) {
      cell = this.load(workspaceId);
      this.cells.set(workspaceId, cell);
      // A cell that does not exist yet may be created later: do not cache the miss.
      void cell.then((loaded) => loaded ?? this.cells.delete(workspaceId), () => this.cells.delete(workspaceId));
    }
    return cell;
  }

  /** The cell for a participant of `nation`; one it is not a member of answers like a missing one. */
  async forMember(workspaceId: string, nation: string): Promise<Cell> {
    const cell = await this.get(workspaceId);
    if (!cell || !isMember(cell.workspace, nation)) throw noSuchCell();
    return cell;
  }

  private async load(workspaceId: string): Promise<Cell | undefined> {
    const workspace = await this.store.getWorkspace(workspaceId);
    if (!workspace) return undefined;
    const policy = policyOf(workspace);
    const [envelopes, levels] = await Promise.all([
      this.store.listObjects(workspaceId),
      this.store.listLevels(workspaceId),
    ]);
    const index = new ObjectIndex(policy, envelopes);
    return { workspace, policy, index, audience: new Audience(index, levels) };
  }

  /** Records a level joining the cell, durably, before any fan-out relies on it. */
  async addLevel(cell: Cell, levelKey: string): Promise<void> {
    if (cell.audience.knownLevels().includes(levelKey)) return;
    await this.store.addLevel(cell.workspace.id, levelKey);
    cell.audience.addLevel(levelKey);
  }
}
