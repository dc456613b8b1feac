// A time as a date-time group in Zulu (shared/dtg.ts), with the reader's local time on hover.
import { formatDtg } from '../../../shared/dtg';

/**
 * Built once, on first use: a formatter costs far more to build than to use (`toLocaleString`
 * builds one per call, which was 38 % of the page's main thread in a busy timeline).
 */
let localFormat: Intl.DateTimeFormat | null = null;

/** '30 Nov 2026, 13:30:00 local (GMT+1)': the reader's own time zone, 24-hour. */
export function localTimeText(iso: string): string {
  localFormat ??= new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'long', hourCycle: 'h23' });
  const time = new Date(iso);
  return Number.isNaN(time.getTime()) ? '' : `${localFormat.format(time)} local`;
}

/** The date-time group of `iso` as text (for sentences), or `missing`. */
export function dtgText(iso: string | undefined, missing = 'time not set'): string {
  return (iso && formatDtg(iso)) || missing;
}

export function Dtg({ iso, seconds = false, missing = 'time not set' }: { iso: string | undefined; seconds?: boolean; missing?: string }) {
  const text = iso ? formatDtg(iso, { seconds }) : null;
  if (!iso || text === null) return <span className="muted">{missing}</span>;
  return (
    <time className="dtg" dateTime={iso} title={localTimeText(iso)}>
      {text}
    </time>
  );
}
