// One error type for everything the server (or the network) refuses, so every view can say in
// words what went wrong instead of swallowing it.
import type { ProtocolError } from '../../../shared/protocol';

/** Codes the client adds to the server's own (`shared/protocol.ts` ERROR_CODES). */
export type ClientErrorCode = 'network' | 'timeout' | 'offline';

export class ServerError extends Error {
  constructor(
    readonly code: ProtocolError['code'] | ClientErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ServerError';
  }
}

/** A sentence for a staff officer, whatever was thrown. */
export function describeError(error: unknown): string {
  if (error instanceof ServerError) return error.message;
  if (error instanceof Error && error.message) return `Unexpected problem: ${error.message}`;
  return 'Unexpected problem: the operation did not complete.';
}
