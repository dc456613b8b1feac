// Tearline's base64 sockets get every update as base64 text inside a JSON frame (`doc:updates`,
// `doc:reset`, `doc:sync` answers), which hides the edit markers from a byte scan. A light
// receiver finds the `"update":"…"` strings in the raw frame and decodes only those: no JSON
// parse, no Yjs. Base64 has no `"` or `\`, so JSON carries it verbatim and the closing quote ends it.
const KEY = Buffer.from('"update":"', 'latin1');
const QUOTE = 0x22;
const NONE = Buffer.alloc(0);

/** The decoded `update` fields of a frame, concatenated in order; empty when it has none. */
export function base64Updates(frame: Uint8Array): Buffer {
  const text = Buffer.isBuffer(frame) ? frame : Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength);
  const parts: Buffer[] = [];
  let at = text.indexOf(KEY);
  while (at !== -1) {
    const start = at + KEY.length;
    const end = text.indexOf(QUOTE, start);
    if (end === -1) break;
    parts.push(Buffer.from(text.toString('latin1', start, end), 'base64'));
    at = text.indexOf(KEY, end + 1);
  }
  if (parts.length === 0) return NONE;
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
}
