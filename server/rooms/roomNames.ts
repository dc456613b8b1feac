// One socket.io room per (cell, access level). Names are plain strings so any adapter carries
// them: the in-memory one today, one that spans nodes later.
import type { BinaryEncoding } from '../../shared/protocol';

export function levelRoom(workspaceId: string, levelKey: string): string {
  return `lvl:${workspaceId}:${levelKey}`;
}

/** Every socket in a cell, whatever its level: used only to find sockets, never to send content. */
export function workspaceRoom(workspaceId: string): string {
  return `ws:${workspaceId}`;
}

/**
 * The sockets of a level that take binary fields in one encoding: `bin:` gets `doc:update` per
 * object, `b64:` gets batched `doc:updates`. A level with no socket of an encoding costs nothing
 * to send to in that encoding.
 */
export function encodingRoom(workspaceId: string, levelKey: string, encoding: BinaryEncoding): string {
  return `${encoding === 'base64' ? 'b64' : 'bin'}:${workspaceId}:${levelKey}`;
}

/** The rooms a socket of `level` is in for a cell. */
export function roomsOf(workspaceId: string, levelKey: string, encoding: BinaryEncoding): string[] {
  return [levelRoom(workspaceId, levelKey), workspaceRoom(workspaceId), encodingRoom(workspaceId, levelKey, encoding)];
}
