// An object's version history as a reader receives it (history:list, history:version). Built on
// the server for one reader (server/history/), from the epochs that reader's level may see only.

/** Who wrote a version or a run of text, as the reader may know them. */
export interface HistoryActor {
  /** The writer's token `sub`; '' for a release's copy (the server writes a new epoch's first content). */
  sub: string;
  name: string;
  /** Trigraph; null when not known (a release's copy, or a writer who never joined the cell). */
  nation: string | null;
}

export interface VersionSummary {
  /** `<epoch>.<n>`: n counts from 0 (the epoch's first content) within the epoch, so it tells nothing of earlier epochs. */
  id: string;
  epoch: number;
  /** When it was stored (ISO 8601 UTC). */
  at: string;
  actor: HistoryActor;
  /** `created`, `edited`, or `released` (a new epoch's first content). */
  change: 'created' | 'edited' | 'released';
  /** Characters it inserted and deleted (text, all fields together). */
  inserted: number;
  deleted: number;
}

/** A run of text and who wrote it: an index into the view's `actors`. */
export interface AttributedRun {
  text: string;
  by: number;
}

export interface VersionView {
  version: VersionSummary;
  /** The body, then each text field (`title`, `name`, `answer`), each as runs of text by writer. */
  texts: { name: string; runs: AttributedRun[] }[];
  /** The other fields' values (geometry, when, status …) as plain JSON. */
  values: Record<string, unknown>;
  /** Everyone a run names, in the order first named: the legend. */
  actors: HistoryActor[];
}

/** A version id as `history:version` and `history:restore` take it. */
export const VERSION_ID = /^\d{1,9}\.\d{1,9}$/;
