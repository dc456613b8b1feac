// Chain verification, pure: it reads entries in seq order and names the first one that is not
// what was appended. Each check points at the entry that was tampered with:
//   - seq not the next integer → an entry was removed (or moved) there;
//   - prevHash not the previous entry's hash → the chain was cut or spliced there;
//   - hash not the hash of the entry's fields → the entry was altered (or swapped in from elsewhere).
// A rewrite that recomputes every later hash is only caught against a head recorded elsewhere
// (`head`): the log keeps one in a separate table, and `tearline audit verify` prints it for
// anchoring outside the server.
import { GENESIS_HASH, hashEntry, type AuditEntry } from './entry';

export type VerifyResult = { ok: true; count: number; head: ChainHead | null } | { ok: false; seq: number; reason: string };

export interface ChainHead {
  seq: number;
  hash: string;
}

export interface VerifyOptions {
  /** The last entry as recorded at append time; null when no record exists. Omit to skip. */
  head?: ChainHead | null;
}

export function verifyChain(entries: Iterable<AuditEntry>, options: VerifyOptions = {}): VerifyResult {
  let previous: ChainHead | null = null;
  for (const entry of entries) {
    const expectedSeq = previous ? previous.seq + 1 : 1;
    if (entry.seq > expectedSeq) return { ok: false, seq: expectedSeq, reason: `entry ${expectedSeq} is missing` };
    if (entry.seq < expectedSeq) {
      return { ok: false, seq: expectedSeq, reason: `entry ${expectedSeq} is out of order (found entry ${entry.seq} in its place)` };
    }
    const expectedPrev = previous ? previous.hash : GENESIS_HASH;
    if (entry.prevHash !== expectedPrev) {
      return { ok: false, seq: entry.seq, reason: `entry ${entry.seq} does not follow entry ${entry.seq - 1} (previous hash differs)` };
    }
    if (hashEntry(entry) !== entry.hash) {
      return { ok: false, seq: entry.seq, reason: `entry ${entry.seq} was altered (its content no longer matches its hash)` };
    }
    previous = { seq: entry.seq, hash: entry.hash };
  }
  if (options.head !== undefined) {
    const failure = compareHead(previous, options.head);
    if (failure) return failure;
  }
  return { ok: true, count: previous?.seq ?? 0, head: previous };
}

function compareHead(last: ChainHead | null, head: ChainHead | null): { ok: false; seq: number; reason: string } | null {
  const lastSeq = last?.seq ?? 0;
  if (head === null) {
    return last === null ? null : { ok: false, seq: lastSeq, reason: 'the recorded head of the log is missing' };
  }
  if (head.seq > lastSeq) {
    return { ok: false, seq: lastSeq + 1, reason: `entries ${lastSeq + 1} to ${head.seq} are missing (the log was truncated)` };
  }
  if (head.seq < lastSeq) {
    return { ok: false, seq: head.seq + 1, reason: `entry ${head.seq + 1} was not appended through the audit log` };
  }
  if (last !== null && head.hash !== last.hash) {
    return { ok: false, seq: lastSeq, reason: `entry ${lastSeq} differs from the recorded head of the log` };
  }
  return null;
}
