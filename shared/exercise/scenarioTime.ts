// Scenario time: milliseconds since the exercise's start (STARTEX). Planners write it as an
// offset `+00:15` or `+1:02:30` (hours:minutes[:seconds]), an ISO 8601 duration `PT15M`, or a
// number of minutes; the server keeps milliseconds.

const OFFSET = /^\+?(\d{1,3}):([0-5]\d)(?::([0-5]\d))?$/;
const DURATION = /^P(?:(\d+)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** Milliseconds, or undefined when `value` is no scenario time. */
export function parseScenarioTime(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? Math.round(value * MINUTE) : undefined;
  if (typeof value !== 'string') return undefined;
  const text = value.trim().toUpperCase();
  if (/^\d+(\.\d+)?$/.test(text)) return parseScenarioTime(Number(text));
  const offset = OFFSET.exec(text);
  if (offset) return Number(offset[1]) * HOUR + Number(offset[2]) * MINUTE + Number(offset[3] ?? 0) * 1000;
  const duration = DURATION.exec(text);
  if (duration && text !== 'P' && !text.endsWith('T')) {
    const [, days, hours, minutes, seconds] = duration;
    return Math.round(Number(days ?? 0) * 24 * HOUR + Number(hours ?? 0) * HOUR + Number(minutes ?? 0) * MINUTE + Number(seconds ?? 0) * 1000);
  }
  return undefined;
}

/** '+01:05' or '+01:05:30': the form planners write and the CSV export uses. */
export function formatScenarioTime(ms: number): string {
  const total = Math.floor(ms / 1000);
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  const base = `+${String(hours).padStart(2, '0')}:${String(minutes).padStart(2, '0')}`;
  return seconds === 0 ? base : `${base}:${String(seconds).padStart(2, '0')}`;
}

export const SCENARIO_TIME_HINT = 'write it as an offset from the start such as "+00:15", an ISO duration such as "PT15M", or a number of minutes';
