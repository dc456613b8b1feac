// The object id an inject's version becomes in a cell, derived (not drawn at random) from what
// identifies that release: the cell, the inject, the version and how many times the exercise was
// reset. A runner that stored an inject's objects but died before saving its own state releases
// the inject again on restart; the same ids find the objects already there, so nothing is
// released twice. Shaped as a UUID (version 8, RFC 9562's custom layout) like every object id.
import { createHash } from 'node:crypto';

export function injectObjectId(workspaceId: string, injectId: string, version: number, resets: number): string {
  const hex = createHash('sha256').update(JSON.stringify(['tearline-inject', workspaceId, injectId, version, resets])).digest('hex');
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
