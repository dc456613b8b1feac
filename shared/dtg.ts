// Date-time groups, the way staff write times across time zones: DDHHMMZMONYY in Zulu (UTC), e.g.
// 301230ZNOV26 for 30 November 2026 12:30 UTC. One formatter for every time the client shows.

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'] as const;

const two = (n: number) => String(n).padStart(2, '0');

/** '301230ZNOV26'; null for a text that is not a time. `seconds` adds them after the minutes (301230:45ZNOV26), for the audit trail. */
export function formatDtg(iso: string, { seconds = false }: { seconds?: boolean } = {}): string | null {
  const time = new Date(iso);
  if (Number.isNaN(time.getTime())) return null;
  const clock = `${two(time.getUTCHours())}${two(time.getUTCMinutes())}${seconds ? `:${two(time.getUTCSeconds())}` : ''}`;
  return `${two(time.getUTCDate())}${clock}Z${MONTHS[time.getUTCMonth()]}${two(time.getUTCFullYear() % 100)}`;
}
