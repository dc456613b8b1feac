// Every benchmark edit inserts a marker `~TL<writer>.<seq>;` into the object's text, so a light
// receiver can tell which edits a message carries by scanning its raw bytes, without applying or
// even decoding Yjs. Yjs (update format v1) stores inserted strings as UTF-8 verbatim, and
// merging updates (server-side coalescing) concatenates them, so a coalesced message still shows
// every edit it carries, whichever server relayed it and however it framed it.
const PREFIX = Buffer.from('~TL', 'latin1');
const DIGIT_0 = 0x30;
const DOT = 0x2e;
const SEMICOLON = 0x3b;

export function markerText(writer: number, seq: number): string {
  return `~TL${writer}.${seq};`;
}

/** Calls `onEdit` for every marker in `bytes`; returns how many it found. */
export function scanMarkers(bytes: Uint8Array, onEdit: (writer: number, seq: number) => void): number {
  const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let found = 0;
  let at = buffer.indexOf(PREFIX);
  while (at !== -1) {
    const parsed = parseMarkerBody(buffer, at + PREFIX.length);
    if (parsed) {
      onEdit(parsed.writer, parsed.seq);
      found++;
      at = buffer.indexOf(PREFIX, parsed.end);
    } else {
      at = buffer.indexOf(PREFIX, at + 1);
    }
  }
  return found;
}

function parseMarkerBody(buffer: Buffer, from: number): { writer: number; seq: number; end: number } | null {
  const writer = readNumber(buffer, from, DOT);
  if (!writer) return null;
  const seq = readNumber(buffer, writer.end + 1, SEMICOLON);
  if (!seq) return null;
  return { writer: writer.value, seq: seq.value, end: seq.end + 1 };
}

/** Reads decimal digits up to `terminator`; null if anything else comes first. */
function readNumber(buffer: Buffer, from: number, terminator: number): { value: number; end: number } | null {
  let value = 0;
  let at = from;
  for (; at < buffer.length && at - from < 10; at++) {
    const byte = buffer[at]!;
    if (byte === terminator) return at > from ? { value, end: at } : null;
    const digit = byte - DIGIT_0;
    if (digit < 0 || digit > 9) return null;
    value = value * 10 + digit;
  }
  return null;
}
