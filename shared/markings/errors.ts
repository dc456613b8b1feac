/**
 * The one error the markings engine throws. `token` is the offending text exactly as typed and
 * `position` its index in the input (-1 when the fault is not in a marking text, e.g. a policy or
 * a participant), so a caller can underline it.
 */
export class MarkingError extends Error {
  readonly code = 'bad_marking' as const;
  override readonly name = 'MarkingError';
  readonly token: string;
  readonly position: number;

  constructor(message: string, token: string, position = -1) {
    super(message);
    this.token = token;
    this.position = position;
  }
}
