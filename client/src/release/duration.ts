// Durations in words a staff officer reads at a glance: "2 d 3 h 5 min", "1 h 4 min 9 s", "42 s".

const UNITS: [label: string, seconds: number][] = [
  ['d', 86_400],
  ['h', 3_600],
  ['min', 60],
  ['s', 1],
];

/** Whole seconds, rounded up so a countdown never shows 0 s before it is over; seconds dropped beyond a day. */
export function formatDuration(ms: number): string {
  let rest = Math.max(0, Math.ceil(ms / 1000));
  if (rest === 0) return '0 s';
  const parts: string[] = [];
  const days = rest >= 86_400;
  for (const [label, size] of UNITS) {
    const count = Math.floor(rest / size);
    rest -= count * size;
    if (label === 's' && days) break;
    if (count > 0 || (parts.length > 0 && label !== 's')) parts.push(`${count} ${label}`);
  }
  return parts.join(' ');
}

/** Milliseconds as a decision time: under a second shows as "under 1 s". */
export function formatElapsed(ms: number | null): string {
  if (ms === null) return 'none decided yet';
  return ms < 1000 ? 'under 1 s' : formatDuration(ms);
}
