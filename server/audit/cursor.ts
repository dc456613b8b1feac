// Paging cursors of the audit trail. A cursor stands for the last entry a reader was shown, but
// must not say where it is in the log: seq numbers are global, so two of them would count the
// entries between (hidden ones of this cell, and every other cell's). A cursor is therefore the
// seq and a tag of the cell in one AES block, encrypted with a key of this server process:
// opaque, the same for the same entry, refused for another cell. Cursors end with the process;
// a reader then starts again from the beginning.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { TearlineError } from '../errors';

export interface AuditCursors {
  encode(workspaceId: string, seq: number): string;
  /** The seq a cursor stands for; `bad_request` when it was not made by this server for this cell. */
  decode(workspaceId: string, cursor: string): number;
}

const BLOCK = 16;

function cellTag(workspaceId: string): Buffer {
  return createHash('sha256').update(workspaceId).digest().subarray(0, BLOCK / 2);
}

export function createAuditCursors(key: Buffer = randomBytes(32)): AuditCursors {
  return {
    encode(workspaceId, seq) {
      const block = Buffer.alloc(BLOCK);
      cellTag(workspaceId).copy(block);
      block.writeBigUInt64BE(BigInt(seq), BLOCK / 2);
      const cipher = createCipheriv('aes-256-ecb', key, null).setAutoPadding(false);
      return Buffer.concat([cipher.update(block), cipher.final()]).toString('base64url');
    },
    decode(workspaceId, cursor) {
      const sealed = Buffer.from(cursor, 'base64url');
      if (sealed.length === BLOCK) {
        const decipher = createDecipheriv('aes-256-ecb', key, null).setAutoPadding(false);
        const block = Buffer.concat([decipher.update(sealed), decipher.final()]);
        if (block.subarray(0, BLOCK / 2).equals(cellTag(workspaceId))) return Number(block.readBigUInt64BE(BLOCK / 2));
      }
      throw new TearlineError(
        'bad_request',
        'This audit page cursor was not issued for this cell by this server (cursors end when the server restarts): read the trail again from the start.',
      );
    },
  };
}
