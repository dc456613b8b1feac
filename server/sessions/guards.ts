// The checks every handler starts with. Order matters for confidentiality: visibility is decided
// before roles, so "not releasable to you" and "absent" give the same `not_found`.
import type { Role } from '../../shared/protocol';
import type { Context, SessionData } from '../context';
import { forbidden, notFound, TearlineError } from '../errors';
import type { IndexedObject } from '../objects/objectIndex';
import type { Cell } from '../workspaces/cellRegistry';

export async function joinedCell(ctx: Context, session: SessionData, workspaceId: string): Promise<Cell> {
  const cell = session.joined.has(workspaceId) ? await ctx.cells.get(workspaceId) : undefined;
  if (!cell) throw new TearlineError('forbidden', 'Open this cell (workspace:join) before working in it.');
  return cell;
}

export function visibleObject(cell: Cell, session: SessionData, id: string): IndexedObject {
  const entry = cell.index.get(id);
  if (!entry || !cell.index.canSee(session.participant, id)) throw notFound();
  return entry;
}

const ROLE_WORDS: Record<Role, string> = {
  viewer: 'a viewer',
  editor: 'an editor',
  fdo: 'a foreign disclosure officer',
  admin: 'an administrator',
};

export function requireRole(session: SessionData, role: Role, action: string): void {
  if (!session.identity.roles.includes(role)) {
    throw forbidden(`Only ${ROLE_WORDS[role]} may ${action}.`);
  }
}
