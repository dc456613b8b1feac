// Splits a text into runs for the overlay that paints other participants' carets and selections
// under a textarea: plain runs, selected runs (tinted with the owner's colour) and zero-width
// caret markers. Pure, so it is tested without a browser.

export interface RemoteCaret {
  /** Stable key of the participant's connection. */
  key: string;
  label: string;
  color: string;
  anchor: number;
  head: number;
}

export type CaretRun =
  | { kind: 'text'; text: string; selectedBy: RemoteCaret | null }
  | { kind: 'caret'; owner: RemoteCaret };

export function caretRuns(text: string, carets: readonly RemoteCaret[]): CaretRun[] {
  const clamp = (index: number): number => Math.max(0, Math.min(text.length, index));
  const placed = carets.map((caret) => ({
    ...caret,
    anchor: clamp(caret.anchor),
    head: clamp(caret.head),
  }));
  const cuts = new Set<number>([0, text.length]);
  for (const caret of placed) {
    cuts.add(caret.anchor);
    cuts.add(caret.head);
  }
  const points = Array.from(cuts).sort((a, b) => a - b);
  const runs: CaretRun[] = [];
  points.forEach((point, i) => {
    for (const caret of placed) if (caret.head === point) runs.push({ kind: 'caret', owner: caret });
    const next = points[i + 1];
    if (next === undefined || next === point) return;
    const selectedBy =
      placed.find((caret) => Math.min(caret.anchor, caret.head) <= point && next <= Math.max(caret.anchor, caret.head)) ??
      null;
    runs.push({ kind: 'text', text: text.slice(point, next), selectedBy });
  });
  return runs;
}

/** A colour per participant, stable across sessions. */
export function participantColor(key: string): string {
  let hash = 0;
  for (let i = 0; i < key.length; i += 1) hash = (hash * 31 + key.charCodeAt(i)) >>> 0;
  return `hsl(${hash % 360} 70% 42%)`;
}
