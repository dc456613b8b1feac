// Binary fields on the way out, in the encoding the socket chose at connect time.
import type { BinaryEncoding, Bytes } from '../../shared/protocol';

export function encodeBytes(encoding: BinaryEncoding, bytes: Uint8Array): Bytes {
  return encoding === 'base64' ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64') : bytes;
}

/** Base64 text of byte arrays sent as they are to many sockets, for as long as each array lives. */
const sharedBase64 = new WeakMap<Uint8Array, string>();

/**
 * encodeBytes for an array many sockets receive unchanged (a cached stored state, server/objects/
 * stateCache.ts): its base64 text is made once and kept beside it, so a cell's clients opening
 * after a restart do not each re-encode every doc. While the array is cached its text takes 4/3 of
 * its size again, outside the cache's byte bound.
 */
export function encodeSharedBytes(encoding: BinaryEncoding, bytes: Uint8Array): Bytes {
  if (encoding !== 'base64') return bytes;
  let text = sharedBase64.get(bytes);
  if (text === undefined) {
    text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
    sharedBase64.set(bytes, text);
  }
  return text;
}
