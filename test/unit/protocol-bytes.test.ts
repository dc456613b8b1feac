// A binary field (shared/protocol.ts `bytes`): bytes or canonical base64 text, read in one check
// (base64, the web client's encoding, no longer fails a binary branch first), and a refusal that
// says what it expects.
import { expect, test } from 'vitest';
import { schemas } from '../../shared/protocol';

const parse = (update: unknown) => schemas['doc:update'].safeParse({ workspaceId: 'w', id: 'o', epoch: 0, update });

test('base64 text and bytes are both read as bytes', () => {
  expect(parse('AQI=')).toMatchObject({ success: true, data: { update: new Uint8Array([1, 2]) } });
  const buffer = Buffer.from([1, 2]);
  expect(parse(buffer)).toMatchObject({ success: true, data: { update: buffer } });
});

test.each([5, 'not base64!', 'AQI', null])('%j is refused, saying what a binary field must be', (update) => {
  const result = parse(update);
  expect(result.success).toBe(false);
  expect(result.error?.issues[0]).toMatchObject({ path: ['update'], message: 'expected binary data or base64 text' });
});
