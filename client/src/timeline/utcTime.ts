// Times are entered in UTC (Zulu), as staff across time zones expect, and stored as ISO; they are
// shown as date-time groups (views/Dtg.tsx).

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
