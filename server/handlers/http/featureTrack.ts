// A feature's track history: where it was placed and moved to, when and by whom, from the server's
// own creation and move audit entries (server/objects/moves.ts), not from anything a client wrote. Each position is shown
// only if the reader may read the feature as it was marked at that move, the same rule the audit
// trail applies, so a release never hands over where it was while it was hidden from them.
import type { AuditAction, FeatureTrack, TrackPoint } from '../../../shared/rest';
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
  const points: Omit<TrackPoint, 'actorName'>[] = [];
  for (const stored of await ctx.audit.listForObject(objectId)) {
    const event = TRACK_EVENTS[stored.action];
    if (!event) continue;
    const shown = auditEntryFor(stored, viewer);
    const to = shown?.detail.to;
    if (shown && Array.isArray(to) && to.length === 2 && to.every((n) => typeof n === 'number')) {
      points.push({ at: shown.at, event, actor: shown.actor, position: to as [number, number] });
    }
  }
  const latest = points.slice(-TRACK_MAX_POINTS);
  const names = new Map<string, string | null>();
  for (const { actor } of latest) {
    if (actor.nation !== null && !names.has(actor.sub)) names.set(actor.sub, (await ctx.notificationStore.person(cell.workspace.id, actor.sub))?.name ?? null);
  }
  return { points: latest.map((point) => ({ ...point, actorName: names.get(point.actor.sub) ?? null })) };
}

const TRACK_EVENTS: Partial<Record<AuditAction, TrackPoint['event']>> = { 'object.create': 'placed', 'tearline.create': 'placed', 'object.move': 'moved' };
