// One error type for everything the server (or the network) refuses, so every view can say in
// words what went wrong instead of swallowing it.
import type { ProtocolError } from '../../../shared/protocol';

/** Codes the client adds to the server's own (`shared/protocol.ts` ERROR_CODES). */
export type ClientErrorCode = 'network' | 'timeout' | 'offline';

export class ServerError extends Error {
  constructor(
    readonly code: ProtocolError['code'] | ClientErrorCode,
    message: string,
    /** With `rate_limited`: when the server expects the same request to succeed (ms from now). */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'ServerError';
  }
}

/** A refused request's wait before trying again, when the server said none. */
const DEFAULT_RETRY_MS = 1000;

/**
 * How long to wait before trying a `rate_limited` request again: the server's time, stretched by
 * up to half at random, so clients told the same time do not all come back at once.
 */
export function retryDelayMs(error: ServerError): number {
  return (error.retryAfterMs ?? DEFAULT_RETRY_MS) * (1 + Math.random() / 2);
}

/**
 * Why the socket could not connect, in words: the server's own sentence when it refused the
 * connection (`data.message`), else what the transport's terse message ("websocket error", "xhr
 * poll error", "timeout") means for the reader.
 */
export function connectErrorText(error: Error & { data?: unknown }): string {
  const data = error.data as { message?: unknown } | undefined;
  if (typeof data?.message === 'string' && data.message) return `the server refused the connection: ${data.message}`;
  return 'the Tearline server cannot be reached (the network or the server is down); trying again by itself';
}

/** A sentence for a staff officer, whatever was thrown. */
export function describeError(error: unknown): string {
  if (error instanceof ServerError) return error.message;
  if (error instanceof Error && error.message) return `Unexpected problem: ${error.message}`;
  return 'Unexpected problem: the operation did not complete.';
}
