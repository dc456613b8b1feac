// Every inbound payload (socket message, REST body) is checked against its zod schema here, and a
// refusal always reads the same way: the first problem, where it is, in one sentence.
import type { z } from 'zod';
import { TearlineError } from './errors';

export function parseOrRefuse<T>(schema: z.ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? ` (${issue.path.join('.')})` : '';
    throw new TearlineError('bad_request', `The request was not understood${where}: ${issue?.message ?? 'invalid'}.`);
  }
  return parsed.data;
}
