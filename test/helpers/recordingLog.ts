// A real pino logger whose lines land in an array, for tests that check what the server logs:
// typed as the server's Logger, so no test needs a hand-made double cast to it.
import pino, { type Logger } from 'pino';

export interface LogRecord {
  level: number;
  msg?: string;
  [field: string]: unknown;
}

/** pino's number for `error`. */
export const ERROR = 50;

export function recordingLog(): { log: Logger; records: LogRecord[]; errors(): LogRecord[] } {
  const records: LogRecord[] = [];
  const log = pino({ level: 'debug' }, { write: (line: string) => void records.push(JSON.parse(line) as LogRecord) });
  return { log, records, errors: () => records.filter((record) => record.level === ERROR) };
}
