// A feature's track history: where it was moved to, when and by whom, from the server's own move
// audit entries (server/objects/moves.ts), not from anything a client wrote. Each position is shown
// only if the reader may read the feature as it was marked at that move, the same rule the audit
// trail applies, so a release never hands over where it was while it was hidden from them.
import type { FeatureTrack, TrackPoint } from '../../../shared/rest';
import { auditEntryFor, type AuditViewer } from '../../audit/visibility';
import type { Identity } from '../../auth/verifier';
import type { Context } from '../context';
import { notFound } from '../../errors';
import { memberCell } from './cellReports';

/** At most this many of the latest positions are returned: a trail, not an archive. */
const TRACK_MAX_POINTS = 500;

export async function featureTrack(ctx: Context, identity: Identity, workspaceId: string, objectId: string): Promise<FeatureTrack> {
  const { cell, participant } = await memberCell(ctx, identity, workspaceId);
  const entry = cell.index.get(objectId);
  if (!entry || !cell.index.canSee(participant, objectId) || entry.envelope.kind !== 'feature') throw notFound();
  const viewer: AuditViewer = {
    workspaceId: cell.workspace.id,
    participant,
    policy: cell.policy,
    visibleObject: (id) => (cell.index.canSee(participant, id) ? cell.index.get(id)!.envelope : undefined),
    requestedFrom: () => undefined,
  };
  const points: TrackPoint[] = [];
  for (const stored of await ctx.audit.listForObject(objectId)) {
    if (stored.action !== 'object.move') continue;
    const shown = auditEntryFor(stored, viewer);
    const to = shown?.detail.to;
    if (shown && Array.isArray(to) && to.length === 2 && to.every((n) => typeof n === 'number')) {
      points.push({ at: shown.at, actor: shown.actor, position: to as [number, number] });
    }
  }
  return { points: points.slice(-TRACK_MAX_POINTS) };
}
