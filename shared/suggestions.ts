// Suggestions: tracked insertions and deletions proposed for a paragraph's text (its `body`
// Y.Text) by an editor of another nation, for an editor of the originator nation to accept or
// reject. Each change is anchored with Yjs relative positions, so it stays where it was meant
// while others type elsewhere; when the text it touches changed since, it conflicts and is never
// applied somewhere it was not meant. Pure: the client builds and shows, the server checks and applies.
import * as Y from 'yjs';
import { fromBase64, toBase64 } from 'lib0/buffer';

/** A cell's rule for editing another nation's paragraph: suggest (the default) or edit it directly. */
export const CROSS_NATION_EDITING = ['suggest', 'direct'] as const;
export type CrossNationEditing = (typeof CROSS_NATION_EDITING)[number];
export const DEFAULT_CROSS_NATION_EDITING: CrossNationEditing = 'suggest';

/**
 * One tracked change. Positions are encoded Yjs relative positions (base64):
 * - insert: `text` goes between the character before `after` and the one at `at`; both anchors
 *   are kept so that text typed at that very place since is noticed;
 * - delete: the characters from `from` to `to`, which must still read `text`.
 */
export type SuggestionOp =
  | { kind: 'insert'; at: string; after: string; text: string }
  | { kind: 'delete'; from: string; to: string; text: string };

/** Limits a suggestion stays within (checked by the server's schema). */
export const SUGGESTION_LIMITS = { maxOps: 200, maxText: 10_000, maxPosition: 256 } as const;

/** A change resolved against the text as it is now: at `index`, remove `remove` characters, then insert `insert`. */
export interface Step {
  index: number;
  remove: number;
  insert: string;
}

export type Resolution = { ok: true; steps: Step[] } | { ok: false; reason: string };

function encode(position: Y.RelativePosition): string {
  return toBase64(Y.encodeRelativePosition(position));
}

/** Where an encoded position is in `text` now, or null when it is not a position in that text. */
function indexOf(text: Y.Text, encoded: string): number | null {
  let position: Y.RelativePosition;
  try {
    position = Y.decodeRelativePosition(fromBase64(encoded));
  } catch {
    return null;
  }
  if (!text.doc) return null;
  const absolute = Y.createAbsolutePositionFromRelativePosition(position, text.doc);
  return absolute && absolute.type === text ? absolute.index : null;
}

/** The ops for an edit of the whole text from `before` (what `text` holds now) to `after`, by words. */
export function opsForEdit(text: Y.Text, after: string): SuggestionOp[] {
  const before = text.toString();
  const ops: SuggestionOp[] = [];
  for (const change of diffWords(before, after)) {
    if (change.removed.length > 0) {
      const end = change.index + change.removed.length;
      ops.push({
        kind: 'delete',
        from: encode(Y.createRelativePositionFromTypeIndex(text, change.index, 0)),
        to: encode(Y.createRelativePositionFromTypeIndex(text, end, -1)),
        text: change.removed,
      });
    }
    if (change.inserted.length > 0) {
      const at = change.index + change.removed.length;
      ops.push({
        kind: 'insert',
        at: encode(Y.createRelativePositionFromTypeIndex(text, at, 0)),
        after: encode(Y.createRelativePositionFromTypeIndex(text, at, -1)),
        text: change.inserted,
      });
    }
  }
  return ops;
}

const CONFLICT = 'The paragraph has changed where this suggestion applies since it was made';

/**
 * Where each op applies in `text` now, or why it cannot: an anchor that is not in this text, text
 * to delete that reads differently now, text typed at an insertion's place since, or changes that
 * overlap (never made by a client, so refused whatever their anchors).
 */
export function resolveOps(text: Y.Text, ops: readonly SuggestionOp[]): Resolution {
  const steps: Step[] = [];
  const current = text.toString();
  for (const op of ops) {
    if (op.kind === 'delete') {
      const from = indexOf(text, op.from);
      const to = indexOf(text, op.to);
      if (from === null || to === null) return { ok: false, reason: 'The suggestion points outside this paragraph.' };
      if (current.slice(from, to) !== op.text) return { ok: false, reason: `${CONFLICT}: "${op.text}" no longer reads the same.` };
      steps.push({ index: from, remove: to - from, insert: '' });
    } else {
      const at = indexOf(text, op.at);
      const after = indexOf(text, op.after);
      if (at === null || after === null) return { ok: false, reason: 'The suggestion points outside this paragraph.' };
      if (at !== after) return { ok: false, reason: `${CONFLICT}: text was written where "${op.text}" would go.` };
      steps.push({ index: at, remove: 0, insert: op.text });
    }
  }
  steps.sort((a, b) => a.index - b.index || b.remove - a.remove);
  for (let i = 1; i < steps.length; i++) {
    const previous = steps[i - 1]!;
    const step = steps[i]!;
    const twoInsertions = step.remove === 0 && previous.remove === 0 && step.index === previous.index;
    if (step.index < previous.index + previous.remove || twoInsertions) return { ok: false, reason: 'The suggestion has changes that overlap.' };
  }
  return { ok: true, steps };
}

/** Applies resolved steps to `text`, last first so that earlier indexes stay true. */
export function applySteps(text: Y.Text, steps: readonly Step[]): void {
  const apply = () => {
    for (let i = steps.length - 1; i >= 0; i--) {
      const step = steps[i]!;
      if (step.remove > 0) text.delete(step.index, step.remove);
      if (step.insert) text.insert(step.index, step.insert);
    }
  };
  if (text.doc) text.doc.transact(apply);
  else apply();
}

/** A run of the paragraph as a suggestion shows it. */
export interface Segment {
  kind: 'same' | 'insert' | 'delete';
  text: string;
}

/** The paragraph with the suggestion's changes shown in place (insertions and deletions marked). */
export function segmentsOf(current: string, steps: readonly Step[]): Segment[] {
  const out: Segment[] = [];
  const push = (kind: Segment['kind'], text: string) => {
    if (text) out.push({ kind, text });
  };
  let at = 0;
  for (const step of steps) {
    push('same', current.slice(at, step.index));
    push('delete', current.slice(step.index, step.index + step.remove));
    push('insert', step.insert);
    at = step.index + step.remove;
  }
  push('same', current.slice(at));
  return out;
}

interface Change {
  /** Where in `before` the change starts. */
  index: number;
  removed: string;
  inserted: string;
}

/** Words, runs of spaces and single other characters: the units a suggestion marks as changed. */
function tokens(text: string): string[] {
  return text.match(/\s+|[\p{L}\p{N}_]+|[^\s\p{L}\p{N}_]/gu) ?? [];
}

/** A word-level diff (longest common subsequence) of `before` and `after`, as contiguous changes. */
export function diffWords(before: string, after: string): Change[] {
  const a = tokens(before);
  const b = tokens(after);
  // Common prefix and suffix first: a typical edit touches one place, and the table stays small.
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const n = endA - start;
  const m = endB - start;
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i]![j] = a[start + i] === b[start + j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const changes: Change[] = [];
  let offset = a.slice(0, start).join('').length;
  let current: Change | null = null;
  const flush = () => {
    if (current) changes.push(current);
    current = null;
  };
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[start + i] === b[start + j]) {
      flush();
      offset += a[start + i]!.length;
      i++;
      j++;
    } else if (j < m && (i === n || lcs[i]![j + 1]! >= lcs[i + 1]![j]!)) {
      current ??= { index: offset, removed: '', inserted: '' };
      current.inserted += b[start + j]!;
      j++;
    } else {
      current ??= { index: offset, removed: '', inserted: '' };
      current.removed += a[start + i]!;
      offset += a[start + i]!.length;
      i++;
    }
  }
  flush();
  return changes;
}
