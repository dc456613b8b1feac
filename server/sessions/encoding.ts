// Binary fields on the way out, in the encoding the socket chose at connect time.
import type { BinaryEncoding, Bytes } from '../../shared/protocol';

export function encodeBytes(encoding: BinaryEncoding, bytes: Uint8Array): Bytes {
  return encoding === 'base64' ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64') : bytes;
}
