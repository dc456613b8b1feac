// Which rows of a list fall in a band of it: pure, for VirtualList.

/**
 * `offsets[i]` is where row i starts and `offsets[n]` where the list ends (ascending). Returns the
 * rows [start, end) that overlap [from, to).
 */
export function windowOf(offsets: readonly number[], from: number, to: number): { start: number; end: number } {
  const rows = offsets.length - 1;
  const start = Math.min(firstAbove(offsets, from) - 1, rows);
  const end = Math.max(start, Math.min(firstAbove(offsets, to - 1), rows));
  return { start: Math.max(0, start), end };
}

/** The first index whose offset is above `value` (offsets.length if none). */
function firstAbove(offsets: readonly number[], value: number): number {
  let low = 0;
  let high = offsets.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (offsets[middle]! > value) high = middle;
    else low = middle + 1;
  }
  return low;
}
