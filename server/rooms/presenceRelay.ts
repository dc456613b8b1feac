// Presence across nodes. A node sends a window's presence changes only to its own sockets, and
// hands the changes, unfiltered, to the other nodes (socket.io's server-side emit through Redis),
// each of which filters them for its own sockets with its own envelopes. So what a partner gets
// never depends on the sending node's picture, which may be behind a re-mark made elsewhere.
// Each pointer carries the marking version the sending node held for the object; a receiving
// node that holds an older one (or none) reads the envelope again first, and if that fails it
// strips the pointer (fails closed), as it does for relayed updates (server/relay/receiver.ts).
import { z } from 'zod';
import { PRESENCE_VIEWS, type PresenceState } from '../../shared/protocol';
import type { Cell } from '../workspaces/cellRegistry';
import type { PresenceChange } from './presenceBatch';

/** The socket.io server-side event the changes travel under. */
export const PRESENCE_RELAY_EVENT = 'presence';

const id = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/);
const text = z.string().max(512);
const relayedState = z.strictObject({
  clientId: text,
  sub: text,
  name: text,
  nation: text,
  objectId: id.optional(),
  cursor: z
    .unknown()
    .refine((v) => JSON.stringify(v ?? null).length <= 2048)
    .optional(),
  view: z.enum(PRESENCE_VIEWS).optional(),
});
const relayedChange = z.union([z.strictObject({ clientId: text, removed: z.literal(true) }), relayedState]);

/** What one node hands the others: checked on arrival like any inbound payload (Redis is not trusted to hold well-formed data). */
export const presenceRelaySchema = z.strictObject({
  workspaceId: id,
  changes: z.array(relayedChange).max(10_000),
  /** The sending node's marking version of each object a state points into. */
  versions: z.record(id, z.number().int().min(0)),
});
export interface PresenceRelayMessage {
  workspaceId: string;
  changes: PresenceChange[];
  versions: Record<string, number>;
}

/** The message for a window's changes: each pointed-into object with the version this node holds (0: none). */
export function presenceMessage(workspaceId: string, changes: readonly PresenceChange[], held: (objectId: string) => number | undefined): PresenceRelayMessage {
  const versions: Record<string, number> = {};
  for (const change of changes) {
    if ('objectId' in change && change.objectId) versions[change.objectId] = held(change.objectId) ?? 0;
  }
  return { workspaceId, changes: [...changes], versions };
}

export interface PresenceRelayPorts {
  /** The cell if this node has it in memory; a node without it has nobody to tell. */
  loaded(workspaceId: string): Promise<Cell | undefined> | undefined;
  markingVersionHeld(objectId: string): number | undefined;
  /** Reads the object's envelope again (the relay receiver's refresh: removals and additions included). */
  refresh(cell: Cell, objectId: string): Promise<void>;
  /** Sends the changes to this node's own sockets, filtered with this node's envelopes. */
  sendLocal(cell: Cell, changes: PresenceChange[]): void;
  log: { warn(details: object, message: string): void };
}

/** Another node's presence changes: checked, envelopes brought up to the sender's, then filtered here. */
export async function receivePresence(ports: PresenceRelayPorts, raw: unknown): Promise<void> {
  const parsed = presenceRelaySchema.safeParse(raw);
  if (!parsed.success) {
    ports.log.warn({ issues: parsed.error.issues.length }, 'a relayed presence message was malformed and is dropped');
    return;
  }
  const { workspaceId, changes, versions } = parsed.data;
  const cell = await ports.loaded(workspaceId);
  if (!cell) return;
  const behind = (objectId: string) => {
    const held = ports.markingVersionHeld(objectId);
    return held === undefined || held < (versions[objectId] ?? Number.POSITIVE_INFINITY);
  };
  const pointed = new Set(changes.flatMap((change) => ('objectId' in change && change.objectId ? [change.objectId] : [])));
  for (const objectId of pointed) {
    if (!behind(objectId)) continue;
    await ports.refresh(cell, objectId).catch((err: unknown) => ports.log.warn({ err, objectId }, 'presence pointer stripped: the envelope could not be read again'));
  }
  ports.sendLocal(
    cell,
    changes.map((change): PresenceChange => {
      if ('removed' in change || !change.objectId || !behind(change.objectId)) return change as PresenceChange;
      const { objectId: _o, cursor: _c, ...rest } = change;
      return rest as PresenceState;
    }),
  );
}
