// One socket.io room per (cell, access level). Names are plain strings so any adapter (in-memory,
// Redis) carries them across nodes.
export function levelRoom(workspaceId: string, levelKey: string): string {
  return `lvl:${workspaceId}:${levelKey}`;
}

/** Every socket in a cell, whatever its level: used only to find sockets, never to send content. */
export function workspaceRoom(workspaceId: string): string {
  return `ws:${workspaceId}`;
}
