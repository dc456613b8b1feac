// One socket.io room per (cell, access level). Names are plain strings so any adapter (in-memory,
// Redis) carries them across nodes.
export function levelRoom(workspaceId: string, levelKey: string): string {
  return `lvl:${workspaceId}:${levelKey}`;
}

/** Every socket in a cell, whatever its level: used only to find sockets, never to send content. */
export function workspaceRoom(workspaceId: string): string {
  return `ws:${workspaceId}`;
}

/** The sockets of a level that take binary fields as base64 (batched `doc:updates`). */
export function base64Room(workspaceId: string, levelKey: string): string {
  return `b64:${workspaceId}:${levelKey}`;
}

/** The rooms a socket of `level` is in for a cell. */
export function roomsOf(workspaceId: string, levelKey: string, encoding: 'binary' | 'base64'): string[] {
  const rooms = [levelRoom(workspaceId, levelKey), workspaceRoom(workspaceId)];
  if (encoding === 'base64') rooms.push(base64Room(workspaceId, levelKey));
  return rooms;
}
