// Which cells are exercise cells, kept in memory by each store: only their writes record the
// replay's envelope history (exercise_history), so a write in a real cell issues no statement for
// it. A cell is an exercise cell from its creation and stays one (invariant 8): what is learnt of
// a cell once stays true, and no write asks the database again.
import type { WorkspaceRecord } from './types';

export class ExerciseCells {
  private readonly cells = new Map<string, boolean>();

  /** Learns a cell from its record (created, read or changed). */
  note(record: Pick<WorkspaceRecord, 'id' | 'exercise'>): void {
    this.cells.set(record.id, record.exercise === true);
  }

  /** Whether the cell is an exercise cell; undefined for a cell not learnt yet. */
  get(workspaceId: string): boolean | undefined {
    return this.cells.get(workspaceId);
  }
}

/** A moment as doc_history's `at` holds it (ISO 8601 UTC, milliseconds): such texts sort as their moments do. */
export const isoAt = (ms: number): string => new Date(ms).toISOString();
