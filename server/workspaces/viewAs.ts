// "View as <partner>" for FDOs: the picture a partner level sees, computed by the server. It never
// shows the FDO anything the FDO could not see: the answer is what both may see.
import { accessLevelKey, type Participant } from '../../shared/markings';
import type { AckBodies, ClientPayload } from '../../shared/protocol';
import type { Context, SessionData } from '../context';
import { TearlineError } from '../errors';
import { joinedCell, requireRole } from '../sessions/guards';
import { visibleEnvelopes } from './joinHandlers';

export async function viewAs(
  ctx: Context,
  session: SessionData,
  payload: ClientPayload<'workspace:view-as'>,
): Promise<AckBodies['workspace:view-as']> {
  const cell = await joinedCell(ctx, session, payload.workspaceId);
  requireRole(session, 'fdo', 'view the cell as a partner');
  const partner: Participant = payload.level;
  let level: string;
  try {
    level = accessLevelKey(partner, cell.policy);
  } catch (error) {
    throw new TearlineError('bad_request', (error as Error).message);
  }
  const objects = visibleEnvelopes(cell, [partner, session.participant]);
  await ctx.audit.append({
    workspaceId: cell.workspace.id,
    actor: { sub: session.identity.sub, nation: session.participant.nation },
    action: 'view_as',
    detail: { level, objects: objects.length },
  });
  return { level, objects };
}
