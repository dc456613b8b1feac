// What one node tells the others through the relay: one Redis stream entry per change, on the
// stream of its cell's shard (so a cell's changes stay in order). Every entry read is checked
// here with zod; one that does not parse is logged and skipped, never stalls its stream.
import { z } from 'zod';

/** Shards: a fixed number, the same on every node (it decides which stream a cell's entries go to). */
export const RELAY_SHARDS = 16;
export const STREAM_PREFIX = 'tearline:relay:';
/** Set once per Redis run: a node that finds another value knows Redis lost its streams. */
export const RUN_KEY = `${STREAM_PREFIX}run`;

const id = z.string().min(1).max(128);
const base = { node: z.string().min(1).max(256), workspaceId: id };

export const relayEntry = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('update'),
    ...base,
    objectId: id,
    epoch: z.number().int().min(0),
    seq: z.number().int().min(1),
    markingVersion: z.number().int().min(0),
    /** base64; absent when the sweeper found it compacted away: the receiver reloads the object. */
    update: z.string().max(64 * 1024 * 1024).optional(),
    /** The Yjs client ids it is the first to write with, and whose (absent with `update`). */
    owners: z.array(z.tuple([z.number().int().min(0), z.string().min(1).max(256)])).max(10_000).optional(),
    /** The object's last number when this epoch began: clients are given `seq - epochSeq` (absent: the receiver reloads). */
    epochSeq: z.number().int().min(0).optional(),
  }),
  // Changes of an object's envelope, its place or its tombstone: the receiver reads what changed from PostgreSQL.
  z.object({
    kind: z.enum(['create', 'remark', 'delete', 'restore', 'move']),
    ...base,
    objectId: id,
    epoch: z.number().int().min(0),
    seq: z.number().int().min(0),
    markingVersion: z.number().int().min(0),
  }),
  z.object({ kind: z.literal('level'), ...base, level: z.string().min(1).max(512) }),
  z.object({ kind: z.literal('workspace'), ...base }),
]);

export type RelayEntry = z.infer<typeof relayEntry>;

/** The shard of a cell (FNV-1a of its id): every node computes the same. */
export function shardOf(workspaceId: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < workspaceId.length; i++) hash = Math.imul(hash ^ workspaceId.charCodeAt(i), 0x01000193);
  return (hash >>> 0) % RELAY_SHARDS;
}

export function streamOf(workspaceId: string): string {
  return `${STREAM_PREFIX}${shardOf(workspaceId)}`;
}

/**
 * The entry's fields: `e`, its JSON, and `w`, its cell, so that a node skips the entries of cells
 * it does not hold without parsing them (a shard carries the entries of many cells). An update
 * also names, in `n`, the node that stored it: that node counted it when it committed it
 * (`RelayReceiver.storedHere`) and skips it unread, as it would ignore it once parsed.
 */
export function encodeEntry(entry: RelayEntry): Record<string, string> {
  const fields = { e: JSON.stringify(entry), w: entry.workspaceId };
  return entry.kind === 'update' ? { ...fields, n: entry.node } : fields;
}

/** The entry, or why it cannot be used. */
export function decodeEntry(fields: Record<string, string>): { entry: RelayEntry } | { problem: string } {
  let json: unknown;
  try {
    json = JSON.parse(fields.e ?? '');
  } catch {
    return { problem: 'not JSON' };
  }
  const parsed = relayEntry.safeParse(json);
  if (!parsed.success) return { problem: parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ') };
  // Nodes skip entries by `w`: one whose `w` names another cell than its body is refused, so that
  // an entry is handled only as the cell it names.
  if (fields.w !== undefined && fields.w !== parsed.data.workspaceId) return { problem: 'w: names another cell than the entry' };
  // Likewise `n`: the node named skips the entry unread, so it must be the one that stored it.
  if (fields.n !== undefined && (parsed.data.kind !== 'update' || fields.n !== parsed.data.node)) return { problem: 'n: names another node than the entry' };
  return { entry: parsed.data };
}
