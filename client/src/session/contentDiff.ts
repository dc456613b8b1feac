// Carries unacknowledged local edits from an old epoch's doc onto the new epoch's doc (a widening
// re-mark rebuilt the doc from its current content, with fresh Yjs client ids, so the docs share no
// Yjs history). The carry is a three-way merge over three copies of the content:
//   - base:   what the server had confirmed to this replica (remote updates and acknowledged local
//             ones) when the reset came: ObjectReplica's `confirmed` doc;
//   - local:  base plus this replica's unacknowledged edits (the old doc);
//   - remote: the new epoch's content, i.e. base plus whatever others did that this replica had not
//             received yet (and, after a lost acknowledgement, possibly some of its own edits).
// Only base→local is replayed, rebased over base→remote, onto the new epoch's doc:
//   - a field changed locally (its plain value differs from base's) takes the local value, or is
//     deleted when deleted locally; every other field keeps the new epoch's value;
//   - the body and text fields (Y.Text) are merged character-wise: base→local and base→remote are
//     computed as diffs (Myers, over code points so no surrogate pair is split); each local
//     insertion lands at its place in the new text, after whatever remote inserted at the same
//     spot (an identical insertion at the same spot on both sides is taken once, as diff3 does:
//     that is an edit whose acknowledgement was lost); each local deletion removes only the base
//     characters still present in the new text. So nothing another person inserted is ever
//     deleted by the replay, and nothing they deleted comes back — as if the edits had been
//     concurrent Yjs edits on one doc. Local formatting changes are not carried (the client makes
//     none); inserted text takes the formatting around it.
//   - Diffs with very many scattered changes fall back, past MAX_EDIT_DISTANCE, to one splice of
//     the changed middle: still nothing remote-inserted is deleted, but base characters the local
//     side kept inside that span are deleted and re-inserted, so a remote deletion there is undone.
import * as Y from 'yjs';
import { bodyOf, editableFieldText, fieldsOf } from '../../../shared/content';

export interface TextSplice {
  index: number;
  remove: number;
  insert: string;
}

/** The single splice turning `before` into `after` (common prefix and suffix kept). */
export function textSplice(before: string, after: string): TextSplice | null {
  if (before === after) return null;
  let prefix = 0;
  const shorter = Math.min(before.length, after.length);
  while (prefix < shorter && before[prefix] === after[prefix]) prefix += 1;
  let suffix = 0;
  while (
    suffix < shorter - prefix &&
    before[before.length - 1 - suffix] === after[after.length - 1 - suffix]
  ) {
    suffix += 1;
  }
  return {
    index: prefix,
    remove: before.length - prefix - suffix,
    insert: after.slice(prefix, after.length - suffix),
  };
}

export function applySplice(text: Y.Text, splice: TextSplice | null): void {
  if (!splice) return;
  if (splice.remove > 0) text.delete(splice.index, splice.remove);
  if (splice.insert) text.insert(splice.index, splice.insert);
}

// ---- diff ---------------------------------------------------------------------------------------

/** One step of a diff of `before` into `after`, in code points. */
export type DiffOp = { kind: 'equal'; count: number } | { kind: 'delete'; count: number } | { kind: 'insert'; text: string[] };

/** Beyond this many changed code points (after trimming the common ends), one splice stands for the middle. */
const MAX_EDIT_DISTANCE = 1000;
/** …and beyond this much work (distance × length), too. */
const MAX_DIFF_WORK = 20_000_000;

function push(ops: DiffOp[], op: DiffOp): void {
  const last = ops.at(-1);
  if (last && last.kind === op.kind) {
    if (last.kind === 'insert' && op.kind === 'insert') last.text.push(...op.text);
    else if (last.kind !== 'insert' && op.kind !== 'insert') last.count += op.count;
    return;
  }
  if (op.kind === 'insert' ? op.text.length > 0 : op.count > 0) ops.push(op);
}

/**
 * A shortest edit script from `a` to `b` (Myers' O(ND) greedy algorithm), or null past the limits.
 * Deletions come before insertions within a changed run.
 */
function myers(a: string[], b: string[]): DiffOp[] | null {
  const n = a.length;
  const m = b.length;
  const max = Math.min(n + m, MAX_EDIT_DISTANCE, Math.floor(MAX_DIFF_WORK / Math.max(1, n + m)));
  const offset = max + 1;
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  for (let d = 0; d <= max; d++) {
    // Only the band step d reads (diagonals -d-1 … d+1): the trace stays ~d² entries.
    trace.push(v.slice(offset - d - 1, offset + d + 2));
    for (let k = -d; k <= d; k += 2) {
      let x: number;
      if (k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!)) x = v[offset + k + 1]!;
      else x = v[offset + k - 1]! + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x += 1;
        y += 1;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) return backtrack(trace, b, n, m, d);
    }
  }
  return null;
}

function backtrack(trace: Int32Array[], b: string[], n: number, m: number, depth: number): DiffOp[] {
  const reversed: DiffOp[] = [];
  let x = n;
  let y = m;
  for (let d = depth; d > 0; d--) {
    const band = trace[d]!; // the state before step d, diagonal k at k + d + 1
    const at = (k: number) => band[k + d + 1]!;
    const k = x - y;
    const down = k === -d || (k !== d && at(k - 1) < at(k + 1));
    const prevK = down ? k + 1 : k - 1;
    const prevX = at(prevK);
    const prevY = prevX - prevK;
    const startX = down ? prevX : prevX + 1;
    const snake = x - startX;
    if (snake > 0) reversed.push({ kind: 'equal', count: snake });
    if (down) reversed.push({ kind: 'insert', text: [b[prevY]!] });
    else reversed.push({ kind: 'delete', count: 1 });
    x = prevX;
    y = prevY;
  }
  if (x > 0) reversed.push({ kind: 'equal', count: x });
  const ops: DiffOp[] = [];
  // Within a changed run, deletions first, then insertions.
  for (let i = reversed.length - 1; i >= 0; i--) {
    const op = reversed[i]!;
    if (op.kind === 'equal') {
      push(ops, op);
      continue;
    }
    let j = i;
    let deleted = 0;
    const inserted: string[] = [];
    while (j >= 0 && reversed[j]!.kind !== 'equal') {
      const change = reversed[j]!;
      if (change.kind === 'delete') deleted += change.count;
      else if (change.kind === 'insert') inserted.push(...change.text);
      j -= 1;
    }
    push(ops, { kind: 'delete', count: deleted });
    push(ops, { kind: 'insert', text: inserted });
    i = j + 1;
  }
  return ops;
}

/** The edits turning `before` into `after`, in code points (so a surrogate pair is never split). */
export function diffText(before: string, after: string): DiffOp[] {
  const a = Array.from(before);
  const b = Array.from(after);
  let prefix = 0;
  while (prefix < a.length && prefix < b.length && a[prefix] === b[prefix]) prefix += 1;
  let suffix = 0;
  while (suffix < a.length - prefix && suffix < b.length - prefix && a[a.length - 1 - suffix] === b[b.length - 1 - suffix]) suffix += 1;
  const middleA = a.slice(prefix, a.length - suffix);
  const middleB = b.slice(prefix, b.length - suffix);
  const ops: DiffOp[] = [];
  push(ops, { kind: 'equal', count: prefix });
  const middle = myers(middleA, middleB) ?? [
    { kind: 'delete', count: middleA.length },
    { kind: 'insert', text: middleB },
  ];
  for (const op of middle) push(ops, op);
  push(ops, { kind: 'equal', count: suffix });
  return ops;
}

// ---- three-way text merge -----------------------------------------------------------------------

/**
 * Replays base→local onto `target` (whose text is base→remote), rebased over base→remote: local
 * insertions land where they belong in the new text, local deletions remove only base characters
 * the new text still has. One Yjs operation per change, applied from the end backwards.
 */
export function mergeText(target: Y.Text, base: string, local: string): void {
  const remote = target.toString();
  if (local === base || local === remote) return;
  const baseChars = Array.from(base);
  const remoteChars = Array.from(remote);
  // Where each base code point sits in the new text (UTF-16 index, or -1 if deleted there), and
  // what the new text inserted at each gap g (before base code point g): its text and where it ends.
  const remoteUnits = new Int32Array(remoteChars.length + 1);
  for (let i = 0; i < remoteChars.length; i++) remoteUnits[i + 1] = remoteUnits[i]! + remoteChars[i]!.length;
  const keptAt = new Int32Array(baseChars.length).fill(-1);
  const gapEnd = new Int32Array(baseChars.length + 1);
  const gapText = new Map<number, string>();
  let i = 0;
  let j = 0;
  const markGap = () => {
    gapEnd[i] = remoteUnits[j]!;
  };
  markGap();
  for (const op of diffText(base, remote)) {
    if (op.kind === 'equal') {
      for (let c = 0; c < op.count; c++) {
        keptAt[i] = remoteUnits[j]!;
        i += 1;
        j += 1;
        markGap();
      }
    } else if (op.kind === 'delete') {
      for (let c = 0; c < op.count; c++) {
        i += 1;
        markGap();
      }
    } else {
      gapText.set(i, (gapText.get(i) ?? '') + op.text.join(''));
      j += op.text.length;
      gapEnd[i] = remoteUnits[j]!;
    }
  }

  // The local changes in new-text coordinates.
  const changes: { at: number; remove: number; insert: string }[] = [];
  i = 0;
  for (const op of diffText(base, local)) {
    if (op.kind === 'equal') i += op.count;
    else if (op.kind === 'delete') {
      for (let c = 0; c < op.count; c++, i++) {
        const at = keptAt[i]!;
        if (at < 0) continue; // deleted on both sides
        const previous = changes.at(-1);
        if (previous && !previous.insert && previous.at + previous.remove === at) previous.remove += baseChars[i]!.length;
        else changes.push({ at, remove: baseChars[i]!.length, insert: '' });
      }
    } else {
      const text = op.text.join('');
      if (gapText.get(i) === text) continue; // the same insertion on both sides: taken once
      changes.push({ at: gapEnd[i]!, remove: 0, insert: text });
    }
  }
  // `at` never decreases along `changes`: applied from the last, earlier positions stay valid, and
  // several insertions at one position (remote deleted what lay between them) keep their order.
  for (const change of changes.reverse()) {
    if (change.remove > 0) target.delete(change.at, change.remove);
    if (change.insert) target.insert(change.at, change.insert);
  }
}

// ---- content ------------------------------------------------------------------------------------

function plain(value: unknown): unknown {
  return value instanceof Y.AbstractType ? value.toJSON() : value;
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(plain(a)) === JSON.stringify(plain(b));
}

function textual(value: unknown): string | undefined {
  if (value instanceof Y.Text) return value.toString();
  return typeof value === 'string' ? value : undefined;
}

/**
 * Replays on `target` (the new epoch's doc) the changes `base`→`local`, in one transaction on
 * `target`, keeping what `target` has that `base` has not (see the top of this file).
 */
export function replayChanges(base: Y.Doc, local: Y.Doc, target: Y.Doc): void {
  const baseFields = fieldsOf(base);
  const localFields = fieldsOf(local);
  const to = fieldsOf(target);
  target.transact(() => {
    const keys = new Set([...baseFields.keys(), ...localFields.keys()]);
    for (const key of keys) {
      const before = baseFields.get(key);
      const value = localFields.get(key);
      if (baseFields.has(key) === localFields.has(key) && same(before, value)) continue; // not changed here
      if (!localFields.has(key)) {
        to.delete(key);
      } else if (value instanceof Y.Text) {
        // A text field stays a Y.Text, so typing in it keeps merging in the new epoch.
        const remote = textual(to.get(key));
        const text = editableFieldText(target, key);
        if (remote === undefined) text.insert(0, value.toString());
        else mergeText(text, textual(before) ?? '', value.toString());
      } else {
        to.set(key, plain(value));
      }
    }
    mergeText(bodyOf(target), bodyOf(base).toString(), bodyOf(local).toString());
  });
}
