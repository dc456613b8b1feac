// A binary field (shared/protocol.ts `bytes`): bytes or canonical base64 text, read in one check
// (base64, the web client's encoding, no longer fails a binary branch first), and a refusal that
// says what it expects.
import { expect, test, vi } from 'vitest';
import { bytesOf, schemas } from '../../shared/protocol';

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

test('base64 is decoded natively where the runtime can (Uint8Array.fromBase64), as atob does elsewhere', () => {
  const slow = bytesOf('AQID/w==');
  const holder = Uint8Array as { fromBase64?: (text: string) => Uint8Array };
  const had = holder.fromBase64;
  const native = vi.fn((_text: string) => new Uint8Array([1, 2, 3, 255]));
  holder.fromBase64 = native;
  try {
    expect(bytesOf('AQID/w==')).toEqual(slow);
    expect(native).toHaveBeenCalledWith('AQID/w==');
  } finally {
    holder.fromBase64 = had;
    if (!had) delete holder.fromBase64;
  }
});

test("on Node, base64 is decoded by Buffer into bytes of their own (not a view on Buffer's shared slab), as atob decodes it", () => {
  const text = btoa(String.fromCharCode(...Array.from({ length: 300 }, (_, i) => i % 256)));
  const atobBytes = Uint8Array.from(atob(text), (char) => char.charCodeAt(0));
  const from = vi.spyOn(Buffer, 'from');
  try {
    const decoded = bytesOf(text);
    expect(from).toHaveBeenCalledWith(text, 'base64');
    expect(Buffer.isBuffer(decoded)).toBe(false);
    expect(decoded.buffer.byteLength).toBe(300);
    expect(decoded).toEqual(atobBytes);
  } finally {
    from.mockRestore();
  }
});
