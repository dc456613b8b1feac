// The cursor a participant shares in presence: Yjs relative positions (they survive concurrent
// edits) plus the epoch they belong to, since positions mean nothing in another epoch's doc.
import * as Y from 'yjs';

export interface SharedCursor {
  epoch: number;
  anchor: unknown;
  head: unknown;
}

export function encodeCursor(text: Y.Text, epoch: number, anchor: number, head: number): SharedCursor {
  return {
    epoch,
    anchor: Y.relativePositionToJSON(Y.createRelativePositionFromTypeIndex(text, anchor)),
    head: Y.relativePositionToJSON(Y.createRelativePositionFromTypeIndex(text, head)),
  };
}

function absolute(text: Y.Text, json: unknown): number | null {
  if (typeof json !== 'object' || json === null) return null;
  try {
    const position = Y.createAbsolutePositionFromRelativePosition(Y.createRelativePositionFromJSON(json), text.doc!);
    return position && position.type === text ? position.index : null;
  } catch {
    return null;
  }
}

/** The cursor's indexes in this doc, or null when it is from another epoch or unreadable. */
export function decodeCursor(text: Y.Text, epoch: number, cursor: unknown): { anchor: number; head: number } | null {
  if (typeof cursor !== 'object' || cursor === null || !text.doc) return null;
  const shared = cursor as Partial<SharedCursor>;
  if (shared.epoch !== epoch) return null;
  const anchor = absolute(text, shared.anchor);
  const head = absolute(text, shared.head);
  return anchor === null || head === null ? null : { anchor, head };
}
